// The Governance contract as an org's admin calls it: from a process of the org's own site. Where
// sites have Unix users of their own, the admin's key may be read only by the site's user, so the
// operator's command (run as root) does not connect itself: it starts a small process as the
// site's user (site-admin-call.ts) and sends it the calls, one JSON line each, over a pipe. Only
// the connection profile (file paths, endpoints: nothing secret) and the calls' data cross.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connect, Governance, LedgerClient, LedgerError, LedgerErrorCode, Proposal } from '@donation-ledger/client';
import { ORG_ADMIN } from './ca';
import { RunPaths, tlsRootFor } from './paths';
import { clientProfile, ClientProfile } from './profiles';
import { siteAdmin } from './site-users';
import { findOrg, PeerOrgConfig, Topology } from './topology';

/** What an org's admin does with the Governance contract (the records, not the transactions' receipts). */
export interface GovernanceAdmin {
  readGovernance(): Promise<Governance>;
  configureGovernance(...args: Parameters<LedgerClient['configureGovernance']>): Promise<Governance>;
  proposeInvite(...args: Parameters<LedgerClient['proposeInvite']>): Promise<Proposal>;
  proposeRemoval(...args: Parameters<LedgerClient['proposeRemoval']>): Promise<Proposal>;
  vote(...args: Parameters<LedgerClient['vote']>): Promise<Proposal>;
  recordExecution(...args: Parameters<LedgerClient['recordExecution']>): Promise<Proposal>;
  readProposal(...args: Parameters<LedgerClient['readProposal']>): Promise<Proposal>;
}

type Method = keyof GovernanceAdmin;

/** Each call on a connected client: the one table both sides of the pipe use. */
export const GOVERNANCE_CALLS: { readonly [M in Method]: (client: LedgerClient, args: Parameters<GovernanceAdmin[M]>) => ReturnType<GovernanceAdmin[M]> } = {
  readGovernance: (c) => c.readGovernance(),
  configureGovernance: async (c, [config]) => (await c.configureGovernance(config)).result,
  proposeInvite: async (c, [request]) => (await c.proposeInvite(request)).result,
  proposeRemoval: async (c, [request]) => (await c.proposeRemoval(request)).result,
  vote: async (c, [id, choice]) => (await c.vote(id, choice)).result,
  recordExecution: async (c, [id, request]) => (await c.recordExecution(id, request)).result,
  readProposal: (c, [id]) => c.readProposal(id),
};

export const isGovernanceMethod = (name: unknown): name is Method => typeof name === 'string' && Object.hasOwn(GOVERNANCE_CALLS, name);

/** A failure as it crosses the pipe: a LedgerError keeps its code and whether a retry may pass. */
export interface CallFailure {
  readonly name: string;
  readonly message: string;
  readonly code?: LedgerErrorCode;
  readonly retryable?: boolean;
  readonly transactionId?: string;
  readonly validationCode?: number;
}

export function failureOf(err: unknown): CallFailure {
  if (err instanceof LedgerError) {
    return {
      name: err.name, message: err.message, code: err.code, retryable: err.retryable,
      ...(err.transactionId === undefined ? {} : { transactionId: err.transactionId }),
      ...(err.validationCode === undefined ? {} : { validationCode: err.validationCode }),
    };
  }
  return { name: err instanceof Error ? err.name : 'Error', message: err instanceof Error ? err.message : String(err) };
}

export function errorOf(failure: CallFailure): Error {
  if (failure.code !== undefined) {
    return new LedgerError(failure.code, failure.message, {
      retryable: failure.retryable ?? false,
      ...(failure.transactionId === undefined ? {} : { transactionId: failure.transactionId }),
      ...(failure.validationCode === undefined ? {} : { validationCode: failure.validationCode }),
    });
  }
  const error = new Error(failure.message);
  error.name = failure.name;
  return error;
}

/**
 * The org admin's connection profile as its own site reads it: its own files, and its copies of
 * the other members' TLS roots (never a file in another site's folder).
 */
