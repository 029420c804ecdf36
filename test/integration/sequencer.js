// The order of the test files in one Jest process (`npm test` runs them in band):
// - the fault tests after the other integration tests: they kill and stop orderers, and a full
//   `down`/`up` of a Raft cluster right after such faults can leave it without a leader
//   (see docs/faults.md);
// - then the snapshot join, which adds an org to the suite's network for good (every other suite
//   expects the two founding orgs);
// - last of all, the chaincode test that runs fabric-shim's dispatcher in process (it loads the
//   shim's @hyperledger/fabric-protos 0.2.2). Its message classes replace the SDK's 0.3.7 ones for
//   the test files that run after them in the same process, even in other files ("MetadataSignature
//   .getIdentifierHeader_asU8 is not a function" in the SDK's block-signature tests, seen in CI).
const Sequencer = require('@jest/test-sequencer').default;

const isFault = (t) => /faults\.test\.ts$/.test(t.path);
const addsAnOrg = (t) => /snapshot-join\.test\.ts$/.test(t.path);
const loadsShim = (t) => /packages\/chaincode\/src\/shim\.test\.ts$/.test(t.path);

class ShimFaultsAndSnapshotJoinLast extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const rest = (t) => !isFault(t) && !addsAnOrg(t) && !loadsShim(t);
    return [...sorted.filter(rest), ...sorted.filter(isFault), ...sorted.filter(addsAnOrg), ...sorted.filter(loadsShim)];
  }
}

module.exports = ShimFaultsAndSnapshotJoinLast;
