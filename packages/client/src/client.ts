// Connects to the donation ledger through a Fabric Gateway peer with one user's identity, and
// offers the contract's transactions as typed methods.
import * as grpc from '@grpc/grpc-js';
import { connect as connectGateway, Contract, Gateway, hash, Identity, Signer, signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { commitFailure, LedgerError, toLedgerError } from './errors';
import {
  Allocation, Amount, Balance, Campaign, Committed, CreateCampaignRequest, DonateRequest, Donation, DonorDetails, Ngo, NgoStatus, Page,
  PageRequest, Rating, RecordSpendRequest, RecordType, RegisterNgoRequest, Revision, Spend, SubmitOptions,
} from './types';

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
  setNgoStatus(ngoId: string, status: NgoStatus): Promise<Committed<Ngo>>;
  readNgo(ngoId: string): Promise<Ngo>;
  listNgos(page?: PageRequest): Promise<Page<Ngo>>;

  createCampaign(request: CreateCampaignRequest): Promise<Committed<Campaign>>;
  readCampaign(campaignId: string): Promise<Campaign>;
  listCampaignsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Campaign>>;

  donate(request: DonateRequest, options?: SubmitOptions): Promise<Committed<Donation>>;
  readDonation(donationId: string): Promise<Donation>;
  listDonationsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Donation>>;
  listDonationsByCampaign(campaignId: string, page?: PageRequest): Promise<Page<Donation>>;
  /** The caller's own donations (callers with the donor role). */
  listMyDonations(page?: PageRequest): Promise<Page<Donation>>;

  recordSpend(request: RecordSpendRequest): Promise<Committed<Spend>>;
  readSpend(spendId: string): Promise<Spend>;
  listSpendsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Spend>>;
  /** Where a donation went: the spends it paid for. */
  listAllocationsByDonation(donationId: string, page?: PageRequest): Promise<Page<Allocation>>;
  readBalance(ngoId: string): Promise<Balance>;

  rateNgo(ngoId: string, score: number): Promise<Committed<Rating>>;
  listRatingsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Rating>>;

  /** Stores the caller's personal details as private data of their own org (sent as transient data). */
  setMyDetails(details: { name: string; email: string }): Promise<Committed<{ donorKey: string; updatedAt: string }>>;
  readMyDetails(options?: SubmitOptions): Promise<DonorDetails>;

  /** Every revision of a record, oldest first. */
  getHistory(recordType: RecordType, id: string): Promise<Revision[]>;

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
  return new GatewayLedgerClient(gateway, grpcClient, contract, identity.mspId);
}

class GatewayLedgerClient implements LedgerClient {
  constructor(
    private readonly gateway: Gateway,
    private readonly grpcClient: grpc.Client,
    private readonly contract: Contract,
    private readonly mspId: string,
  ) {}

  registerNgo(request: RegisterNgoRequest, options?: SubmitOptions): Promise<Committed<Ngo>> {
    return this.submit('RegisterNgo', [JSON.stringify(request)], options);
  }

  setNgoStatus(ngoId: string, status: NgoStatus): Promise<Committed<Ngo>> {
    return this.submit('SetNgoStatus', [ngoId, status]);
  }

  readNgo(ngoId: string): Promise<Ngo> {
    return this.evaluate('ReadNgo', [ngoId]);
  }

  listNgos(page?: PageRequest): Promise<Page<Ngo>> {
    return this.evaluate('ListNgos', pageArgs(page));
  }

  async createCampaign(request: CreateCampaignRequest): Promise<Committed<Campaign>> {
    return await this.submit('CreateCampaign', [JSON.stringify({ ...request, goal: amountText('goal', request.goal) })]);
  }

  readCampaign(campaignId: string): Promise<Campaign> {
    return this.evaluate('ReadCampaign', [campaignId]);
  }

  listCampaignsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Campaign>> {
    return this.evaluate('ListCampaignsByNgo', [ngoId, ...pageArgs(page)]);
  }

  async donate(request: DonateRequest, options?: SubmitOptions): Promise<Committed<Donation>> {
    return await this.submit('Donate', [JSON.stringify({ ...request, amount: amountText('amount', request.amount) })], options);
  }

