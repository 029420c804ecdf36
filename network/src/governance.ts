// Membership governance from the operator's side: the ledger's Governance contract keeps the
// proposals and votes (through the SDK, as an org's reserved `orgadmin` identity, from a process
// of the org's own site: site-admin-client.ts), and carrying out an approved proposal is a channel
// config update done here (membership.ts). The executor refuses anything that is not APPROVED, and
// records EXECUTED or ACTION_FAILED.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LedgerError, Proposal } from '@donation-ledger/client';
import { log, retry } from './exec';
import { loadEffectiveTopology, loadNewOrg } from './members';
import { readSignatureFile } from './config-signatures';
import { joinSubsetChannel, leaveSubsetChannel } from './channel-membership';
import { addOrgToChannel, firstMember, NetworkLocation, OrgIdentity, orgIdentity, removeOrgFromChannel, SignedUpdate, writeMembershipUpdate } from './membership';
import { RunPaths } from './paths';
import { GovernanceAdmin, withSiteAdmin } from './site-admin-client';
import { channelNames, channelView, findOrg, PeerOrgConfig, Topology } from './topology';

/** The proposal cannot be acted on as asked (unknown, not approved, or the org offered is not the one voted on). */
export class GovernanceRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GovernanceRefusal';
  }
}

/**
 * Acts as the org admin (`orgadmin`) of a member org, on the org's own site: as its Unix user
 * where sites have users of their own (site-admin-client.ts), so only that site reads the key.
 */
const withAdmin = withSiteAdmin;

const codeOf = (err: unknown): string | undefined => (err instanceof LedgerError ? err.code : undefined);

/**
 * Records a proposal's outcome, asking again for a while when the transaction did not commit:
 * just after a config change the gateway may still be learning the new membership, and after a
 * step that took an ordering node out of the consenters (its endpoint stays in its org's entry
 * until the org leaves) the gateway may submit to that node and be told "channel does not exist".
 * A submit that failed may still have been ordered: the proposal is read before asking again, so
 * an EXECUTED outcome is not recorded twice (ACTION_FAILED may be; the ledger allows it).
 */
async function recordOutcome(c: GovernanceAdmin, proposalId: string, outcome: { outcome: 'EXECUTED' | 'ACTION_FAILED'; detail: string }): Promise<Proposal> {
  return retry(60_000, 2000, async () => {
    try {
      return await c.recordExecution(proposalId, outcome);
    } catch (err) {
      const submitted = err instanceof LedgerError && err.transactionId !== undefined;
      if (submitted && outcome.outcome === 'EXECUTED') {
        const now = await c.readProposal(proposalId);
        if (now.status === 'EXECUTED') return now;
      }
      throw err;
    }
  }, (err) => !(err instanceof LedgerError) || err.retryable || err.transactionId !== undefined);
}

/**
 * The channel whose ledger keeps the proposals and whose membership they change: the main channel,
 * or the subset channel `at.channel` names (each channel's chaincode governs its own members).
 */
function governedChannel(at: NetworkLocation): Topology {
  const t = loadEffectiveTopology(at.topologyFile, at.paths, at.portOffset);
  if (at.channel === undefined || at.channel === t.channel) return t;
  if (!t.channels.some((c) => c.name === at.channel)) throw new GovernanceRefusal(`unknown channel "${at.channel}"; the topology has: ${channelNames(t).join(', ')}`);
  return channelView(t, at.channel);
}

/**
 * Sets the founding members and the topology's voting policy on the ledger, once, as the first
 * member's admin. A ledger that already has a governance configuration is left as it is.
 */
export async function ensureGovernance(t: Topology, paths: RunPaths): Promise<void> {
  const admin = firstMember(t);
  await withAdmin(t, paths, admin, async (client) => {
    // Right after a deploy the chaincode servers may still be connecting: retry briefly.
    const configured = await retry(60_000, 1000, async () => {
      try {
        await client.readGovernance();
        return true;
      } catch (err) {
        if (codeOf(err) === 'NOT_FOUND') return false;
        throw err;
      }
    });
    if (configured) return;
    const members = t.orgs.map((o) => ({ mspId: o.mspId, name: o.name }));
    await retry(60_000, 2000, () => client.configureGovernance({ members, policy: t.governance }), (err) => codeOf(err) !== 'ALREADY_EXISTS');
    const { thresholdPercentage, comparator, proposalDurationHours } = t.governance;
    log(`configured governance: members ${members.map((m) => m.mspId).join(', ')}; a proposal passes with YES ${comparator === 'GREATER_THAN' ? '>' : '>='} ${thresholdPercentage}% of members within ${proposalDurationHours}h`);
  });
}

