// The connection to a Fabric Gateway peer: one gateway at a time, endpoints in order of
// preference, and failover to the next endpoint when the current gateway peer stops answering.
// The gRPC clients underneath are shared by every connection of the process to the same endpoint.
import * as grpc from '@grpc/grpc-js';
import { connect as connectGateway, Contract, Gateway, hash, Network } from '@hyperledger/fabric-gateway';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { LedgerError, toLedgerError } from './errors';
import { Identity, privateKeyOf } from './identity';
import { messageSigner } from './signing';

export interface GatewayEndpoint {
  /** host:port of a peer running the Gateway service. */
  readonly endpoint: string;
  /** PEM file of the CA that signed that peer's TLS certificate. */
  readonly tlsRootCertPath: string;
  /** A name in the peer's TLS certificate to verify it against, when the endpoint's host is not one. */
  readonly hostnameOverride?: string;
  /**
   * The MSP ID of the org that runs the peer. Calls that carry or read private data go only to
   * peers of the caller's own org (and to endpoints without an MSP ID, taken as the caller's own).
   */
  readonly mspId?: string;
}

export interface FailoverOptions {
  /** The call carries or reads private data: only the caller's own org's peers may see it. */
  readonly homeOnly?: boolean;
}

/** While on another org's peer, how often a call first tries to move back to its own org's. */
const FAIL_BACK_EVERY_MS = 5_000;

export interface Deadlines {
  readonly evaluateMs: number;
  readonly endorseMs: number;
  readonly submitMs: number;
  readonly commitStatusMs: number;
  /** How long to keep asking for the status of a submitted transaction whose first status request failed. */
  readonly statusRecoveryMs: number;
  /** Connecting to and checking one endpoint. */
  readonly connectMs: number;
}

export const DEFAULT_DEADLINES: Deadlines = {
  evaluateMs: 5_000, endorseMs: 15_000, submitMs: 5_000, commitStatusMs: 60_000, statusRecoveryMs: 60_000, connectMs: 5_000,
};

export interface Active {
  readonly endpoint: GatewayEndpoint;
  readonly gateway: Gateway;
  readonly network: Network;
  readonly contract: Contract;
}

interface Opened extends Active {
  readonly grpcClient: grpc.Client;
}

export class GatewayConnection {
  private current: Opened;
  private closed = false;
  /** One failover at a time; concurrent failures wait for it instead of starting their own. */
  private failing: Promise<void> | undefined;
  private lastFailBack = 0;

  private constructor(
    private readonly endpoints: readonly GatewayEndpoint[],
    private readonly identity: Identity,
    private readonly channel: string,
    private readonly chaincode: string,
    private readonly deadlines: Deadlines,
    first: Opened,
  ) {
    this.current = first;
  }

  /** Connects to the first endpoint that answers and accepts the identity; fails naming each endpoint's problem. */
  static async open(endpoints: readonly GatewayEndpoint[], identity: Identity, channel: string, chaincode: string, deadlines: Deadlines): Promise<GatewayConnection> {
    if (endpoints.length === 0) throw new LedgerError('INVALID_ARGUMENT', 'no gateway endpoint was given');
    const first = await openFirst(endpoints, identity, channel, chaincode, deadlines);
    return new GatewayConnection(endpoints, identity, channel, chaincode, deadlines, first);
  }

  get active(): Active {
    if (this.closed) throw new LedgerError('INVALID_ARGUMENT', 'the client is closed');
    return this.current;
  }

  /**
   * Runs `operation` on the current gateway. When it fails as UNAVAILABLE and the gateway peer
   * itself no longer answers, moves to the next endpoint that does and runs it again there.
   * Only operations that sent nothing to the orderers may be run this way.
   */
  async withFailover<T>(operation: (active: Active) => Promise<T>, options: FailoverOptions = {}): Promise<T> {
    await this.failBackIfDue(options.homeOnly === true);
    // Private data never goes to another org's peer: those endpoints count as tried already.
    const tried = new Set<number>(options.homeOnly ? this.endpoints.flatMap((e, i) => (this.isHome(e) ? [] : [i])) : []);
    for (;;) {
      const active = this.active;
      try {
        return await operation(active);
      } catch (raw) {
        const err = toLedgerError(raw);
        if (err.code !== 'UNAVAILABLE') throw err;
        tried.add(this.endpoints.indexOf(active.endpoint));
        if (this.current !== active) continue; // another call moved on already: use its connection
        if ((await probe(active.endpoint, this.deadlines.connectMs)) === undefined) throw err; // the peer answers: not its fault
        if (tried.size >= this.endpoints.length) throw options.homeOnly ? this.noHomePeer(err) : err;
        this.failing ??= this.failOver(this.current, tried, err).finally(() => (this.failing = undefined));
        await this.failing.catch((failure: unknown) => {
          throw options.homeOnly ? this.noHomePeer(toLedgerError(failure)) : failure;
        });
      }
    }
  }

