// Entry point loaded by `fabric-chaincode-node server`: it looks for `contracts`.
import { DonationContract } from './contract';

export { DonationContract } from './contract';
export { ErrorCode } from './errors';
export { DONOR_DETAILS_COLLECTION, Events } from './records';
export type { AllocationRecord, Campaign, Donation, DonorDetails, DonorRef, Ngo, Page, Rating, Revision, Spend } from './records';

export const contracts = [DonationContract];
