// The donation ledger SDK: connects with one user's identity through a Fabric Gateway peer and
// offers every contract transaction as a typed method, plus chaincode events with checkpoints and
// verification of the ledger's hash chain.
import { status as grpcStatus } from '@grpc/grpc-js';
import { Checkpointer, CloseableAsyncIterable, CommitStatusError, Status } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import { DonationTransaction, governanceTransaction, GovernanceTransaction } from '@donation-ledger/model';
import { assembleReceipt, Receipt } from '@donation-ledger/receipt';
import { DEFAULT_DEADLINES, Deadlines, FailoverOptions, GatewayConnection, GatewayEndpoint } from './connection';
import { commitFailure, LedgerError, toLedgerError } from './errors';
import { checkIdentity, Identity, IdentityFiles, identityFromFiles } from './identity';
import { BlockSource, blockHeaderHash, LedgerDigest, verifyChain, VerifyResult } from './ledger';
import { DEFAULT_RETRY_POLICY, retryOnReadConflict, RetryPolicy } from './retry';
import {
  Allocation, Amount, Balance, Campaign, Committed, ConfirmMilestoneRequest, CreateCampaignRequest, HeldMoneyRefund, Milestone, DonateRequest, Donation, DonorDetails, Governance, GovernanceConfig,
  LedgerEvent, Ngo, NgoStatus, Page, PageRequest, Proposal, ProposeInviteRequest, ProposeRemovalRequest, Rating, RecordExecutionRequest,
  RecordProof, RecordSpendRequest, RecordType, Refund, RefundRequest, RegisterNgoRequest, Revision, SettleDonationsRequest, SettlementBatch, Spend,
  SubmitOptions, VoteChoice,
} from './types';

export interface ConnectOptions {
  /** The MSP ID of the user's org, e.g. DonorPlatformMSP. */
  readonly mspId: string;
  /** Gateway peers in order of preference; the client moves to the next when one stops answering. */
  readonly gateways: readonly GatewayEndpoint[];
  /** The user's certificate and key: PEM files, or an identity from a wallet. */
  readonly identity: IdentityFiles | Identity;
  readonly channel?: string;
  readonly chaincode?: string;
  readonly deadlines?: Partial<Deadlines>;
  readonly retry?: Partial<RetryPolicy>;
  /** Hex header hash of the channel's genesis block: verify() refuses a chain that starts elsewhere. */
  readonly genesisBlockHash?: string;
}

export interface LedgerClient {
  registerNgo(request: RegisterNgoRequest, options?: SubmitOptions): Promise<Committed<Ngo>>;
  setNgoStatus(ngoId: string, status: NgoStatus): Promise<Committed<Ngo>>;
  readNgo(ngoId: string): Promise<Ngo>;
  listNgos(page?: PageRequest): Promise<Page<Ngo>>;

  createCampaign(request: CreateCampaignRequest): Promise<Committed<Campaign>>;
  readCampaign(campaignId: string): Promise<Campaign>;
  listCampaignsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Campaign>>;
  listMilestones(campaignId: string): Promise<Milestone[]>;
  /**
   * Confirms a milestone (a validator of the campaign's validator org). Fabric accepts it only
   * with that org's endorsement: pass `endorsingOrganizations` to choose the endorsers.
   */
  confirmMilestone(request: ConfirmMilestoneRequest, options?: SubmitOptions): Promise<Committed<Milestone>>;
  /** After an outcome-based campaign closed with milestones unmet: its held money back to donors (the payment service). */
  refundHeldMoney(campaignId: string, paymentRef: string): Promise<Committed<HeldMoneyRefund>>;

  donate(request: DonateRequest, options?: SubmitOptions): Promise<Committed<Donation>>;
  readDonation(donationId: string): Promise<Donation>;
  listDonationsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Donation>>;
  listDonationsByCampaign(campaignId: string, page?: PageRequest): Promise<Page<Donation>>;
  /** The caller's own donations (callers with the donor role). */
  listMyDonations(page?: PageRequest): Promise<Page<Donation>>;
  /** Turns pledges into money, in one batch (callers with the payments role). */
  settleDonations(request: SettleDonationsRequest): Promise<Committed<SettlementBatch>>;
  readSettlement(batchId: string): Promise<SettlementBatch>;
  /** Cancels a pledge (its donor, or the payment service). */
  cancelPledge(donationId: string): Promise<Committed<Donation>>;
  /** Gives back settled money not yet spent (the payment service). */
  refundDonation(request: RefundRequest): Promise<Committed<Refund>>;
  listRefundsByDonation(donationId: string, page?: PageRequest): Promise<Page<Refund>>;

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

