// The records of channel membership governance, as stored: the shapes of @donation-ledger/model
// with their docType. The ledger keeps the votes; the channel configuration update itself is
// done off-chain by the member orgs' admins, who then record its outcome here.
import type { Stored } from '@donation-ledger/model';

export type Governance = Stored<'governance'>;
export type Proposal = Stored<'proposal'>;

export { COMPARATORS, EXECUTION_OUTCOMES, VOTE_CHOICES, VotingLimit } from '@donation-ledger/model';
export type {
  Comparator, ExecutionOutcome, GovernanceMember, InvitedOrg, ProposalAction, ProposalOutcome, ProposalStatus, ProposalVote, VoteChoice, VotingPolicy,
} from '@donation-ledger/model';
