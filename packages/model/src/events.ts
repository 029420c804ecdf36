// Chaincode event names: one event per state change (Fabric keeps one event per transaction).
// Subscribers (the API's live feed, anyone reading blocks) see these names on the wire.
export const Events = {
  NgoRegistered: 'NgoRegistered',
  NgoStatusChanged: 'NgoStatusChanged',
  CampaignCreated: 'CampaignCreated',
  /** A pledge: not money yet. */
  DonationRecorded: 'DonationRecorded',
  /** A settlement batch (payload: the batch); each donation it names became money. */
  DonationsSettled: 'DonationsSettled',
  DonationCancelled: 'DonationCancelled',
  /** Payload: the refund; the donation's record shows what is left. */
  DonationRefunded: 'DonationRefunded',
  MilestoneConfirmed: 'MilestoneConfirmed',
  /** Payload: the campaign and the refund of each donation. */
  HeldMoneyRefunded: 'HeldMoneyRefunded',
  SpendRecorded: 'SpendRecorded',
  NgoRated: 'NgoRated',
  DonorDetailsUpdated: 'DonorDetailsUpdated',
  GovernanceConfigured: 'GovernanceConfigured',
  ProposalCreated: 'ProposalCreated',
  /** A vote that left the proposal IN_PROGRESS. */
  VoteCast: 'VoteCast',
  /** A vote that decided the proposal, or a recorded execution outcome. */
  ProposalStatusChanged: 'ProposalStatusChanged',
} as const;
export type EventName = (typeof Events)[keyof typeof Events];