  /** Sets the founding member orgs and the voting policy, once. Caller: an admin of a listed org. */
  configureGovernance(config: GovernanceConfig): Promise<Committed<Governance>>;
  readGovernance(): Promise<Governance>;
  /** Proposes to invite an org (its roots must be PEM CA certificates). Caller: an admin of a member org. */
  proposeInvite(request: ProposeInviteRequest): Promise<Committed<Proposal>>;
  /** Proposes to remove a member org. Caller: an admin of a member org. */
  proposeRemoval(request: ProposeRemovalRequest): Promise<Committed<Proposal>>;
  /** Casts the caller's org's vote, once per org, before the proposal expires (else EXPIRED). Caller: an org admin of the electorate. */
  vote(proposalId: string, vote: VoteChoice): Promise<Committed<Proposal>>;
  /** Records the outcome of carrying out an APPROVED (or earlier ACTION_FAILED) proposal. Caller: an admin of a member org. */
  recordExecution(proposalId: string, request: RecordExecutionRequest): Promise<Committed<Proposal>>;
  readProposal(proposalId: string): Promise<Proposal>;
  listProposals(page?: PageRequest): Promise<Page<Proposal>>;
  /** Every stored revision of a proposal, oldest first (stored status: never EXPIRED). */
  proposalHistory(proposalId: string): Promise<Revision<Proposal>[]>;

  /** Every revision of a record, oldest first. */
  getHistory(recordType: RecordType, id: string): Promise<Revision[]>;
  /** For each revision of a record: the block and transaction that wrote it, its validation code and the block's hash. */
  getProof(recordType: RecordType, id: string): Promise<RecordProof[]>;
  /**
   * A receipt of a donation that anyone can verify offline (@donation-ledger/receipt's
   * verifyReceipt): the donation as its settlement (or, before that, its pledge) wrote it, the
   * blocks of those transactions, and the channel's config blocks that say who signs blocks.
   */
  donationReceipt(donationId: string): Promise<Receipt>;

  /**
   * Chaincode events from `startBlock`, or from where `checkpointer` says the last run stopped.
   * Checkpoint each event after handling it (`checkpointer.checkpointChaincodeEvent(event)`) to
   * resume after a restart with no gap and no duplicate.
   */
  events(options?: { startBlock?: bigint; checkpointer?: Checkpointer }): Promise<CloseableAsyncIterable<LedgerEvent>>;

  /** (height, hash of the last block's header) of the channel now. */
  getDigest(): Promise<LedgerDigest>;
  /** Whether the channel's ledger holds a transaction with this ID (valid or invalidated). */
  hasTransaction(transactionId: string): Promise<boolean>;
  /**
   * Re-walks the block header hash chain from genesis (or from `trusted`, a digest known to be
   * good) to the tip, recomputing each block's data hash, and checks it passes through `saved`.
   */
  verify(saved?: LedgerDigest, options?: { trusted?: LedgerDigest }): Promise<VerifyResult>;
  /** The live ledger as a source of blocks (for verifying a copy, or an indexer). */
  blockSource(): BlockSource;
  /** The gateway peer (host:port) calls go to now: the first that answers, of the caller's own org when it can. */
  readonly gatewayEndpoint: string;

  /** Closes the gateway, then the gRPC connection. */
  close(): void;
}

/**
 * Connects with one identity to the first gateway peer that answers and accepts it. Unreadable
 * identity files, a key that does not match its certificate, unreachable endpoints, a TLS root
 * that does not match, or an identity the channel refuses fail here, naming the file or endpoint.
 */
export async function connect(options: ConnectOptions): Promise<LedgerClient> {
  const identity = 'certificate' in options.identity
    ? checkIdentity({ ...options.identity, mspId: options.mspId })
    : identityFromFiles(options.mspId, options.identity);
  const deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
  const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const channel = options.channel ?? 'donations';
  const connection = await GatewayConnection.open(options.gateways, identity, channel, options.chaincode ?? 'donations', deadlines);
  return new GatewayLedgerClient(connection, identity.mspId, channel, deadlines, retry, options.genesisBlockHash);
}