/** A PEM CA certificate, or a clear error naming what is wrong with it. */
export function checkCaCertificate(what: string, pem: unknown): string {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) throw new GovernanceRefusal(`${what} must be a PEM certificate`);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (err) {
    throw new GovernanceRefusal(`${what} is not a readable X.509 certificate: ${(err as Error).message}`);
  }
  if (!cert.ca) throw new GovernanceRefusal(`${what} is not a CA certificate (basic constraints CA:FALSE)`);
  return pem.trim();
}

/** Reads the JSON `org prepare` printed (name, mspId, caRootCert, tlsRootCert) and checks its certificates. */
export function readOrgIdentity(file: string): OrgIdentity {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new GovernanceRefusal(`${file} cannot be read as JSON: ${(err as Error).message}`);
  }
  if (typeof raw.name !== 'string' || typeof raw.mspId !== 'string') throw new GovernanceRefusal(`${file} needs "name" and "mspId" (the output of "org prepare")`);
  return {
    name: raw.name,
    mspId: raw.mspId,
    caRootCert: checkCaCertificate(`${file}: caRootCert`, raw.caRootCert),
    tlsRootCert: checkCaCertificate(`${file}: tlsRootCert`, raw.tlsRootCert),
  };
}

export async function proposeInvite(at: NetworkLocation, asOrg: string, request: { id: string; description: string; org: OrgIdentity }): Promise<Proposal> {
  const t = governedChannel(at);
  return withAdmin(t, at.paths, findOrg(t, asOrg), (admin) => admin.proposeInvite(request));
}

export async function proposeRemoval(at: NetworkLocation, asOrg: string, request: { id: string; description: string; mspId: string }): Promise<Proposal> {
  const t = governedChannel(at);
  return withAdmin(t, at.paths, findOrg(t, asOrg), (admin) => admin.proposeRemoval(request));
}

export async function vote(at: NetworkLocation, asOrg: string, proposalId: string, choice: 'YES' | 'NO'): Promise<Proposal> {
  const t = governedChannel(at);
  return withAdmin(t, at.paths, findOrg(t, asOrg), (admin) => admin.vote(proposalId, choice));
}

export async function readProposal(at: NetworkLocation, asOrg: string | undefined, proposalId: string): Promise<Proposal> {
  const t = governedChannel(at);
  return withAdmin(t, at.paths, asOrg ? findOrg(t, asOrg) : firstMember(t), (client) => readOrRefuse(client, proposalId));
}

async function readOrRefuse(client: GovernanceAdmin, proposalId: string): Promise<Proposal> {
  try {
    return await client.readProposal(proposalId);
  } catch (err) {
    const code = codeOf(err);
    if (code === 'NOT_FOUND' || code === 'INVALID_ARGUMENT') throw new GovernanceRefusal(`there is no proposal "${proposalId}" on the ledger (${(err as Error).message})`);
    throw err;
  }
}

const votesOf = (p: Proposal): string =>
  `${p.votes.filter((v) => v.vote === 'YES').length} YES, ${p.votes.filter((v) => v.vote === 'NO').length} NO of ${p.membersAtCreation.length} members ` +
  `(passes with YES ${p.policy.comparator === 'GREATER_THAN' ? '>' : '>='} ${p.policy.thresholdPercentage}%)`;

/** Whether two PEM texts hold the same certificate. */
const sameCertificate = (a: string | undefined, b: string): boolean => {
  try {
    return a !== undefined && new X509Certificate(a).raw.equals(new X509Certificate(b).raw);
  } catch {
    return false;
  }
};

/**
 * Carries out an approved proposal (or retries one whose action failed): checks it, changes the
 * channel, and records the outcome on the ledger. For an invitation, `orgSpecFile` must describe
 * the org that was voted on: same MSP ID and name, and the CA and TLS roots in the proposal must
 * be those of the org prepared in this run directory.
 */