export function siteAdminProfile(t: Topology, paths: RunPaths, org: PeerOrgConfig): ClientProfile {
  const profile = clientProfile(t, paths, org.name, ORG_ADMIN);
  return { ...profile, gateways: profile.gateways.map((g) => ({ ...g, tlsRootCertPath: tlsRootFor(paths, org.name, findOrg(t, g.mspId).name) })) };
}

/** The program the site's process runs (network/dist/site-admin-call.js beside this file). */
const CALL_PROGRAM = join(__dirname, 'site-admin-call.js');

/**
 * Runs `action` with `org`'s admin on its own site: through a process of the site's user where
 * sites have users of their own, else connected here (the caller is then every site's user).
 */
export async function withSiteAdmin<T>(t: Topology, paths: RunPaths, org: PeerOrgConfig, action: (admin: GovernanceAdmin) => Promise<T>): Promise<T> {
  const profile = siteAdminProfile(t, paths, org);
  const site = siteAdmin(paths, org.name, process.execPath);
  if (!site.user) {
    const client = await connect(profile);
    try {
      return await action(inProcess(client));
    } finally {
      client.close();
    }
  }
  const calls = new SiteProcess(CALL_PROGRAM, site.workDir, site.user, profile);
  try {
    return await action(calls.admin());
  } finally {
    await calls.close();
  }
}

function inProcess(client: LedgerClient): GovernanceAdmin {
  const admin = {} as Record<Method, unknown>;
  for (const method of Object.keys(GOVERNANCE_CALLS) as Method[]) {
    admin[method] = (...args: unknown[]): Promise<unknown> => (GOVERNANCE_CALLS[method] as (c: LedgerClient, a: unknown[]) => Promise<unknown>)(client, args);
  }
  return admin as unknown as GovernanceAdmin;
}

/** One line the site's process answers: the result of call `id`, or its failure. */
export interface CallAnswer {
  readonly id: number;
  readonly result?: unknown;
  readonly failure?: CallFailure;
}

/** The site's process: started as the site's user, sent the profile, then one call per line. */
class SiteProcess {
  readonly #child;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  readonly #exited: Promise<void>;
  #nextId = 1;
  #stderr = '';

  constructor(program: string, cwd: string, user: { readonly uid: number; readonly gid: number }, profile: ClientProfile) {
    this.#child = spawn(process.execPath, [program], { cwd, uid: user.uid, gid: user.gid, stdio: ['pipe', 'pipe', 'pipe'] });
    let buffered = '';
    this.#child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
        this.#answer(JSON.parse(buffered.slice(0, newline)) as CallAnswer);
        buffered = buffered.slice(newline + 1);
      }
    });
    this.#child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
    this.#exited = new Promise((resolve) => {
      const fail = (why: string): void => {
        for (const { reject } of this.#pending.values()) reject(new Error(`the site admin process of ${profile.mspId} ${why}: ${this.#stderr.trim()}`));
        this.#pending.clear();
        resolve();
      };
      this.#child.on('error', (err) => fail(`could not start (${err.message})`));
      this.#child.on('exit', (code, signal) => fail(`exited (${signal ?? String(code)})`));
    });
    this.#send({ profile });
  }

  admin(): GovernanceAdmin {
    const admin = {} as Record<Method, unknown>;
    for (const method of Object.keys(GOVERNANCE_CALLS) as Method[]) admin[method] = (...args: unknown[]): Promise<unknown> => this.#call(method, args);
    return admin as unknown as GovernanceAdmin;
  }

  #call(method: Method, args: unknown[]): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#send({ id, method, args });
    });
  }

  #send(message: unknown): void {
    this.#child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  #answer(answer: CallAnswer): void {
    const pending = this.#pending.get(answer.id);
    if (!pending) return;
    this.#pending.delete(answer.id);
    if (answer.failure) pending.reject(errorOf(answer.failure));
    else pending.resolve(answer.result);
  }

  /** Ends the calls: the process closes its connection and exits. */
  async close(): Promise<void> {
    this.#child.stdin.end();
    await this.#exited;
  }
}