class GatewayLedgerClient implements LedgerClient {
  constructor(
    private readonly connection: GatewayConnection,
    private readonly mspId: string,
    private readonly channel: string,
    private readonly deadlines: Deadlines,
    private readonly retry: RetryPolicy,
    private readonly genesisBlockHash: string | undefined,
  ) {}

  registerNgo(request: RegisterNgoRequest, options?: SubmitOptions): Promise<Committed<Ngo>> {
    return this.submit(DonationTransaction.RegisterNgo, [JSON.stringify(request)], options);
  }

  setNgoStatus(ngoId: string, status: NgoStatus): Promise<Committed<Ngo>> {
    return this.submit(DonationTransaction.SetNgoStatus, [ngoId, status]);
  }

  readNgo(ngoId: string): Promise<Ngo> {
    return this.evaluate(DonationTransaction.ReadNgo, [ngoId]);
  }

  listNgos(page?: PageRequest): Promise<Page<Ngo>> {
    return this.evaluate(DonationTransaction.ListNgos, pageArgs(page));
  }

  async createCampaign(request: CreateCampaignRequest): Promise<Committed<Campaign>> {
    const milestones = request.milestones?.map((m, i) => ({ ...m, amount: amountText(`milestones[${i}].amount`, m.amount) }));
    return await this.submit(DonationTransaction.CreateCampaign, [JSON.stringify({ ...request, goal: amountText('goal', request.goal), ...(milestones ? { milestones } : {}) })]);
  }

  readCampaign(campaignId: string): Promise<Campaign> {
    return this.evaluate(DonationTransaction.ReadCampaign, [campaignId]);
  }

  listCampaignsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Campaign>> {
    return this.evaluate(DonationTransaction.ListCampaignsByNgo, [ngoId, ...pageArgs(page)]);
  }

  listMilestones(campaignId: string): Promise<Milestone[]> {
    return this.evaluate(DonationTransaction.ListMilestones, [campaignId]);
  }

  confirmMilestone(request: ConfirmMilestoneRequest, options?: SubmitOptions): Promise<Committed<Milestone>> {
    return this.submit(DonationTransaction.ConfirmMilestone, [JSON.stringify(request)], options);
  }

  refundHeldMoney(campaignId: string, paymentRef: string): Promise<Committed<HeldMoneyRefund>> {
    return this.submit(DonationTransaction.RefundHeldMoney, [JSON.stringify({ campaignId, paymentRef })]);
  }

  async donate(request: DonateRequest, options?: SubmitOptions): Promise<Committed<Donation>> {
    return await this.submit(DonationTransaction.Donate, [JSON.stringify({ ...request, amount: amountText('amount', request.amount) })], options);
  }

  readDonation(donationId: string): Promise<Donation> {
    return this.evaluate(DonationTransaction.ReadDonation, [donationId]);
  }

  listDonationsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Donation>> {
    return this.evaluate(DonationTransaction.ListDonationsByNgo, [ngoId, ...pageArgs(page)]);
  }

  listDonationsByCampaign(campaignId: string, page?: PageRequest): Promise<Page<Donation>> {
    return this.evaluate(DonationTransaction.ListDonationsByCampaign, [campaignId, ...pageArgs(page)]);
  }

  listMyDonations(page?: PageRequest): Promise<Page<Donation>> {
    return this.evaluate(DonationTransaction.ListMyDonations, pageArgs(page));
  }

  settleDonations(request: SettleDonationsRequest): Promise<Committed<SettlementBatch>> {
    return this.submit(DonationTransaction.SettleDonations, [JSON.stringify(request)]);
  }

  readSettlement(batchId: string): Promise<SettlementBatch> {
    return this.evaluate(DonationTransaction.ReadSettlement, [batchId]);
  }

  cancelPledge(donationId: string): Promise<Committed<Donation>> {
    return this.submit(DonationTransaction.CancelPledge, [donationId]);
  }

  async refundDonation(request: RefundRequest): Promise<Committed<Refund>> {
    const amount = request.amount === undefined ? {} : { amount: amountText('amount', request.amount) };
    return await this.submit(DonationTransaction.RefundDonation, [JSON.stringify({ ...request, ...amount })]);
  }

  listRefundsByDonation(donationId: string, page?: PageRequest): Promise<Page<Refund>> {
    return this.evaluate(DonationTransaction.ListRefundsByDonation, [donationId, ...pageArgs(page)]);
  }

  async recordSpend(request: RecordSpendRequest): Promise<Committed<Spend>> {
    return await this.submit(DonationTransaction.RecordSpend, [JSON.stringify({ ...request, amount: amountText('amount', request.amount) })]);
  }