export async function executeProposal(
  at: NetworkLocation, proposalId: string, options: { orgSpecFile?: string; asOrg?: string; update?: { envelopeFile: string; signatureFiles: readonly string[] } } = {},
): Promise<Proposal> {
  const t = governedChannel(at);
  const { proposal, recorder, plan } = await approvedPlan(at, t, proposalId, options);
  // A malformed signature file stops here, before anything changes; submitUpdate checks each against the channel config.
  const signed = options.update && { envelopeFile: options.update.envelopeFile, signatures: options.update.signatureFiles.map(readSignatureFile), submitter: recorder };
  log(`executing proposal ${proposalId}: ${proposal.action} ${proposal.targetMspId} (${votesOf(proposal)})`);

  let detail: string;
  try {
    detail = await plan.run(signed);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log(`the action of proposal ${proposalId} failed; recording ACTION_FAILED`);
    await withAdmin(t, at.paths, recorder, (c) => recordOutcome(c, proposalId, { outcome: 'ACTION_FAILED', detail: message.slice(0, 1900) }));
    throw err;
  }
  const after = governedChannel(at);
  const recorded = await withAdmin(after, at.paths, findOrg(after, recorder.name), (c) => recordOutcome(c, proposalId, { outcome: 'EXECUTED', detail }));
  log(`recorded proposal ${proposalId} as ${recorded.status}: ${detail}`);
  return recorded;
}

/**
 * Writes the config update an approved proposal needs, unsigned, for the members to sign on their
 * own sites (`config-update sign`); `execute --update <file> --signature <file>...` then submits it.
 */
export async function writeProposalUpdate(at: NetworkLocation, proposalId: string, out: string, options: { orgSpecFile?: string; asOrg?: string } = {}): Promise<void> {
  const t = governedChannel(at);
  const { plan } = await approvedPlan(at, t, proposalId, options);
  await plan.writeUpdate(out);
}

/** An approved proposal (or a failed one, to retry), the member that records its execution, and the plan. */
async function approvedPlan(
  at: NetworkLocation, t: Topology, proposalId: string, options: { orgSpecFile?: string; asOrg?: string },
): Promise<{ proposal: Proposal; recorder: PeerOrgConfig; plan: Plan }> {
  const proposal = await withAdmin(t, at.paths, options.asOrg ? findOrg(t, options.asOrg) : firstMember(t), (c) => readOrRefuse(c, proposalId));
  if (proposal.status !== 'APPROVED' && proposal.status !== 'ACTION_FAILED') {
    throw new GovernanceRefusal(
      `proposal ${proposalId} is ${proposal.status} (${votesOf(proposal)}); only an APPROVED proposal (or an ACTION_FAILED one, to retry) can be executed`,
    );
  }
  // The org being removed may not record its own removal: another member's admin does.
  const recorder = options.asOrg ? findOrg(t, options.asOrg) : t.orgs.find((o) => o.mspId !== proposal.targetMspId);
  if (!recorder || (proposal.action === 'REMOVE' && recorder.mspId === proposal.targetMspId)) {
    throw new GovernanceRefusal(`the execution of proposal ${proposalId} must be recorded by the admin of a member other than ${proposal.targetMspId}`);
  }
  return { proposal, recorder, plan: planAction(at, t, proposal, options.orgSpecFile) };
}

/** What carrying out a proposal does: run it (with other sites' signature files, or not), or write the update for them to sign. */
interface Plan {
  run(signed?: SignedUpdate): Promise<string>;
  writeUpdate(out: string): Promise<void>;
}

