// The public portal's questions, answered in SQL over the read model: what each NGO raised,
// holds, spent and has left; its campaigns' progress and milestones; recent spends; where one
// donation went; what changed lately. No query here selects a donor's key or MSP.
import type { ActivityItem, DonationPath, PublicCampaign, PublicNgo, PublicSpend, SpendCategory } from '@donation-ledger/model';
import { Queryable } from './sql';

/**
 * Per campaign: money raised (pledges not cancelled), settled, spent, left, released by
 * confirmed milestones, and held. An outcome-based campaign can spend what its confirmed
 * milestones released, at most what was settled; what is left beyond that is held:
 *   held = max(0, remaining - max(0, min(settled, released) - spent)).
 * A plain campaign holds nothing.
 */
const CAMPAIGN_MONEY = `
  campaign_money as (
    select c.record_id as id, c.value as campaign,
           coalesce(d.raised, 0) as raised, coalesce(d.settled, 0) as settled, coalesce(d.remaining, 0) as remaining,
           coalesce(s.spent, 0) as spent, m.released,
           case when m.campaign_id is null then 0
                else greatest(0, coalesce(d.remaining, 0) - greatest(0, least(coalesce(d.settled, 0), m.released) - coalesce(s.spent, 0))) end as held
    from records c
    left join (select campaign_id, sum(amount) filter (where status <> 'cancelled') as raised,
                      sum(amount) filter (where settled_at is not null) as settled, sum(remaining) as remaining
               from donations where campaign_id <> '' group by 1) d on d.campaign_id = c.record_id
    left join (select campaign_id, sum(amount) as spent from spends where campaign_id <> '' group by 1) s on s.campaign_id = c.record_id
    left join (select value->>'campaignId' as campaign_id,
                      coalesce(sum((value->>'amount')::numeric) filter (where value->>'status' = 'confirmed'), 0) as released
               from records where record_type = 'milestone' group by 1) m on m.campaign_id = c.record_id
    where c.record_type = 'campaign')`;

/** NGOs with their money per currency, in ID order; one NGO when `ngoId` is given. */
export async function publicNgos(db: Queryable, ngoId?: string): Promise<PublicNgo[]> {
  const ngos = await db.query<{ id: string; value: { name: string; description?: string; status: PublicNgo['status'] } }>(
    `select record_id as id, value from records where record_type = 'ngo' and ($1::text is null or record_id = $1) order by record_id`, [ngoId ?? null]);
  const money = await db.query<{ ngo_id: string; currency: string; raised: string; settled: string; held: string; spent: string; refunded: string; remaining: string; donations: number }>(
    `with ${CAMPAIGN_MONEY},
       d as (select ngo_id, currency, sum(amount) filter (where status <> 'cancelled') as raised,
                    sum(amount) filter (where settled_at is not null) as settled, sum(refunded) as refunded, sum(remaining) as remaining,
                    count(*) filter (where status <> 'cancelled') as donations
             from donations group by 1, 2),
       s as (select ngo_id, currency, sum(amount) as spent from spends group by 1, 2),
       h as (select campaign->>'ngoId' as ngo_id, campaign->>'currency' as currency, sum(held) as held from campaign_money group by 1, 2)
     select coalesce(d.ngo_id, s.ngo_id) as ngo_id, coalesce(d.currency, s.currency) as currency,
            coalesce(d.raised, 0)::text as raised, coalesce(d.settled, 0)::text as settled, coalesce(h.held, 0)::text as held,
            coalesce(s.spent, 0)::text as spent, coalesce(d.refunded, 0)::text as refunded, coalesce(d.remaining, 0)::text as remaining,
            coalesce(d.donations, 0)::int as donations
     from d full join s on s.ngo_id = d.ngo_id and s.currency = d.currency
            left join h on h.ngo_id = coalesce(d.ngo_id, s.ngo_id) and h.currency = coalesce(d.currency, s.currency)
     where $1::text is null or coalesce(d.ngo_id, s.ngo_id) = $1
     order by 1, 2`, [ngoId ?? null]);
  return ngos.map(({ id, value }) => ({
    id, name: value.name, description: value.description ?? '', status: value.status,
    money: money.filter((m) => m.ngo_id === id).map((m) => ({
      currency: m.currency, raised: m.raised, settled: m.settled, held: m.held, spent: m.spent, refunded: m.refunded, remaining: m.remaining, donations: Number(m.donations),
    })),
  }));
}

/** An NGO's campaigns with their progress and milestones, in ID order. */
export async function publicCampaigns(db: Queryable, ngoId: string): Promise<PublicCampaign[]> {
  const rows = await db.query<{ id: string; campaign: Record<string, string>; raised: string; settled: string; spent: string; held: string; milestones: PublicCampaign['milestones'] | null }>(
    `with ${CAMPAIGN_MONEY}
     select cm.id, cm.campaign, cm.raised::text as raised, cm.settled::text as settled, cm.spent::text as spent, cm.held::text as held,
            (select jsonb_agg(jsonb_build_object('index', (m.value->>'index')::int, 'amount', m.value->>'amount', 'description', m.value->>'description',
                                                 'status', m.value->>'status', 'evidenceHash', m.value->>'evidenceHash',
                                                 'confirmedAt', m.value->>'confirmedAt', 'confirmedBy', m.value->>'confirmedBy')
                              order by (m.value->>'index')::int)
             from records m where m.record_type = 'milestone' and m.value->>'campaignId' = cm.id) as milestones
     from campaign_money cm where cm.campaign->>'ngoId' = $1 order by cm.id`, [ngoId]);
  return rows.map(({ id, campaign, raised, settled, spent, held, milestones }) => ({
    id, ngoId: campaign.ngoId ?? '', name: campaign.name ?? '', goal: campaign.goal ?? '0', currency: campaign.currency ?? '',
    opensAt: campaign.opensAt ?? '', closesAt: campaign.closesAt ?? '', validatorMspId: campaign.validatorMspId ?? '',
    raised, settled, spent, held, milestones: milestones ?? [],
  }));
}