  readSpend(spendId: string): Promise<Spend> {
    return this.evaluate(DonationTransaction.ReadSpend, [spendId]);
  }

  listSpendsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Spend>> {
    return this.evaluate(DonationTransaction.ListSpendsByNgo, [ngoId, ...pageArgs(page)]);
  }

  listAllocationsByDonation(donationId: string, page?: PageRequest): Promise<Page<Allocation>> {
    return this.evaluate(DonationTransaction.ListAllocationsByDonation, [donationId, ...pageArgs(page)]);
  }

  readBalance(ngoId: string): Promise<Balance> {
    return this.evaluate(DonationTransaction.ReadBalance, [ngoId]);
  }

  rateNgo(ngoId: string, score: number): Promise<Committed<Rating>> {
    return this.submit(DonationTransaction.RateNgo, [ngoId, String(score)]);
  }

  listRatingsByNgo(ngoId: string, page?: PageRequest): Promise<Page<Rating>> {
    return this.evaluate(DonationTransaction.ListRatingsByNgo, [ngoId, ...pageArgs(page)]);
  }

  setMyDetails(details: { name: string; email: string }): Promise<Committed<{ donorKey: string; updatedAt: string }>> {
    // Personal data travels as transient data, and only to peers of the caller's own org.
    return this.submit(DonationTransaction.SetMyDetails, [], { endorsingOrganizations: [this.mspId] }, { details: JSON.stringify(details) });
  }

  readMyDetails(options: SubmitOptions = { endorsingOrganizations: [this.mspId] }): Promise<DonorDetails> {
    return this.evaluate(DonationTransaction.ReadMyDetails, [], options, { homeOnly: true }); // the answer is private data
  }

  get gatewayEndpoint(): string {
    return this.connection.endpoint.endpoint;
  }

  configureGovernance(config: GovernanceConfig): Promise<Committed<Governance>> {
    return this.submit(governanceTransaction(GovernanceTransaction.Configure), [JSON.stringify(config)]);
  }

  readGovernance(): Promise<Governance> {
    return this.evaluate(governanceTransaction(GovernanceTransaction.ReadGovernance), []);
  }

  proposeInvite(request: ProposeInviteRequest): Promise<Committed<Proposal>> {
    return this.submit(governanceTransaction(GovernanceTransaction.ProposeInvite), [JSON.stringify(request)]);
  }

  proposeRemoval(request: ProposeRemovalRequest): Promise<Committed<Proposal>> {
    return this.submit(governanceTransaction(GovernanceTransaction.ProposeRemoval), [JSON.stringify(request)]);
  }

  vote(proposalId: string, vote: VoteChoice): Promise<Committed<Proposal>> {
    return this.submit(governanceTransaction(GovernanceTransaction.Vote), [proposalId, vote]);
  }

  recordExecution(proposalId: string, request: RecordExecutionRequest): Promise<Committed<Proposal>> {
    return this.submit(governanceTransaction(GovernanceTransaction.RecordExecution), [proposalId, JSON.stringify(request)]);
  }

  readProposal(proposalId: string): Promise<Proposal> {
    return this.evaluate(governanceTransaction(GovernanceTransaction.ReadProposal), [proposalId]);
  }

  listProposals(page?: PageRequest): Promise<Page<Proposal>> {
    return this.evaluate(governanceTransaction(GovernanceTransaction.ListProposals), pageArgs(page));
  }

  proposalHistory(proposalId: string): Promise<Revision<Proposal>[]> {
    return this.evaluate(governanceTransaction(GovernanceTransaction.GetProposalHistory), [proposalId]);
  }

  getHistory(recordType: RecordType, id: string): Promise<Revision[]> {
    return this.evaluate(DonationTransaction.GetHistory, [recordType, id]);
  }

  async getProof(recordType: RecordType, id: string): Promise<RecordProof[]> {
    const revisions = await this.getHistory(recordType, id);
    const proofs: RecordProof[] = [];
    for (const revision of revisions) {
      const processed = peer.ProcessedTransaction.deserializeBinary(await this.query('GetTransactionByID', revision.txId));
      const block = common.Block.deserializeBinary(await this.query('GetBlockByTxID', revision.txId));
      const header = block.getHeader();
      if (!header) throw new LedgerError('UNKNOWN', `the block of transaction ${revision.txId} has no header`);
      proofs.push({
        txId: revision.txId,
        timestamp: revision.timestamp,
        blockNumber: header.getNumber(),
        blockHash: blockHeaderHash(header.getNumber(), header.getPreviousHash_asU8(), header.getDataHash_asU8()).toString('hex'),
        validationCode: processed.getValidationcode(),
      });
    }
    return proofs;
  }

