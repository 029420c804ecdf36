// Entry point loaded by `fabric-chaincode-node server`: it looks for `contracts`.
import { DonationContract } from './contract';
import { GovernanceContract } from './governance';

export { DonationContract } from './contract';
// The shared facts are @donation-ledger/model's; these re-exports keep this package's surface as it was.
export { ErrorCode } from './errors';
export { DONOR_DETAILS_COLLECTION, Events } from './records';
export type { AllocationRecord, Campaign, Donation, DonorDetails, DonorRef, Ngo, Page, Rating, Revision, Spend } from './records';

export { decide, GovernanceContract } from './governance';
export type { Decision } from './governance';
export { COMPARATORS, EXECUTION_OUTCOMES, VOTE_CHOICES } from './governance-records';
export type {
  Comparator, ExecutionOutcome, Governance, GovernanceMember, InvitedOrg, Proposal, ProposalAction, ProposalOutcome, ProposalStatus, ProposalVote,
  VoteChoice, VotingPolicy,
} from './governance-records';

/** The first contract is the default one (called without a "Contract:" prefix). */
export const contracts = [DonationContract, GovernanceContract];
