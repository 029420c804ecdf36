// The records of channel membership governance. The ledger keeps the votes; the channel
// configuration update itself is done off-chain by the member orgs' admins, who then record its
// outcome on the ledger.

export const COMPARATORS = ['GREATER_THAN', 'GREATER_THAN_OR_EQUAL_TO'] as const;
export type Comparator = (typeof COMPARATORS)[number];

export const VOTE_CHOICES = ['YES', 'NO'] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

export const EXECUTION_OUTCOMES = ['EXECUTED', 'ACTION_FAILED'] as const;
export type ExecutionOutcome = (typeof EXECUTION_OUTCOMES)[number];

export const PROPOSAL_ACTIONS = ['INVITE', 'REMOVE'] as const;
export type ProposalAction = (typeof PROPOSAL_ACTIONS)[number];

/**
 * EXPIRED is never stored: a vote after expiry fails and a failed transaction writes nothing, so
 * reads report an IN_PROGRESS proposal past its expiresAt as EXPIRED.
 */
export const PROPOSAL_STATUSES = ['IN_PROGRESS', 'APPROVED', 'REJECTED', 'EXPIRED', 'EXECUTED', 'ACTION_FAILED'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** The bounds of a voting policy, checked by the chaincode and by the network's topology. */
export const VotingLimit = {
  minThresholdPercentage: 1,
  maxThresholdPercentage: 100,
  minProposalDurationHours: 1,
  /** One week. */
  maxProposalDurationHours: 168,
} as const;

export interface VotingPolicy {
  /** 1 to 100: the share of the electorate's YES votes the comparator holds against. */
  readonly thresholdPercentage: number;
  readonly comparator: Comparator;
  /** 1 to 168: how long a proposal is open for votes. */
  readonly proposalDurationHours: number;
}

export interface GovernanceMember {
  readonly mspId: string;
  /** A lower-case slug such as "ngo-org". */
  readonly name: string;
}

/** The founding members and the voting policy; set once. */
export interface GovernanceConfig {
  readonly members: readonly GovernanceMember[];
  readonly policy: VotingPolicy;
}

export interface Governance extends GovernanceConfig {
  readonly configuredAt: string;
  /** MSP ID of the admin who configured it. */
  readonly configuredBy: string;
}

/** The org an INVITE proposal would add, with the roots its channel MSP definition needs. */
export interface InvitedOrg {
  /** A lower-case slug. */
  readonly name: string;
  readonly mspId: string;
  /** PEM of the org's CA root certificate (CA:TRUE). */
  readonly caRootCert: string;
  /** PEM of the org's TLS CA root certificate (CA:TRUE). */
  readonly tlsRootCert: string;
}

export interface ProposalVote {
  readonly mspId: string;
  readonly vote: VoteChoice;
  readonly at: string;
}

export interface ProposalOutcome {
  readonly detail: string;
  readonly at: string;
  /** MSP ID of the admin who recorded it. */
  readonly by: string;
}

export interface Proposal {
  readonly id: string;
  readonly action: ProposalAction;
  readonly description: string;
  /** INVITE only. */
  readonly org?: InvitedOrg;
  /** The org invited or removed. */
  readonly targetMspId: string;
  readonly proposedBy: string;
  readonly createdAt: string;
  /** Voting closes at this time (createdAt + the policy's duration); an approved proposal stays executable after it. */
  readonly expiresAt: string;
  /** The policy when the proposal was made: a later change of policy cannot move the goalposts. */
  readonly policy: VotingPolicy;
  /** MSP IDs of the members when the proposal was made: its electorate, fixed. */
  readonly membersAtCreation: readonly string[];
  readonly votes: readonly ProposalVote[];
  readonly status: ProposalStatus;
  /** Set by RecordExecution. */
  readonly outcome?: ProposalOutcome;
}
