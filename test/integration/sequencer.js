// Runs the fault tests last: they kill and stop orderers, and a full `down`/`up` of a Raft
// cluster right after such faults can leave it without a leader (see docs/faults.md).
const Sequencer = require('@jest/test-sequencer').default;

class FaultsLast extends Sequencer {
  sort(tests) {
    const isFault = (t) => /faults\.test\.ts$/.test(t.path);
    return [...super.sort(tests).filter((t) => !isFault(t)), ...tests.filter(isFault)];
  }
}

module.exports = FaultsLast;
