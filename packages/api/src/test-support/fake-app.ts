// The API built with fakes of everything it talks to (the users' ledger clients, the account
// directory, idempotency keys, the read model), for component tests that run the real Express app
// in-process without a network. The fake ledger answers each call with a sample record of the
// model, unless a test gives it another answer (or an error) for that method.
import { Committed, LedgerClient, LedgerDigest, LedgerError, Page } from '@donation-ledger/client';
import {
  Allocation, Balance, Campaign, Donation, HeldMoneyRefund, Milestone, Ngo, Rating, Refund, Revision, SettlementBatch, Spend,
} from '@donation-ledger/model';
import { Express } from 'express';
import pino from 'pino';
import { Account, Role } from '../accounts';
import { createApp } from '../app';
import { Claim, Idempotency } from '../idempotency';
import { ApiError } from '../problems';
import { ReadModelAccess } from '../read-model';
import { TicketBook, Tokens } from '../tokens';
import { Users } from '../users';

const AT = '2026-12-03T10:00:00.000Z';
const TX = 'a'.repeat(64);

export const sample = {
  ngo: { id: 'ngo-1', name: 'Water for All', description: 'Wells', contact: 'info@example.org', status: 'active', registeredAt: AT, registeredBy: 'NgoMSP', updatedAt: AT } satisfies Ngo,
  campaign: {
    id: 'camp-1', ngoId: 'ngo-1', name: 'Wells 2027', goal: '100000', currency: 'EUR', opensAt: AT, closesAt: '2027-12-31T00:00:00.000Z', createdAt: AT,
    validatorMspId: '', milestoneCount: 0, heldRefundedAt: '',
  } satisfies Campaign,
  milestone: { campaignId: 'camp-1', index: 1, amount: '100000', description: 'Wells dug', status: 'pending', evidenceHash: '', confirmedAt: '', confirmedBy: '' } satisfies Milestone,
  donation: {
    id: 'don-1', ngoId: 'ngo-1', campaignId: '', amount: '2500', currency: 'EUR', status: 'settled', remaining: '2500', refunded: '0',
    donor: { mspId: 'DonorPlatformMSP', key: 'b'.repeat(40) }, donatedAt: AT, expiresAt: '2026-12-10T10:00:00.000Z', settledAt: AT,
    settlementBatchId: 'batch-1', paymentRef: 'psp-1', cancelledAt: '', txId: TX,
  } satisfies Donation,
  spend: {
    id: 'sp-1', ngoId: 'ngo-1', campaignId: '', amount: '1000', currency: 'EUR', description: 'Pipes', category: 'water', receiptHash: '', recordedAt: AT,
    recordedBy: 'NgoMSP', txId: TX, allocations: [{ donationId: 'don-1', amount: '1000' }],
  } satisfies Spend,
  refund: { donationId: 'don-1', amount: '500', currency: 'EUR', paymentRef: 'psp-r1', reason: '', refundedAt: AT, txId: TX } satisfies Refund,
  rating: { ngoId: 'ngo-1', donorKey: 'b'.repeat(40), score: 5, ratedAt: AT } satisfies Rating,
  settlement: { id: 'batch-1', settledAt: AT, settledBy: 'DonorPlatformMSP', settlements: [{ donationId: 'don-1', paymentRef: 'psp-1', amount: '2500', currency: 'EUR' }], txId: TX } satisfies SettlementBatch,
  balance: { ngoId: 'ngo-1', balances: [{ campaignId: '', currency: 'EUR', unspent: '1500' }] } satisfies Balance,
  digest: { channel: 'donations', height: 12, blockHash: 'c'.repeat(64) } satisfies LedgerDigest,
};

const page = <T>(records: readonly T[]): Page<T> => ({ records, bookmark: '', fetchedCount: records.length });
const committed = <T>(result: T): Committed<T> => ({ result, transactionId: TX, blockNumber: 12n, attempts: 1 });
const allocation: Allocation = { spendId: 'sp-1', donationId: 'don-1', ngoId: 'ngo-1', amount: '1000', currency: 'EUR', spend: sample.spend };
const heldRefund: HeldMoneyRefund = { campaignId: 'camp-1', held: '500', currency: 'EUR', refunds: [sample.refund] };
const revisions: Revision[] = [{ txId: TX, timestamp: AT, isDelete: false, value: sample.ngo }];