  /** The endpoint the calls go to now. */
  get endpoint(): GatewayEndpoint {
    return this.active.endpoint;
  }

  private isHome(endpoint: GatewayEndpoint): boolean {
    return endpoint.mspId === undefined || endpoint.mspId === this.identity.mspId;
  }

  private noHomePeer(cause: LedgerError): LedgerError {
    return new LedgerError('UNAVAILABLE', `no peer of ${this.identity.mspId} answers, and this call carries private data, which is not sent ` +
      `to other orgs' peers: try again when ${this.identity.mspId}'s peers are back (${cause.message})`, { cause });
  }

  /**
   * After a failover to another org's peer, moves back to the caller's own org's peers once they
   * answer: at once for a call carrying private data (which fails when none answers), otherwise
   * at most every few seconds.
   */
  private async failBackIfDue(homeOnly: boolean): Promise<void> {
    if (this.isHome(this.active.endpoint)) return;
    if (!homeOnly && Date.now() - this.lastFailBack < FAIL_BACK_EVERY_MS) return;
    this.lastFailBack = Date.now();
    const home = this.endpoints.flatMap((e, i) => (this.isHome(e) ? [i] : []));
    this.failing ??= this.moveTo(this.current, home).finally(() => (this.failing = undefined));
    const moved = await this.failing.then(() => this.isHome(this.active.endpoint), () => false);
    if (homeOnly && !moved) throw this.noHomePeer(new LedgerError('UNAVAILABLE', 'none of them could be reached'));
  }

  private async failOver(from: Opened, tried: Set<number>, cause: LedgerError): Promise<void> {
    if (this.current !== from) return;
    const start = (this.endpoints.indexOf(from.endpoint) + 1) % this.endpoints.length;
    const order = this.endpoints.map((_, i) => (start + i) % this.endpoints.length).filter((i) => !tried.has(i));
    await this.moveTo(from, order, cause);
  }

  /** Switches from `from` to the first of these endpoints that opens; fails with `cause` when none does. */
  private async moveTo(from: Opened, order: readonly number[], cause = new LedgerError('UNAVAILABLE', 'no endpoint could be opened')): Promise<void> {
    if (this.current !== from) return;
    for (const index of order) {
      try {
        this.current = await openOne(this.endpoints[index] as GatewayEndpoint, this.identity, this.channel, this.chaincode, this.deadlines);
        closeQuietly(from);
        return;
      } catch {
        // the next one
      }
    }
    throw cause;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeQuietly(this.current);
  }
}

async function openFirst(endpoints: readonly GatewayEndpoint[], identity: Identity, channel: string, chaincode: string, deadlines: Deadlines): Promise<Opened> {
  const problems: string[] = [];
  for (const endpoint of endpoints) {
    try {
      return await openOne(endpoint, identity, channel, chaincode, deadlines);
    } catch (err) {
      if (err instanceof LedgerError && err.code === 'FORBIDDEN') throw err; // the identity, not the endpoint
      problems.push(`${endpoint.endpoint}: ${(err as Error).message}`);
    }
  }
  throw new LedgerError('UNAVAILABLE', `no gateway endpoint could be used:\n  ${problems.join('\n  ')}`);
}

async function openOne(endpoint: GatewayEndpoint, identity: Identity, channel: string, chaincode: string, deadlines: Deadlines): Promise<Opened> {
  const tlsRoot = readTlsRoot(endpoint.tlsRootCertPath);
  const problem = await probe(endpoint, deadlines.connectMs, tlsRoot);
  if (problem) throw new LedgerError('UNAVAILABLE', problem);
  const grpcClient = acquireGrpcClient(endpoint, tlsRoot);
  try {
    // A shared client may still be waiting out a reconnect backoff from before the peer came back.
    await whenReady(grpcClient, deadlines.connectMs);
  } catch (err) {
    releaseGrpcClient(grpcClient);
    throw new LedgerError('UNAVAILABLE', `${endpoint.endpoint} answers, but its gRPC channel did not become ready within ${deadlines.connectMs} ms: ${(err as Error).message}`);
  }
  const gateway = connectGateway({
    client: grpcClient,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
    // The signer hashes and signs natively; the gateway passes it the whole message.
    signer: messageSigner(privateKeyOf(identity.privateKey)),
    hash: hash.none,
    evaluateOptions: () => ({ deadline: Date.now() + deadlines.evaluateMs }),
    endorseOptions: () => ({ deadline: Date.now() + deadlines.endorseMs }),
    submitOptions: () => ({ deadline: Date.now() + deadlines.submitMs }),
    commitStatusOptions: () => ({ deadline: Date.now() + deadlines.commitStatusMs }),
    // No deadline on block events: a stream lives as long as its reader, and a deadline made for
    // one evaluate ended an idle indexer's stream every few seconds.
  });
  const network = gateway.getNetwork(channel);
  const opened: Opened = { endpoint, grpcClient, gateway, network, contract: network.getContract(chaincode) };
  try {
    // A cheap query proves the channel exists and accepts this identity, before any real work.
    await network.getContract('qscc').evaluateTransaction('GetChainInfo', channel);
  } catch (raw) {
    closeQuietly(opened);
    const err = toLedgerError(raw);
    if (err.code === 'UNAVAILABLE' || err.code === 'DEADLINE_EXCEEDED') throw err;
    throw new LedgerError('FORBIDDEN', `${endpoint.endpoint} refused the identity of ${identity.mspId} on channel ${channel} ` +
      `(is the MSP ID right, and is the certificate issued by that org's CA?): ${err.message}`, { cause: err });
  }
  return opened;
}