  async donationReceipt(donationId: string): Promise<Receipt> {
    // Oldest first: the pledge wrote the first revision; the first settled revision is the settlement's.
    const history = (await this.getHistory('donation', donationId)) as Revision<Donation>[];
    const pledge = history.find((r) => r.value !== null && r.txId === r.value.txId);
    if (!pledge) throw new LedgerError('NOT_FOUND', `donation ${donationId} has no pledge in its history`);
    const settlement = history.find((r) => r.value?.status === 'settled');
    const blockOf = async (txId: string): Promise<{ txId: string; block: Uint8Array }> => ({ txId, block: await this.query('GetBlockByTxID', txId) });
    return assembleReceipt({
      channel: this.channel,
      chaincode: this.connection.active.contract.getChaincodeName(),
      donationId,
      pledge: await blockOf(pledge.txId),
      ...(settlement ? { settlement: await blockOf(settlement.txId) } : {}),
      readBlock: (n) => this.query('GetBlockByNumber', String(n)),
    });
  }

  async events(options: { startBlock?: bigint; checkpointer?: Checkpointer } = {}): Promise<CloseableAsyncIterable<LedgerEvent>> {
    const { network, contract } = this.connection.active;
    const source = await network.getChaincodeEvents(contract.getChaincodeName(), {
      ...(options.checkpointer ? { checkpoint: options.checkpointer } : {}),
      ...(options.startBlock !== undefined ? { startBlock: options.startBlock } : {}),
    });
    async function* parsed(): AsyncGenerator<LedgerEvent> {
      for await (const event of source) {
        yield { ...event, record: parseResult<unknown>(event.payload) };
      }
    }
    const iterator = parsed();
    return { [Symbol.asyncIterator]: () => iterator, close: () => source.close(), [Symbol.dispose]: () => source.close() };
  }

  async getDigest(): Promise<LedgerDigest> {
    const info = common.BlockchainInfo.deserializeBinary(await this.query('GetChainInfo'));
    return { channel: this.channel, height: info.getHeight(), blockHash: Buffer.from(info.getCurrentblockhash_asU8()).toString('hex') };
  }

  async verify(saved?: LedgerDigest, options: { trusted?: LedgerDigest } = {}): Promise<VerifyResult> {
    try {
      return await verifyChain(this.blockSource(), {
        ...(saved ? { expect: saved } : {}), ...options, ...(this.genesisBlockHash ? { genesisHash: this.genesisBlockHash } : {}),
      });
    } catch (err) {
      if (err instanceof RangeError) throw new LedgerError('INVALID_ARGUMENT', err.message, { cause: err });
      throw err;
    }
  }

  blockSource(): BlockSource {
    return {
      channel: this.channel,
      height: async () => (await this.getDigest()).height,
      block: (n) => this.query('GetBlockByNumber', String(n)),
      blocks: async (startBlock) => {
        const events = await this.connection.active.network.getBlockEvents({ startBlock: BigInt(startBlock) });
        async function* serialized(): AsyncGenerator<Uint8Array> {
          for await (const block of events) yield block.serializeBinary();
        }
        const iterator = serialized();
        return { [Symbol.asyncIterator]: () => iterator, close: () => events.close() };
      },
    };
  }

  async hasTransaction(transactionId: string): Promise<boolean> {
    try {
      await this.query('GetTransactionByID', transactionId);
      return true;
    } catch (err) {
      // qscc answers an unknown ID with an error naming it, not with an empty result.
      if (err instanceof LedgerError && /no such transaction ID/i.test(err.message)) return false;
      throw err;
    }
  }

  close(): void {
    this.connection.close();
  }

  /** A query of the ledger itself (qscc) on the current gateway peer. */
  private query(name: string, ...args: string[]): Promise<Uint8Array> {
    return this.connection.withFailover(async ({ network }) => {
      try {
        return await network.getContract('qscc').evaluateTransaction(name, this.channel, ...args);
      } catch (err) {
        throw toLedgerError(err);
      }
    });
  }