type Method = keyof LedgerClient;
type Answer = (...args: never[]) => Promise<unknown>;

/** An answer that resolves to `value`. */
const ok = (value: unknown): Answer => () => Promise.resolve(value);

/** What the fake ledger answers by default: a sample of the model for each method the routes call. */
const DEFAULT_ANSWERS: Partial<Record<Method, Answer>> = {
  readNgo: ok(sample.ngo), listNgos: ok(page([sample.ngo])), registerNgo: ok(committed(sample.ngo)), setNgoStatus: ok(committed(sample.ngo)),
  readBalance: ok(sample.balance), listCampaignsByNgo: ok(page([sample.campaign])), listDonationsByNgo: ok(page([sample.donation])),
  listSpendsByNgo: ok(page([sample.spend])), listRatingsByNgo: ok(page([sample.rating])), rateNgo: ok(committed(sample.rating)),
  createCampaign: ok(committed(sample.campaign)), readCampaign: ok(sample.campaign), listDonationsByCampaign: ok(page([sample.donation])),
  listMilestones: ok([sample.milestone]), refundHeldMoney: ok(committed(heldRefund)),
  donate: ok(committed({ ...sample.donation, status: 'pledged', remaining: '0', settledAt: '', settlementBatchId: '', paymentRef: '' })),
  listMyDonations: ok(page([sample.donation])), readDonation: ok(sample.donation), listAllocationsByDonation: ok(page([allocation])),
  cancelPledge: ok(committed({ ...sample.donation, status: 'cancelled' })), refundDonation: ok(committed(sample.refund)),
  listRefundsByDonation: ok(page([sample.refund])), settleDonations: ok(committed(sample.settlement)), readSettlement: ok(sample.settlement),
  recordSpend: ok(committed(sample.spend)), readSpend: ok(sample.spend), getHistory: ok(revisions),
  getProof: ok([{ txId: TX, timestamp: AT, blockNumber: 5, blockHash: 'c'.repeat(64), validationCode: 0 }]),
  getDigest: ok(sample.digest), verify: ok({ ok: true, digest: sample.digest, blocksChecked: 12 }),
  hasTransaction: ok(false), setMyDetails: ok(committed({ donorKey: 'b'.repeat(40), updatedAt: AT })),
  // A receipt is whole blocks signed by orderers, which a fake cannot make: receipts are tested against the real network.
  donationReceipt: () => Promise.reject(new LedgerError('NOT_FOUND', 'the fake ledger issues no receipts')),
};

/** A call the routes made on a user's ledger client. */
export interface LedgerCall {
  readonly method: Method;
  readonly username: string;
  readonly args: readonly unknown[];
}

export class FakeLedger {
  readonly calls: LedgerCall[] = [];
  private readonly answers = new Map<Method, Answer>();

  /** From now on, `method` answers with `answer` (e.g. a rejection with a LedgerError). */
  answer(method: Method, answer: Answer): void {
    this.answers.set(method, answer);
  }

  /** The client a user's requests get: each call is recorded, then answered. */
  clientFor(username: string): LedgerClient {
    return new Proxy({} as LedgerClient, {
      get: (_target, name) => {
        if (name === 'then') return undefined; // not a promise: awaiting the client gives the client
        const method = name as Method;
        return (...args: never[]) => {
          this.calls.push({ method, username, args });
          const answer = this.answers.get(method) ?? DEFAULT_ANSWERS[method];
          return answer ? answer(...args) : Promise.reject(new Error(`the fake ledger has no answer for ${String(method)}`));
        };
      },
    });
  }
}

/** Accounts in memory; the password is kept as given (hashing is the real directory's business, tested there). */
class FakeUsers implements Users {
  private readonly accounts = new Map<string, Account & { password: string }>();

  constructor(private readonly ledger: FakeLedger) {}

  get(username: string): Promise<Account | undefined> {
    return Promise.resolve(this.accounts.get(username));
  }