function readTlsRoot(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new LedgerError('INVALID_ARGUMENT', `cannot read the TLS root certificate file ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Opens a TLS connection to the endpoint to say precisely what is wrong with it, if anything:
 * nothing listening, or a certificate the given TLS root does not vouch for.
 */
export function probe(endpoint: GatewayEndpoint, timeoutMs: number, tlsRoot?: Buffer): Promise<string | undefined> {
  const host = hostOf(endpoint.endpoint);
  const port = Number(endpoint.endpoint.slice(endpoint.endpoint.lastIndexOf(':') + 1));
  if (!host || !Number.isInteger(port) || port <= 0 || port > 65535) return Promise.resolve(`"${endpoint.endpoint}" is not host:port`);
  let ca: Buffer;
  try {
    ca = tlsRoot ?? readTlsRoot(endpoint.tlsRootCertPath);
  } catch (err) {
    return Promise.resolve((err as Error).message);
  }
  return new Promise((resolve) => {
    const servername = endpoint.hostnameOverride ?? (isIP(host) ? undefined : host);
    const socket = tlsConnect({ host, port, ca, ALPNProtocols: ['h2'], ...(servername ? { servername } : {}), timeout: timeoutMs });
    const done = (problem: string | undefined): void => {
      socket.destroy();
      resolve(problem);
    };
    socket.once('secureConnect', () => done(undefined));
    socket.once('timeout', () => done(`no answer from ${endpoint.endpoint} within ${timeoutMs} ms`));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') done(`nothing is listening at ${endpoint.endpoint} (connection refused)`);
      else if (/certificate|self.signed|verify/i.test(err.message)) {
        done(`the TLS certificate of ${endpoint.endpoint} is not signed by the TLS root ${endpoint.tlsRootCertPath} (${err.message})`);
      } else done(`cannot connect to ${endpoint.endpoint}: ${err.message}`);
    });
  });
}

function hostOf(endpoint: string): string {
  return endpoint.slice(0, Math.max(0, endpoint.lastIndexOf(':'))).replace(/^\[|\]$/g, '');
}

function closeQuietly(opened: Opened): void {
  try {
    opened.gateway.close();
  } finally {
    releaseGrpcClient(opened.grpcClient);
  }
}

/**
 * gRPC clients (one HTTP/2 connection each) shared by every gateway of this process to the same
 * endpoint: an API serving a thousand logged-in users holds one connection per peer, not one per
 * user. A client is closed when the last gateway using it closes.
 */
const sharedClients = new Map<string, { readonly client: grpc.Client; users: number }>();

/**
 * A shared channel that lost its peer retries in the background with backoff; capped at a few
 * seconds (gRPC's default grows to two minutes) so that gateways moving back to a peer that
 * answers again find the channel connected, as a fresh client would be.
 */
const MAX_RECONNECT_BACKOFF_MS = 2_000;

function acquireGrpcClient(endpoint: GatewayEndpoint, tlsRoot: Buffer): grpc.Client {
  const override = endpoint.hostnameOverride;
  const key = `${endpoint.endpoint}|${override ?? ''}|${tlsRoot.toString('base64')}`;
  let entry = sharedClients.get(key);
  if (!entry) {
    entry = {
      client: new grpc.Client(endpoint.endpoint, grpc.credentials.createSsl(tlsRoot), {
        ...(override ? { 'grpc.ssl_target_name_override': override, 'grpc.default_authority': override } : {}),
        'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS,
        'grpc.initial_reconnect_backoff_ms': 500,
      }),
      users: 0,
    };
    sharedClients.set(key, entry);
  }
  entry.users++;
  return entry.client;
}

function whenReady(client: grpc.Client, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())));
}

function releaseGrpcClient(client: grpc.Client): void {
  for (const [key, entry] of sharedClients) {
    if (entry.client !== client) continue;
    if (--entry.users > 0) return;
    sharedClients.delete(key);
    client.close();
    return;
  }
}

/** How many gRPC clients this process holds, and how many gateways use them (for tests and measurements). */
export function sharedConnectionCount(): { readonly clients: number; readonly gateways: number } {
  return { clients: sharedClients.size, gateways: [...sharedClients.values()].reduce((sum, e) => sum + e.users, 0) };
}
