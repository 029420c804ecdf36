// Who the API's users are on the ledger. Each account has its own Fabric identity, registered
// and enrolled with this org's CA when the account is created, with the attributes the chaincode
// checks (role, ngoId). Every request of a user is submitted with that user's identity.
import { CertificateAuthority, ConnectOptions, GatewayEndpoint, Identity, IdentityStore, LedgerClient, LedgerError } from '@donation-ledger/client';
import { CertificateAttribute, Role as LedgerRole } from '@donation-ledger/model';
import { Account, AccountStore, hashPassword, needsRehash, Role, verifyPassword } from './accounts';
import { ApiError } from './problems';

export interface LedgerSettings {
  readonly deadlines?: ConnectOptions['deadlines'];
  readonly mspId: string;
  readonly gateways: readonly GatewayEndpoint[];
  readonly channel: string;
  readonly chaincode: string;
  readonly genesisBlockHash?: string;
}

export type Connector = (options: ConnectOptions) => Promise<LedgerClient>;

/** The Fabric attributes of each role in this org's certificates; roles without any have no chaincode powers. */
const ATTRIBUTES: Record<Role, (ngoId?: string) => Record<string, string>> = {
  [LedgerRole.Donor]: () => ({ [CertificateAttribute.Role]: LedgerRole.Donor }),
  [LedgerRole.Payments]: () => ({ [CertificateAttribute.Role]: LedgerRole.Payments }),
  [LedgerRole.NgoStaff]: (ngoId) => ({ [CertificateAttribute.Role]: LedgerRole.NgoStaff, [CertificateAttribute.NgoId]: ngoId ?? '' }),
  [LedgerRole.NgoAdmin]: () => ({ [CertificateAttribute.Role]: LedgerRole.NgoAdmin }),
  'org-admin': () => ({}),
};

export const ADMIN_USERNAME = 'admin';

const taken = (username: string): ApiError => new ApiError(409, 'ALREADY_EXISTS', `the username ${username} is taken`);

/** The account store as the directory uses it (AccountStore in the org's database). */
export type Accounts = Pick<AccountStore, 'get' | 'has' | 'add' | 'setPasswordHash'>;

export interface DirectoryOptions {
  /** A user's ledger connection unused this long is closed; their next request opens a new one. */
  readonly idleMs?: number;
  readonly now?: () => number;
}

/** Ten minutes: far longer than any request (a write waits at most twice the commit timeout). */
export const DEFAULT_IDLE_MS = 10 * 60_000;

/** What the routes use of the directory (a fake in component tests). */
export type Users = Pick<UserDirectory, 'get' | 'create' | 'login' | 'ledgerFor' | 'certificateOf'>;

