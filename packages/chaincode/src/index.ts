// Entry point loaded by `fabric-chaincode-node server`: it looks for `contracts`.
import { DonationContract } from './contract';

export { DonationContract } from './contract';
export { ErrorCode } from './errors';
export { Events } from './records';
export type { Donation, Ngo } from './records';

export const contracts = [DonationContract];