  private evaluate<T>(name: string, args: string[], options: SubmitOptions = {}, failover: FailoverOptions = {}): Promise<T> {
    return this.connection.withFailover(async ({ contract }) => {
      try {
        return parseResult<T>(await contract.newProposal(name, { arguments: args, ...endorsers(options) }).evaluate());
      } catch (err) {
        throw toLedgerError(err);
      }
    }, failover);
  }

  /**
   * Endorse, submit to ordering, wait for the commit. A read conflict re-runs all of it (a new
   * transaction); an unreachable gateway peer before ordering moves to the next peer; a commit
   * status that cannot be had is asked for again before anything is resubmitted.
   */
  private submit<T>(name: string, args: string[], options: SubmitOptions = {}, transient?: Record<string, string>): Promise<Committed<T>> {
    return retryOnReadConflict(this.retry, async (attempt) => {
      // Endorsement sends nothing to the orderers, so it may move to another gateway peer.
      const transaction = await this.connection.withFailover(async ({ contract }) => {
        try {
          return await contract.newProposal(name, { arguments: args, ...endorsers(options), ...(transient ? { transientData: transient } : {}) }).endorse();
        } catch (err) {
          const mapped = toLedgerError(err);
          // Not a rule of the ledger (e.g. two orgs' peers a block apart returned different
          // results): nothing was ordered, so the whole submit may run again.
          if (mapped.code === 'ENDORSEMENT_FAILED') {
            throw new LedgerError(mapped.code, mapped.message, { details: mapped.details, cause: mapped.cause, retryable: true, ...(mapped.transactionId ? { transactionId: mapped.transactionId } : {}) });
          }
          throw mapped;
        }
      }, { homeOnly: transient !== undefined }); // transient data is private: never to another org's gateway peer
      // Submitting may reach the orderers even when it fails: never repeated elsewhere.
      let submitted;
      try {
        submitted = await transaction.submit();
      } catch (err) {
        // Orderers that took the transaction may still order it (under BFT the gateway reports
        // failure when fewer than a quorum took it, and those that did keep it in their pools).
        const mapped = toLedgerError(err);
        throw new LedgerError(mapped.code, `${mapped.message}; transaction ${transaction.getTransactionId()} may still be ordered: ` +
          'retry the same request (same ID), which cannot write twice', { details: mapped.details, cause: mapped.cause, transactionId: transaction.getTransactionId() });
      }
      const status = await this.commitStatus(submitted);
      if (!status.successful) throw commitFailure(status.code, status.transactionId);
      return { result: parseResult<T>(submitted.getResult()), transactionId: status.transactionId, blockNumber: status.blockNumber, attempts: attempt };
    });
  }

  private async commitStatus(submitted: { getStatus(): Promise<Status>; getBytes(): Uint8Array; getTransactionId(): string }): Promise<Status> {
    try {
      return await submitted.getStatus();
    } catch (err) {
      if (!(err instanceof CommitStatusError)) throw toLedgerError(err);
    }
    // Ordered, but the wait for its status failed: ask again (through whichever gateway peer
    // answers) rather than resubmit, so that nothing can be applied twice.
    const deadline = Date.now() + this.deadlines.statusRecoveryMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        return await this.connection.withFailover(async ({ gateway }) => {
          try {
            return await gateway.newCommit(submitted.getBytes()).getStatus({ deadline });
          } catch (err) {
            // Classified by gRPC code here (not as STATUS_UNKNOWN), so a dead peer fails over.
            const code = (err as { code?: unknown }).code;
            if (code === grpcStatus.UNAVAILABLE) throw new LedgerError('UNAVAILABLE', (err as Error).message, { cause: err });
            throw err;
          }
        });
      } catch (err) {
        last = err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    throw new LedgerError('STATUS_UNKNOWN', `transaction ${submitted.getTransactionId()} was submitted but its commit status could not be had ` +
      `within ${this.deadlines.statusRecoveryMs} ms; ask again before resubmitting`, { transactionId: submitted.getTransactionId(), cause: last });
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
  // JavaScript callers can pass anything: only a string or a number is an amount (the chaincode checks its digits).
  if (typeof amount !== 'string' && typeof amount !== 'number') {
    throw new LedgerError('INVALID_ARGUMENT', `${field} must be a string of digits or a number, got ${amount === null ? 'null' : typeof amount}`);
  }
  return String(amount);
}

/** Parses a transaction result; `docType` is the contract's storage detail, not part of the record. */
function parseResult<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8'), (name, value: unknown) => (name === 'docType' ? undefined : value)) as T;
}