/** Spends per NGO, category and currency. */
export function spendCategories(db: Queryable, ngoId?: string): Promise<SpendCategory[]> {
  return db.query<SpendCategory>(
    `select ngo_id as "ngoId", category, currency, count(*)::int as spends, sum(amount)::text as spent
     from spends where $1::text is null or ngo_id = $1 group by 1, 2, 3 order by 1, 2, 3`, [ngoId ?? null]);
}

/** A spend's public columns; the query joins its NGO as `n`. */
const SPEND_COLUMNS = `s.record_id as id, s.value->>'ngoId' as "ngoId", coalesce(n.value->>'name', s.value->>'ngoId') as "ngoName", s.value->>'campaignId' as "campaignId", s.value->>'amount' as amount,
  s.value->>'currency' as currency, s.value->>'description' as description, s.value->>'category' as category,
  s.value->>'receiptHash' as "receiptHash", s.value->>'recordedAt' as "recordedAt", s.tx_id as "txId", s.block::int as block`;

/** The newest spends first, of one NGO or all. */
export function recentSpends(db: Queryable, limit: number, ngoId?: string): Promise<PublicSpend[]> {
  return db.query<PublicSpend>(
    `select ${SPEND_COLUMNS} from records s left join records n on n.record_type = 'ngo' and n.record_id = s.value->>'ngoId'
     where s.record_type = 'spend' and ($1::text is null or s.value->>'ngoId' = $1)
     order by s.block desc, s.tx_index desc, s.record_id limit $2`, [ngoId ?? null, limit]);
}

/** Where a donation's money went, or undefined for an unknown donation. */
export async function donationPath(db: Queryable, donationId: string): Promise<Omit<DonationPath, 'asOfBlock'> | undefined> {
  const [row] = await db.query<{ donation: DonationPath['donation']; ngo_name: string | null; campaign_name: string | null; pledge_block: number }>(
    `select d.value - 'donor' as donation, n.value->>'name' as ngo_name, c.value->>'name' as campaign_name,
            (select min(h.block) from record_history h where h.record_type = 'donation' and h.record_id = d.record_id)::int as pledge_block
     from records d
     left join records n on n.record_type = 'ngo' and n.record_id = d.value->>'ngoId'
     left join records c on c.record_type = 'campaign' and c.record_id = d.value->>'campaignId'
     where d.record_type = 'donation' and d.record_id = $1`, [donationId]);
  if (!row) return undefined;
  const allocations = await db.query<{ amount: string; spend: PublicSpend }>(
    `select a.value->>'amount' as amount, to_jsonb(spend) as spend
     from records a join records s on s.record_type = 'spend' and s.record_id = a.value->>'spendId'
     left join records n on n.record_type = 'ngo' and n.record_id = s.value->>'ngoId'
     cross join lateral (select ${SPEND_COLUMNS}) spend
     where a.record_type = 'allocation' and a.value->>'donationId' = $1 order by s.block, s.tx_index`, [donationId]);
  const refunds = await db.query<{ amount: string; refundedAt: string }>(
    `select value->>'amount' as amount, value->>'refundedAt' as "refundedAt" from records
     where record_type = 'refund' and value->>'donationId' = $1 order by block, tx_index`, [donationId]);
  return {
    donation: row.donation, ngoName: row.ngo_name ?? '', campaignName: row.campaign_name ?? '', pledgeBlock: Number(row.pledge_block),
    allocations: allocations.map((a) => ({ amount: a.amount, spend: { ...a.spend, block: Number(a.spend.block) } })), refunds,
  };
}

/** The last changes to NGOs, campaigns, donations, milestones and spends, newest first. */
export async function recentActivity(db: Queryable, limit: number): Promise<ActivityItem[]> {
  // Milestones name their campaign only: the NGO comes from the campaign.
  const rows = await db.query<Omit<ActivityItem, 'block'> & { block: number }>(
    `select h.block::int as block, h.tx_id as "txId", h.timestamp, h.record_type as "recordType", h.record_id as "recordId",
            x.ngo_id as "ngoId", coalesce(n.value->>'name', x.ngo_id) as "ngoName",
            coalesce(h.value->>'amount', '') as amount, coalesce(h.value->>'currency', '') as currency, coalesce(h.value->>'status', '') as status,
            coalesce(h.value->>'name', h.value->>'description', '') as label
     from (select * from record_history
           where record_type in ('ngo', 'campaign', 'donation', 'milestone', 'spend') and not is_delete
           order by block desc, tx_index desc, record_type, record_id limit $1) h
     left join records c on h.record_type = 'milestone' and c.record_type = 'campaign' and c.record_id = h.value->>'campaignId'
     cross join lateral (select coalesce(h.value->>'ngoId', c.value->>'ngoId', case when h.record_type = 'ngo' then h.record_id end, '') as ngo_id) x
     left join records n on n.record_type = 'ngo' and n.record_id = x.ngo_id
     order by h.block desc, h.tx_index desc, h.record_type, h.record_id`, [limit]);
  return rows.map((r) => ({ ...r, block: Number(r.block) }));
}