export class UserDirectory {
  private readonly clients = new Map<string, { client: Promise<LedgerClient>; lastUsed: number }>();
  private readonly idleMs: number;
  private readonly now: () => number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly accounts: Accounts,
    private readonly wallet: IdentityStore,
    private readonly ca: CertificateAuthority,
    private readonly registrar: Identity,
    private readonly ledger: LedgerSettings,
    private readonly connector: Connector,
    /** Prefix of the CA enrollment IDs this instance creates, so that two instances never collide. */
    private readonly enrollmentPrefix: string,
    options: DirectoryOptions = {},
  ) {
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.now = options.now ?? Date.now;
  }

  /** Closes idle users' connections every minute from now on (until close()). */
  startEvicting(): void {
    this.sweeper ??= setInterval(() => this.evictIdle(), 60_000).unref();
  }

  /** Closes the connections no request has used for idleMs; returns how many. */
  evictIdle(): number {
    const oldest = this.now() - this.idleMs;
    const idle = [...this.clients].filter(([, entry]) => entry.lastUsed < oldest);
    for (const [username, entry] of idle) {
      this.clients.delete(username);
      entry.client.then((c) => c.close(), () => undefined);
    }
    return idle.length;
  }

  get(username: string): Promise<Account | undefined> {
    return this.accounts.get(username);
  }

  /**
   * Creates an account and its Fabric identity, all or nothing: `complete` (e.g. storing the
   * donor's details on the ledger) runs as the new identity before the account is saved, and
   * when anything fails no account is left. The identity stays in the wallet, so a retry of the
   * same sign-up reuses it instead of registering again (Fabric CA cannot register a name twice).
   */
  async create(username: string, password: string, role: Role, ngoId?: string, complete?: (ledger: LedgerClient) => Promise<unknown>): Promise<Account> {
    if (await this.accounts.has(username)) throw taken(username);
    const enrollmentId = `${this.enrollmentPrefix}${username}`;
    if (!(await this.wallet.get(enrollmentId))) {
      let secret: string;
      try {
        secret = await this.ca.register(this.registrar, { enrollmentId, attrs: ATTRIBUTES[role](ngoId) });
      } catch (err) {
        if (err instanceof LedgerError && err.code === 'ALREADY_EXISTS') throw taken(username);
        throw err;
      }
      await this.wallet.put(enrollmentId, await this.ca.enroll(enrollmentId, secret));
    }
    const account: Account = {
      username, role, ...(ngoId ? { ngoId } : {}), walletLabel: enrollmentId, passwordHash: await hashPassword(password), createdAt: new Date().toISOString(),
    };
    let client: LedgerClient | undefined;
    try {
      if (complete) await complete((client = await this.connect(account)));
      // The account is stored last, so that nothing is left when a step before fails.
      if (!(await this.accounts.add(account))) throw taken(username); // a concurrent sign-up won
    } catch (err) {
      client?.close();
      throw err;
    }
    if (client) this.clients.set(username, { client: Promise.resolve(client), lastUsed: this.now() });
    return account;
  }

  /** The account the password opens, or undefined (the same answer for an unknown user and a wrong password). */
  async login(username: string, password: string): Promise<Account | undefined> {
    const account = await this.accounts.get(username);
    if (!account) {
      await hashPassword(password); // spend the same time as a real check
      return undefined;
    }
    if (!(await verifyPassword(password, account.passwordHash))) return undefined;
    // A hash made with weaker parameters is replaced now that the password is known.
    if (needsRehash(account.passwordHash)) await this.accounts.setPasswordHash(username, await hashPassword(password));
    return account;
  }

  /** The ledger as this account: one connection per user, opened on first use, reused, closed when idle. */
  ledgerFor(account: Account): Promise<LedgerClient> {
    const entry = this.clients.get(account.username);
    if (entry) {
      entry.lastUsed = this.now();
      return entry.client;
    }
    const client = this.connect(account);
    this.clients.set(account.username, { client, lastUsed: this.now() });
    client.catch(() => this.clients.delete(account.username));
    return client;
  }

  /** PEM of the account's enrollment certificate: who its transactions name as their creator. */
  async certificateOf(account: Account): Promise<string> {
    const identity = await this.wallet.get(account.walletLabel);
    if (!identity) throw new ApiError(500, 'INTERNAL', `the Fabric identity of ${account.username} is missing from the wallet`);
    return identity.certificate;
  }

  /** A separate client of `account` that talks to these gateway peers only (the caller closes it). */
  ledgerAt(account: Account, gateways: ConnectOptions['gateways']): Promise<LedgerClient> {
    return this.connect(account, gateways);
  }

  private async connect(account: Account, gateways = this.ledger.gateways): Promise<LedgerClient> {
    const identity = await this.wallet.get(account.walletLabel);
    if (!identity) throw new ApiError(500, 'INTERNAL', `the Fabric identity of ${account.username} is missing from the wallet`);
    return this.connector({ ...this.ledger, gateways, identity });
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const clients = [...this.clients.values()].map((e) => e.client);
    this.clients.clear();
    for (const client of await Promise.allSettled(clients)) if (client.status === 'fulfilled') client.value.close();
  }
}