  readDonation(donationId: string): Promise<Donation> {
    return this.evaluate('ReadDonation', [donationId]);
  }

  listDonationsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Donation>> {
    return this.evaluate('ListDonationsByNgo', [ngoId, ...pageArgs(page)]);
  }

  listDonationsByCampaign(campaignId: string, page?: PageRequest): Promise<Page<Donation>> {
    return this.evaluate('ListDonationsByCampaign', [campaignId, ...pageArgs(page)]);
  }

  listMyDonations(page?: PageRequest): Promise<Page<Donation>> {
    return this.evaluate('ListMyDonations', pageArgs(page));
  }

  async recordSpend(request: RecordSpendRequest): Promise<Committed<Spend>> {
    return await this.submit('RecordSpend', [JSON.stringify({ ...request, amount: amountText('amount', request.amount) })]);
  }

  readSpend(spendId: string): Promise<Spend> {
    return this.evaluate('ReadSpend', [spendId]);
  }

  listSpendsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Spend>> {
    return this.evaluate('ListSpendsByNgo', [ngoId, ...pageArgs(page)]);
  }

  listAllocationsByDonation(donationId: string, page?: PageRequest): Promise<Page<Allocation>> {
    return this.evaluate('ListAllocationsByDonation', [donationId, ...pageArgs(page)]);
  }

  readBalance(ngoId: string): Promise<Balance> {
    return this.evaluate('ReadBalance', [ngoId]);
  }

  rateNgo(ngoId: string, score: number): Promise<Committed<Rating>> {
    return this.submit('RateNgo', [ngoId, String(score)]);
  }

  listRatingsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Rating>> {
    return this.evaluate('ListRatingsByNgo', [ngoId, ...pageArgs(page)]);
  }

  setMyDetails(details: { name: string; email: string }): Promise<Committed<{ donorKey: string; updatedAt: string }>> {
    // Personal data travels as transient data, and only to peers of the caller's own org.
    return this.submit('SetMyDetails', [], { endorsingOrganizations: [this.mspId] }, { details: JSON.stringify(details) });
  }

  readMyDetails(options: SubmitOptions = { endorsingOrganizations: [this.mspId] }): Promise<DonorDetails> {
    return this.evaluate('ReadMyDetails', [], options);
  }

  getHistory(recordType: RecordType, id: string): Promise<Revision[]> {
    return this.evaluate('GetHistory', [recordType, id]);
  }

  close(): void {
    this.gateway.close();
    this.grpcClient.close();
  }

  private async evaluate<T>(name: string, args: string[], options: SubmitOptions = {}): Promise<T> {
    try {
      const proposal = this.contract.newProposal(name, { arguments: args, ...endorsers(options) });
      return parseResult<T>(await proposal.evaluate());
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  private async submit<T>(name: string, args: string[], options: SubmitOptions = {}, transient?: Record<string, string>): Promise<Committed<T>> {
    try {
      const proposal = this.contract.newProposal(name, { arguments: args, ...endorsers(options), ...(transient ? { transientData: transient } : {}) });
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

function endorsers(options: SubmitOptions): { endorsingOrganizations?: string[] } {
  return options.endorsingOrganizations ? { endorsingOrganizations: [...options.endorsingOrganizations] } : {};
}

function pageArgs(page: PageRequest = {}): string[] {
  return [page.pageSize === undefined ? '' : String(page.pageSize), page.bookmark ?? ''];
}

/** Amounts go to the chaincode as decimal strings; a number must be a safe integer. */
function amountText(field: string, amount: Amount): string {
  if (typeof amount === 'number' && !Number.isSafeInteger(amount)) {
    throw new LedgerError('INVALID_ARGUMENT', `${field} must be a whole number of minor units within 2^53, got ${amount}`);
  }
  return String(amount);
}

/** Parses a transaction result; `docType` is the contract's storage detail, not part of the record. */
function parseResult<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8'), (name, value: unknown) => (name === 'docType' ? undefined : value)) as T;
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
