// The names of the chaincode's transactions, as clients call them. They are the method names of
// the contract classes in packages/chaincode (a unit test there holds the two lists equal), so a
// client that calls by these names cannot call a transaction that does not exist.

/** The default contract (DonationLedger): called by the bare name. */
export const DonationTransaction = {
  RegisterNgo: 'RegisterNgo',
  SetNgoStatus: 'SetNgoStatus',
  ReadNgo: 'ReadNgo',
  ListNgos: 'ListNgos',
  CreateCampaign: 'CreateCampaign',
  ListMilestones: 'ListMilestones',
  ConfirmMilestone: 'ConfirmMilestone',
  RefundHeldMoney: 'RefundHeldMoney',
  ReadCampaign: 'ReadCampaign',
  ListCampaignsByNgo: 'ListCampaignsByNgo',
  Donate: 'Donate',
  SettleDonations: 'SettleDonations',
  ReadSettlement: 'ReadSettlement',
  CancelPledge: 'CancelPledge',
  RefundDonation: 'RefundDonation',
  ListRefundsByDonation: 'ListRefundsByDonation',
  ReadDonation: 'ReadDonation',
  ListDonationsByNgo: 'ListDonationsByNgo',
  ListDonationsByCampaign: 'ListDonationsByCampaign',
  ListMyDonations: 'ListMyDonations',
  RecordSpend: 'RecordSpend',
  ReadSpend: 'ReadSpend',
  ListSpendsByNgo: 'ListSpendsByNgo',
  ListAllocationsByDonation: 'ListAllocationsByDonation',
  ReadBalance: 'ReadBalance',
  RateNgo: 'RateNgo',
  ListRatingsByNgo: 'ListRatingsByNgo',
  SetMyDetails: 'SetMyDetails',
  ReadMyDetails: 'ReadMyDetails',
  GetHistory: 'GetHistory',
} as const;
export type DonationTransaction = (typeof DonationTransaction)[keyof typeof DonationTransaction];

/** The name the Governance contract is registered under in the chaincode. */
export const GOVERNANCE_CONTRACT = 'Governance';

/** The Governance contract's transactions; call them through governanceTransaction(). */
export const GovernanceTransaction = {
  Configure: 'Configure',
  ReadGovernance: 'ReadGovernance',
  ProposeInvite: 'ProposeInvite',
  ProposeRemoval: 'ProposeRemoval',
  Vote: 'Vote',
  RecordExecution: 'RecordExecution',
  ReadProposal: 'ReadProposal',
  ListProposals: 'ListProposals',
  GetProposalHistory: 'GetProposalHistory',
} as const;
export type GovernanceTransaction = (typeof GovernanceTransaction)[keyof typeof GovernanceTransaction];

/**
 * The name to call a Governance transaction by. The chaincode's default contract is the donation
 * ledger; any other is reached by "Contract:Transaction", which the chaincode routes by prefix.
 */
export function governanceTransaction(transaction: GovernanceTransaction): string {
  return `${GOVERNANCE_CONTRACT}:${transaction}`;
}

/** The bench's own chaincode (the Baseline contract): one blind write, never in the ledger's chaincode. */
export const BaselineTransaction = {
  Put: 'Put',
} as const;
export type BaselineTransaction = (typeof BaselineTransaction)[keyof typeof BaselineTransaction];
