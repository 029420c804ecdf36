// The vertical slice through the real network: a donor's donation goes through the gateway,
// is endorsed by both orgs, ordered by Raft, validated and committed on every peer.
import './quiet-contract-logs';
import { spawnSync } from 'node:child_process';
import { LedgerClient, LedgerError } from '@donation-ledger/client';
import { DonationContract, GovernanceContract } from '@donation-ledger/chaincode';
import { knownFabricBinaries, peerCliEnv } from '@donation-ledger/network';
import { connectAs, paths, topology, uniqueId } from './harness';

describe('a donation on the real network', () => {
  let ngoAdmin: LedgerClient;
  let donor: LedgerClient;
  let ngoAdminAtNgoPeer: LedgerClient;
  const ngoId = uniqueId('ngo');

  beforeAll(async () => {
    ngoAdmin = await connectAs('ngo', 'ngoadmin1');
    ngoAdminAtNgoPeer = ngoAdmin;
    donor = await connectAs('donorplatform', 'donor1');
    await ngoAdmin.registerNgo({ id: ngoId, name: 'Clean Water Fund', description: 'Wells in dry regions' });
  });

  afterAll(() => {
    ngoAdmin.close();
    donor.close();
  });

  test('a donation submitted by a donor through the donor platform peer is read back through the NGO peer', async () => {
    const id = uniqueId('don');
    const written = await donor.donate({ id, ngoId, amount: '2500', currency: 'EUR' });

    expect(written.transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect(written.blockNumber).toBeGreaterThan(0n);
    const read = await ngoAdminAtNgoPeer.readDonation(id);
    expect(read).toEqual(written.result);
    // A donation starts as a pledge: no money to spend until the payment service settles it (money.test.ts).
    expect(read).toMatchObject({ id, ngoId, amount: '2500', currency: 'EUR', status: 'pledged', remaining: '0', refunded: '0', settledAt: '', txId: written.transactionId });
    expect(read.donor.mspId).toBe('DonorPlatformMSP');
  });

  test('the same record is returned by peer chaincode query (the CLI path)', async () => {
    const id = uniqueId('don');
    const written = await donor.donate({ id, ngoId, amount: 700, currency: 'USD' });
    const t = topology();
    const ngoOrg = t.orgs.find((o) => o.name === 'ngo');
    const bins = knownFabricBinaries(paths().binDirFile);
    if (!ngoOrg || !bins) throw new Error('test network is not set up');

    const result = spawnSync(bins.path('peer'), ['chaincode', 'query', '-C', t.channel, '-n', t.chaincode.name, '-c', JSON.stringify({ Args: ['ReadDonation', id] })], {
      env: { ...process.env, ...peerCliEnv(bins, t, paths(), ngoOrg) },
      encoding: 'utf8',
    });

    // The env helper's logging spec: the CLI's own lines only, none of gRPC's connection chatter.
    expect(result.stderr.split('\n').filter((line) => line && !line.includes('[chaincodeCmd]'))).toEqual([]);
    expect(result.status).toBe(0);
    const { docType, ...fromCli } = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(docType).toBe('donation');
    expect(fromCli).toEqual(written.result);
  });

  test('the contract metadata (GetMetadata, what tools read to learn a contract) answers, names every transaction of every contract, and has no bench contract', () => {
    const t = topology();
    const ngoOrg = t.orgs.find((o) => o.name === 'ngo');
    const bins = knownFabricBinaries(paths().binDirFile);
    if (!ngoOrg || !bins) throw new Error('test network is not set up');
    const result = spawnSync(bins.path('peer'), ['chaincode', 'query', '-C', t.channel, '-n', t.chaincode.name, '-c', JSON.stringify({ Args: ['org.hyperledger.fabric:GetMetadata'] })], {
      env: { ...process.env, ...peerCliEnv(bins, t, paths(), ngoOrg) },
      encoding: 'utf8',
    });
    expect(result.stderr).not.toContain('Error');
    expect(result.status).toBe(0);
    const metadata = JSON.parse(result.stdout) as { contracts: Record<string, { transactions: { name: string }[] }> };
    // Every public method of each contract class is a transaction (their names start upper-case).
    const transactionsOf = (contract: object): string[] => Object.getOwnPropertyNames(contract).filter((n) => /^[A-Z]/.test(n)).sort();
    for (const [name, contract] of [['DonationLedger', DonationContract], ['Governance', GovernanceContract]] as const) {
      expect(metadata.contracts[name]?.transactions.map((tx) => tx.name).sort()).toEqual(transactionsOf(contract.prototype));
    }
    // The bench's blind write is a chaincode of its own, never part of the ledger's.
    expect(Object.keys(metadata.contracts).filter((name) => name !== 'org.hyperledger.fabric').sort()).toEqual(['DonationLedger', 'Governance']);
    expect(transactionsOf(DonationContract.prototype)).toEqual(expect.arrayContaining(['Donate', 'RecordSpend', 'RegisterNgo', 'ReadDonation']));
  });

  test('a transaction endorsed by one org only fails validation with ENDORSEMENT_POLICY_FAILURE and writes nothing', async () => {
    const id = uniqueId('don');

    const error = await donor
      .donate({ id, ngoId, amount: '100', currency: 'EUR' }, { endorsingOrganizations: ['DonorPlatformMSP'] })
      .catch((err: unknown) => err);

    expect(error).toBeInstanceOf(LedgerError);
    expect(error).toMatchObject({ code: 'ENDORSEMENT_POLICY_FAILURE', validationCode: 10 });
    expect((error as LedgerError).transactionId).toMatch(/^[0-9a-f]{64}$/);
    await expect(donor.readDonation(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('a donation to an unknown NGO reaches the client as NOT_FOUND with the chaincode message and writes nothing', async () => {
    const id = uniqueId('don');

    const error = await donor.donate({ id, ngoId: 'no-such-ngo', amount: '100', currency: 'EUR' }).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(LedgerError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'NGO no-such-ngo does not exist' });
    await expect(ngoAdmin.readDonation(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('the same donation id twice is ALREADY_EXISTS, not a second donation', async () => {
    const id = uniqueId('don');
    await donor.donate({ id, ngoId, amount: '10', currency: 'EUR' });

    await expect(donor.donate({ id, ngoId, amount: '99', currency: 'EUR' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect((await donor.readDonation(id)).amount).toBe('10');
  });

  test.each([
    ['a fractional amount', '10.5'],
    ['a negative amount', '-5'],
    ['a zero amount', '0'],
    ['an amount beyond the cap', '1000000000000000001'],
    // What a JavaScript caller can pass despite the types: refused as input, not a TypeError (found by the fuzz test).
    ['an object as the amount', { toString: {} } as unknown as string],
    ['null as the amount', null as unknown as string],
  ])('%s is INVALID_ARGUMENT and writes nothing', async (_what, amount) => {
    const id = uniqueId('don');
    await expect(donor.donate({ id, ngoId, amount, currency: 'EUR' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(donor.readDonation(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('an unknown currency is INVALID_ARGUMENT', async () => {
    await expect(donor.donate({ id: uniqueId('don'), ngoId, amount: '5', currency: 'XYZ' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  test('only NGO org admins may register an NGO; a donor gets FORBIDDEN and nothing is written', async () => {
    const id = uniqueId('ngo');
    await expect(donor.registerNgo({ id, name: 'Not mine to register' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(donor.readNgo(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('NGO staff may not donate (FORBIDDEN): the donor is the caller, with the donor role', async () => {
    const staff = await connectAs('ngo', 'staff1');
    try {
      await expect(staff.donate({ id: uniqueId('don'), ngoId, amount: '5', currency: 'EUR' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    } finally {
      staff.close();
    }
  });
});
