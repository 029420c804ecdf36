// Entry point of the bench's chaincode (packages/chaincode/bench/package.json): the Baseline
// contract alone. `npm run bench` deploys it under its own name; the ledger's chaincode
// (index.ts) does not carry it, so no member can write benchmark keys on a production channel.
import { BaselineContract } from './baseline';

export { BaselineContract } from './baseline';

export const contracts = [BaselineContract];