/** Checks everything the action needs before anything changes, and returns the plan. */
function planAction(at: NetworkLocation, t: Topology, proposal: Proposal, orgSpecFile: string | undefined): Plan {
  if (isSubsetChannel(at, t)) return planSubsetAction(at, t, proposal);
  const nothingToSign = (why: string) => (): Promise<void> => Promise.reject(new GovernanceRefusal(`proposal ${proposal.id} needs no config update: ${why}`));
  if (proposal.action === 'REMOVE') {
    const member = t.orgs.find((o) => o.mspId === proposal.targetMspId);
    const gone = `${proposal.targetMspId} was no longer a member of channel ${t.channel}`;
    if (!member) return { run: () => Promise.resolve(gone), writeUpdate: nothingToSign(gone) };
    return {
      run: async (signed) => {
        await removeOrgFromChannel(at, proposal.targetMspId, signed);
        return `removed ${proposal.targetMspId} from channel ${t.channel}`;
      },
      writeUpdate: (out) => writeMembershipUpdate(at, { removeMspId: proposal.targetMspId }, out),
    };
  }
  if (!orgSpecFile) throw new GovernanceRefusal(`proposal ${proposal.id} invites ${proposal.targetMspId}: give the org's spec file with --org-spec`);
  const invited = proposal.org;
  if (!invited) throw new GovernanceRefusal(`proposal ${proposal.id} carries no org to invite`);
  const spec = JSON.parse(readFileSync(orgSpecFile, 'utf8')) as { name?: unknown; mspId?: unknown };
  if (spec.mspId !== invited.mspId || spec.name !== invited.name) {
    throw new GovernanceRefusal(
      `${orgSpecFile} describes ${String(spec.name)} (${String(spec.mspId)}), but proposal ${proposal.id} invites ${invited.name} (${invited.mspId})`,
    );
  }
  const already = t.orgs.find((o) => o.mspId === invited.mspId);
  const org = already ?? loadNewOrg(orgSpecFile, at.topologyFile, at.paths, at.portOffset).org;
  const prepared = orgIdentity(at.paths, org);
  if (!sameCertificate(invited.caRootCert, prepared.caRootCert) || !sameCertificate(invited.tlsRootCert, prepared.tlsRootCert)) {
    throw new GovernanceRefusal(
      `the CA or TLS root certificate of ${org.name} prepared in ${at.paths.root} is not the one proposal ${proposal.id} was voted on; ` +
        'the org brought up must be the org the members approved',
    );
  }
  const member = `${invited.mspId} was already a member of channel ${t.channel}`;
  if (already) return { run: () => Promise.resolve(member), writeUpdate: nothingToSign(member) };
  return {
    run: async (signed) => {
      const after = await addOrgToChannel(at, orgSpecFile, signed);
      return `added ${invited.mspId} to channel ${after.channel}; its peers joined and approved chaincode ${after.chaincode.name}`;
    },
    writeUpdate: (out) => writeMembershipUpdate(at, { specFile: orgSpecFile }, out),
  };
}

/** Whether `t` (governedChannel's answer) is a subset channel's view rather than the main channel. */
function isSubsetChannel(at: NetworkLocation, t: Topology): boolean {
  return loadEffectiveTopology(at.topologyFile, at.paths, at.portOffset).channel !== t.channel;
}

/**
 * On a subset channel, an invitation brings in an org of the consortium (it has a site and runs
 * peers already: the proposal carries its roots, which must be those of the member of that name),
 * and a removal takes a member out (joinSubsetChannel, leaveSubsetChannel). Signature files from
 * other sites are not taken here: the members' admins sign on this network.
 */
function planSubsetAction(at: NetworkLocation, t: Topology, proposal: Proposal): Plan {
  const notHere = (): Promise<void> =>
    Promise.reject(new GovernanceRefusal(`proposal ${proposal.id} changes subset channel ${t.channel}: its update is signed by the members' admins on this network, not by signature files`));
  const done = (why: string): Plan => ({ run: () => Promise.resolve(why), writeUpdate: notHere });
  const member = t.orgs.find((o) => o.mspId === proposal.targetMspId);
  if (proposal.action === 'REMOVE') {
    if (!member) return done(`${proposal.targetMspId} was no longer a member of channel ${t.channel}`);
    return {
      run: async (signed) => {
        if (signed) await notHere();
        await leaveSubsetChannel(at, member.name);
        return `removed ${proposal.targetMspId} from channel ${t.channel}`;
      },
      writeUpdate: notHere,
    };
  }
  const invited = proposal.org;
  if (!invited) throw new GovernanceRefusal(`proposal ${proposal.id} carries no org to invite`);
  const consortium = loadEffectiveTopology(at.topologyFile, at.paths, at.portOffset);
  const org = consortium.orgs.find((o) => o.mspId === invited.mspId && o.name === invited.name);
  if (!org) {
    throw new GovernanceRefusal(`proposal ${proposal.id} invites ${invited.name} (${invited.mspId}) to channel ${t.channel}, which is not a member of the consortium ` +
      `(channel ${consortium.channel}); invite it there first`);
  }
  const prepared = orgIdentity(at.paths, org);
  if (!sameCertificate(invited.caRootCert, prepared.caRootCert) || !sameCertificate(invited.tlsRootCert, prepared.tlsRootCert)) {
    throw new GovernanceRefusal(`the CA or TLS root certificate of member ${org.name} is not the one proposal ${proposal.id} was voted on`);
  }
  if (member) return done(`${invited.mspId} was already a member of channel ${t.channel}`);
  return {
    run: async (signed) => {
      if (signed) await notHere();
      await joinSubsetChannel(at, org.name);
      return `added ${invited.mspId} to channel ${t.channel}; its peers joined and approved chaincode ${t.chaincode.name}`;
    },
    writeUpdate: notHere,
  };
}
