// Clients call transactions by the names in @donation-ledger/model; the contracts' methods are
// the transactions. The two lists must be the same, or a client would call one that is not there.
// The fake first: it quiets fabric-contract-api's logging before the contracts load.
import './test-support/fake-context';
import { BaselineTransaction, DonationTransaction, GovernanceTransaction } from '@donation-ledger/model';
import { BaselineContract } from './baseline';
import { DonationContract } from './contract';
import { GovernanceContract } from './governance';

/** Every public method of a contract class is a transaction; their names start upper-case. */
const transactionsOf = (contract: object): string[] => Object.getOwnPropertyNames(contract).filter((n) => /^[A-Z]/.test(n)).sort();

describe('transaction names', () => {
  test.each([
    ['DonationLedger', DonationContract.prototype, DonationTransaction],
    ['Governance', GovernanceContract.prototype, GovernanceTransaction],
    ['Baseline', BaselineContract.prototype, BaselineTransaction],
  ] as const)('the %s contract has exactly the transactions the model names', (_name, prototype, names) => {
    expect(transactionsOf(prototype)).toEqual(Object.values(names).sort());
  });

  test('the Governance contract is registered under the name clients prefix its transactions with', () => {
    expect(new GovernanceContract().getName()).toBe('Governance');
  });
});
