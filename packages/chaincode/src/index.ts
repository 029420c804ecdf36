// Entry point loaded by `fabric-chaincode-node server`: it looks for `contracts`.
import { BaselineContract } from './baseline';
import { DonationContract } from './contract';

export { DonationContract } from './contract';
export { ErrorCode } from './errors';
export { DONOR_DETAILS_COLLECTION, Events } from './records';
export type { AllocationRecord, Campaign, Donation, DonorDetails, DonorRef, Ngo, Page, Rating, Revision, Spend } from './records';

export { BaselineContract } from './baseline';

/** The first contract is the default one (called without a "Contract:" prefix). */
export const contracts = [DonationContract, BaselineContract];
