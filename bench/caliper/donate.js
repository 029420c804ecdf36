'use strict';
// Caliper workload: each transaction is one donation by donor1 to an NGO registered at the start.
const { WorkloadModuleBase } = require('@hyperledger/caliper-core');

class DonateWorkload extends WorkloadModuleBase {
  async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
    await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
    this.ngoId = `caliper-${roundIndex}-${Date.now().toString(36)}-${workerIndex}`;
    this.counter = 0;
    await this.sutAdapter.sendRequests({
      contractId: 'donations', contractFunction: 'RegisterNgo', invokerMspId: 'NgoMSP', invokerIdentity: 'ngoadmin1',
      contractArguments: [JSON.stringify({ id: this.ngoId, name: 'Caliper NGO' })], readOnly: false,
    });
  }

  async submitTransaction() {
    this.counter++;
    const donation = { id: `${this.ngoId}-${this.counter}`, ngoId: this.ngoId, amount: '100', currency: 'EUR' };
    return this.sutAdapter.sendRequests({
      contractId: 'donations', contractFunction: 'Donate', invokerMspId: 'DonorPlatformMSP', invokerIdentity: 'donor1',
      contractArguments: [JSON.stringify(donation)], readOnly: false,
    });
  }
}

module.exports.createWorkloadModule = () => new DonateWorkload();
