// The vertical slice through the real network: a donor's donation goes through the gateway,
// is endorsed by both orgs, ordered by Raft, validated and committed on every peer.
import './quiet-contract-logs';
import { spawnSync } from 'node:child_process';
import { LedgerClient, LedgerError } from '@donation-ledger/client';
import { readFileSync } from 'node:fs';
import { DonationContract, GovernanceContract } from '@donation-ledger/chaincode';
import { RECORD_TYPES } from '@donation-ledger/model';
// Types only: loading the in-process peer would load fabric-shim, whose protobuf classes (an older
// @hyperledger/fabric-protos) would replace the SDK's in this test file.
import type { ContractMetadata } from '../../packages/chaincode/src/test-support/peer';
import { knownFabricBinaries, peerCliEnv } from '@donation-ledger/network';
import { connectAs, paths, topology, uniqueId } from './harness';

const METADATA_GOLDEN = `${__dirname}/../../packages/chaincode/src/test-support/metadata-golden.json`;

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

  test('the contract metadata (GetMetadata, what tools read to learn a contract) answers with what the contracts take and return, and the records the peer returns match their schemas', async () => {
    const query = (args: string[]): string => {
      const t = topology();
      const ngoOrg = t.orgs.find((o) => o.name === 'ngo');
      const bins = knownFabricBinaries(paths().binDirFile);
      if (!ngoOrg || !bins) throw new Error('test network is not set up');
      const result = spawnSync(bins.path('peer'), ['chaincode', 'query', '-C', t.channel, '-n', t.chaincode.name, '-c', JSON.stringify({ Args: args })], {
        env: { ...process.env, ...peerCliEnv(bins, t, paths(), ngoOrg) },
        encoding: 'utf8',
      });
      expect(result.stderr).not.toContain('Error');
      expect(result.status).toBe(0);
      return result.stdout;
    };
    const metadata = JSON.parse(query(['org.hyperledger.fabric:GetMetadata'])) as ContractMetadata;

    // Every public method of each contract class is a transaction (their names start upper-case).
    const transactionsOf = (contract: object): string[] => Object.getOwnPropertyNames(contract).filter((n) => /^[A-Z]/.test(n)).sort();
    for (const [name, contract] of [['DonationLedger', DonationContract], ['Governance', GovernanceContract]] as const) {
      expect(metadata.contracts[name]?.transactions.map((tx) => tx.name).sort()).toEqual(transactionsOf(contract.prototype));
    }
    // The bench's blind write is a chaincode of its own, never part of the ledger's.
    expect(Object.keys(metadata.contracts).filter((name) => name !== 'org.hyperledger.fabric').sort()).toEqual(['DonationLedger', 'Governance']);
    expect(transactionsOf(DonationContract.prototype)).toEqual(expect.arrayContaining(['Donate', 'RecordSpend', 'RegisterNgo', 'ReadDonation']));

    // Each transaction's parameters and return type, and each type's schema, are those of the
    // chaincode built from this source: the unit test (shim.test.ts) holds the recorded
    // metadata equal to what fabric-shim's own dispatcher builds from the source, and checks every
    // answer against it. The peer runs that chaincode.
    const local = JSON.parse(readFileSync(METADATA_GOLDEN, 'utf8')) as ContractMetadata;
    const transactions = Object.values(metadata.contracts).flatMap((c) => c.transactions);
    // 30 and 9 of the two contracts, and the system contract's GetMetadata.
    expect(transactions.length).toBe(40);
    for (const [name, contract] of Object.entries(local.contracts)) {
      expect([name, metadata.contracts[name]?.transactions]).toEqual([name, contract.transactions]);
    }
    expect(metadata.components.schemas).toEqual(local.components.schemas);
    for (const tx of metadata.contracts.DonationLedger?.transactions ?? []) {
      expect([tx.name, tx.returns]).not.toEqual([tx.name, { type: 'string' }]);
      for (const parameter of tx.parameters ?? []) expect(parameter.schema).toEqual({ type: 'string' });
    }
    expect(metadata.contracts.DonationLedger?.transactions.find((tx) => tx.name === 'ReadDonation')).toMatchObject({
      tag: ['EVALUATE'], parameters: [{ name: 'donationId', schema: { type: 'string' } }], returns: { $ref: '#/components/schemas/Donation' },
    });

    // Every type of record the ledger stores has a schema naming it by docType; the records the
    // peer answers have exactly the properties of theirs.
    const schemaOf = (docType: string): Record<string, unknown> | undefined =>
      Object.values(metadata.components.schemas).find((s) => s.properties?.docType?.enum?.[0] === docType)?.properties;
    for (const type of RECORD_TYPES) expect([type, schemaOf(type) !== undefined]).toEqual([type, true]);
    const donationId = uniqueId('don');
    await donor.donate({ id: donationId, ngoId, amount: '300', currency: 'EUR' });
    for (const [docType, args] of [['donation', ['ReadDonation', donationId]], ['ngo', ['ReadNgo', ngoId]]] as const) {
      const record = JSON.parse(query([...args])) as Record<string, unknown>;
      expect(record.docType).toBe(docType);
      expect(Object.keys(record).sort()).toEqual(Object.keys(schemaOf(docType) ?? {}).sort());
    }
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