  async create(username: string, password: string, role: Role, ngoId?: string, complete?: (ledger: LedgerClient) => Promise<unknown>): Promise<Account> {
    if (this.accounts.has(username)) throw new ApiError(409, 'ALREADY_EXISTS', `the username ${username} is taken`);
    const account = { username, password, role, ...(ngoId ? { ngoId } : {}), walletLabel: `fake-${username}`, passwordHash: '', createdAt: AT };
    await complete?.(this.ledger.clientFor(username));
    this.accounts.set(username, account);
    return account;
  }

  login(username: string, password: string): Promise<Account | undefined> {
    const account = this.accounts.get(username);
    return Promise.resolve(account?.password === password ? account : undefined);
  }

  ledgerFor(account: Account): Promise<LedgerClient> {
    return Promise.resolve(this.ledger.clientFor(account.username));
  }

  certificateOf(account: Account): Promise<string> {
    return Promise.reject(new Error(`the fake directory holds no certificate for ${account.username}`));
  }
}

/** Idempotency keys in memory, with the real store's answers for a replay and a reused key. */
class FakeIdempotency implements Idempotency {
  private readonly kept = new Map<string, { fingerprint: string; status?: number; body?: unknown }>();

  claim(owner: string, key: string, fingerprint: string): Promise<Claim> {
    const entry = this.kept.get(`${owner}\n${key}`);
    if (!entry) {
      this.kept.set(`${owner}\n${key}`, { fingerprint });
      return Promise.resolve({ kind: 'first' });
    }
    if (entry.fingerprint !== fingerprint) return Promise.reject(new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'the key was used for another request'));
    if (entry.status === undefined) return Promise.reject(new ApiError(409, 'IDEMPOTENCY_KEY_IN_USE', 'the first request is still running'));
    return Promise.resolve({ kind: 'replay', status: entry.status, body: entry.body });
  }

  keep(owner: string, key: string, status: number, body: unknown): Promise<void> {
    const entry = this.kept.get(`${owner}\n${key}`);
    if (entry) Object.assign(entry, { status, body });
    return Promise.resolve();
  }

  release(owner: string, key: string): Promise<void> {
    this.kept.delete(`${owner}\n${key}`);
    return Promise.resolve();
  }
}

export interface FakeApi {
  readonly app: Express;
  readonly ledger: FakeLedger;
  readonly users: Users;
  readonly tokens: Tokens;
  readonly feedTickets: TicketBook;
  /** A session token of a new account with this role (and NGO, for staff). */
  tokenOf(role: Role, ngoId?: string): Promise<string>;
}

export interface FakeApiOptions {
  readonly donorSignUp?: boolean;
  readonly trustProxy?: string | false;
  readonly loginAttemptsPerMinute?: number;
  readonly expensivePerMinute?: number;
}

let accountsMade = 0;

/** The API of one org over fakes; the read model is off (its routes answer 503). */
export function fakeApi(options: FakeApiOptions = {}): FakeApi {
  const ledger = new FakeLedger();
  const users = new FakeUsers(ledger);
  const key = new Uint8Array(32).fill(7);
  const tokens = new Tokens(key, 3600, 'donation-ledger-api:test');
  const feedTickets = new TicketBook(new Tokens(key, 30, 'donation-ledger-api:test:events'));
  const service = ledger.clientFor('service');
  const app = createApp({
    users, tokens, feedTickets, service, events: { subscribe: (res) => res.status(200).type('text/event-stream').end(': connected\n\n') },
    readModel: new ReadModelAccess(undefined, 'the read model is turned off (INDEXER=off)', 0, service),
    logger: pino({ level: 'silent' }), orgName: 'test', donorSignUp: options.donorSignUp ?? true, bodyLimit: '32kb',
    loginAttemptsPerMinute: options.loginAttemptsPerMinute ?? 1000, expensivePerMinute: options.expensivePerMinute ?? 1000,
    trustProxy: options.trustProxy ?? false, idempotency: new FakeIdempotency(),
  });
  return {
    app, ledger, users, tokens, feedTickets,
    async tokenOf(role, ngoId) {
      const account = await users.create(`user${++accountsMade}`, 'a password of 10+', role, ngoId);
      return (await tokens.issue({ username: account.username, role: account.role })).token;
    },
  };
}
