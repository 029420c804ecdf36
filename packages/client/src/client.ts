// Connects to the donation ledger through a Fabric Gateway peer with one user's identity, and
// offers the contract's transactions as typed methods.
import * as grpc from '@grpc/grpc-js';
import { connect as connectGateway, Contract, Gateway, hash, Identity, Signer, signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { commitFailure, LedgerError, toLedgerError } from './errors';
import { Committed, DonateRequest, Donation, Ngo, RegisterNgoRequest, SubmitOptions } from './types';

export interface Deadlines {
  readonly evaluateMs: number;
  readonly endorseMs: number;
  readonly submitMs: number;
  readonly commitStatusMs: number;
}

export const DEFAULT_DEADLINES: Deadlines = { evaluateMs: 5_000, endorseMs: 15_000, submitMs: 5_000, commitStatusMs: 60_000 };

export interface ConnectOptions {
  /** The MSP ID of the user's org, e.g. DonorPlatformMSP. */
  readonly mspId: string;
  /** The gateway peer, host:port. */
  readonly peerEndpoint: string;
  /** PEM file of the CA that signed the peer's TLS certificate. */
  readonly tlsRootCertPath: string;
  /** PEM file of the user's enrollment certificate. */
  readonly certificatePath: string;
  /** PEM file of the user's private key. */
  readonly privateKeyPath: string;
  readonly channel?: string;
  readonly chaincode?: string;
  readonly deadlines?: Partial<Deadlines>;
}

export interface LedgerClient {
  registerNgo(request: RegisterNgoRequest, options?: SubmitOptions): Promise<Committed<Ngo>>;
  readNgo(id: string): Promise<Ngo>;
  donate(request: DonateRequest, options?: SubmitOptions): Promise<Committed<Donation>>;
  readDonation(id: string): Promise<Donation>;
  /** Closes the gateway, then the gRPC connection. */
  close(): void;
}

/** Connects with one identity. Missing or unreadable files fail here, naming the file. */
export function connect(options: ConnectOptions): LedgerClient {
  const identity: Identity = { mspId: requireText('mspId', options.mspId), credentials: readPem('certificate', options.certificatePath) };
  const signer = newSigner(options.privateKeyPath);
  const tlsRoot = readPem('TLS root certificate', options.tlsRootCertPath);
  const grpcClient = new grpc.Client(requireText('peerEndpoint', options.peerEndpoint), grpc.credentials.createSsl(tlsRoot));
  const deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
  const gateway = connectGateway({
    client: grpcClient,
    identity,
    signer,
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + deadlines.evaluateMs }),
    endorseOptions: () => ({ deadline: Date.now() + deadlines.endorseMs }),
    submitOptions: () => ({ deadline: Date.now() + deadlines.submitMs }),
    commitStatusOptions: () => ({ deadline: Date.now() + deadlines.commitStatusMs }),
  });
  const contract = gateway.getNetwork(options.channel ?? 'donations').getContract(options.chaincode ?? 'donations');
  return new GatewayLedgerClient(gateway, grpcClient, contract);
}

class GatewayLedgerClient implements LedgerClient {
  constructor(
    private readonly gateway: Gateway,
    private readonly grpcClient: grpc.Client,
    private readonly contract: Contract,
  ) {}

  registerNgo(request: RegisterNgoRequest, options?: SubmitOptions): Promise<Committed<Ngo>> {
    return this.submit<Ngo>('RegisterNgo', [JSON.stringify(request)], options);
  }

  readNgo(id: string): Promise<Ngo> {
    return this.evaluate<Ngo>('ReadNgo', [id]);
  }

  donate(request: DonateRequest, options?: SubmitOptions): Promise<Committed<Donation>> {
    const amount = typeof request.amount === 'number' ? String(request.amount) : request.amount;
    if (typeof request.amount === 'number' && !Number.isSafeInteger(request.amount)) {
      return Promise.reject(new LedgerError('INVALID_ARGUMENT', `amount must be a whole number of minor units within 2^53, got ${request.amount}`));
    }
    return this.submit<Donation>('Donate', [JSON.stringify({ ...request, amount })], options);
  }

  readDonation(id: string): Promise<Donation> {
    return this.evaluate<Donation>('ReadDonation', [id]);
  }

  close(): void {
    this.gateway.close();
    this.grpcClient.close();
  }

  private async evaluate<T>(name: string, args: string[]): Promise<T> {
    try {
      return parseResult<T>(await this.contract.evaluateTransaction(name, ...args));
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  private async submit<T>(name: string, args: string[], options: SubmitOptions = {}): Promise<Committed<T>> {
    try {
      const proposal = this.contract.newProposal(name, {
        arguments: args,
        ...(options.endorsingOrganizations ? { endorsingOrganizations: [...options.endorsingOrganizations] } : {}),
      });
      const transaction = await proposal.endorse();
      const submitted = await transaction.submit();
      const status = await submitted.getStatus();
      if (!status.successful) throw commitFailure(status.code, status.transactionId);
      return { result: parseResult<T>(submitted.getResult()), transactionId: status.transactionId, blockNumber: status.blockNumber };
    } catch (err) {
      throw toLedgerError(err);
    }
  }
}

function parseResult<T>(bytes: Uint8Array): T {
  const record = JSON.parse(Buffer.from(bytes).toString('utf8')) as T & { docType?: string };
  delete record.docType;
  return record;
}

function readPem(what: string, path: string): Buffer {
  if (typeof path !== 'string' || path.length === 0) throw new LedgerError('INVALID_ARGUMENT', `no ${what} file was given`);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new LedgerError('INVALID_ARGUMENT', `cannot read the ${what} file ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function newSigner(privateKeyPath: string): Signer {
  const pem = readPem('private key', privateKeyPath);
  try {
    return signers.newPrivateKeySigner(createPrivateKey(pem));
  } catch (err) {
    throw new LedgerError('INVALID_ARGUMENT', `the private key file ${privateKeyPath} does not hold a usable private key: ${(err as Error).message}`, { cause: err });
  }
}

function requireText(field: string, value: string): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw new LedgerError('INVALID_ARGUMENT', `${field} is required`);
  return value;
}
