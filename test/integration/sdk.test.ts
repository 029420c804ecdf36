// The SDK against the real network: connect-time checks, failover, retries, status recovery,
// events resumed from a checkpoint, ledger verification and proofs, and CA enrollment.
import { common } from '@hyperledger/fabric-protos';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CertificateAuthority, checkpointers, connect, directoryWallet, LedgerClient, LedgerError, LedgerEvent, loadProfile, profileCa, registrarSecret, sharedConnectionCount, verifyChain,
} from '@donation-ledger/client';
import { clientProfile } from '@donation-ledger/network';
import { signBlock } from '../../packages/client/src/test-support/blocks';
import { cli, connectAs, connectPayments, credentialOf, ensureNgo, memoryBlockSource, NETWORK_ARGS, openWindow, outcome, paths, settle, topology, siteProfile, uniqueId } from './harness';

const errorOf = async (promise: Promise<unknown>): Promise<LedgerError> => {
  try {
    await promise;
  } catch (err) {
    if (err instanceof LedgerError) return err;
    throw err;
  }
  throw new Error('expected a LedgerError');
};

describe('connecting', () => {
  const donor1 = (): ReturnType<typeof clientProfile> => clientProfile(topology(), paths(), 'donorplatform', 'donor1');
  const donor2 = (): ReturnType<typeof clientProfile> => clientProfile(topology(), paths(), 'donorplatform', 'donor2');

  test('a missing identity file fails at connect time, naming the file', async () => {
    const profile = donor1();
    const err = await errorOf(connect({ ...profile, identity: { ...profile.identity, certificatePath: '/no/such/cert.pem' } }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('/no/such/cert.pem');
  });

  test("a private key that is not the certificate's fails, naming both files", async () => {
    const profile = donor1();
    const err = await errorOf(connect({ ...profile, identity: { ...profile.identity, privateKeyPath: donor2().identity.privateKeyPath } }));
    expect(err.message).toContain('does not belong to the certificate');
    expect(err.message).toContain(donor2().identity.privateKeyPath);
  });

  test('a wrong MSP ID is refused by the channel at connect time', async () => {
    const err = await errorOf(connect({ ...donor1(), mspId: 'NgoMSP' }));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toContain('refused the identity of NgoMSP');
  });

  test('an unreachable endpoint and a TLS root that does not match are named', async () => {
    const profile = donor1();
    const good = profile.gateways[0];
    if (!good) throw new Error('no gateway');
    const wrongRoot = { ...good, tlsRootCertPath: paths().caCert('ngo') };
    const err = await errorOf(connect({ ...profile, gateways: [{ ...good, endpoint: '127.0.0.1:1' }, wrongRoot] }));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toContain('nothing is listening at 127.0.0.1:1');
    expect(err.message).toContain(`the TLS certificate of ${good.endpoint} is not signed by the TLS root ${paths().caCert('ngo')}`);
  });

  test('connect skips an endpoint that does not answer and uses the next', async () => {
    const profile = donor1();
    const client = await connect({ ...profile, gateways: [{ endpoint: "127.0.0.1:1", tlsRootCertPath: paths().caCert("donorplatform") }, ...profile.gateways] });
    try {
      expect((await client.getDigest()).height).toBeGreaterThan(0);
    } finally {
      client.close();
    }
  });

  test('clients of one process share one gRPC connection per gateway peer, closed with the last client', async () => {
    const before = sharedConnectionCount();
    const clients: LedgerClient[] = [];
    try {
      for (let i = 0; i < 20; i++) clients.push(await connect(i % 2 ? donor1() : donor2()));
      await Promise.all(clients.map((c) => c.getDigest()));
      // All on the donor platform's own gateway peer: twenty more gateways over at most one more
      // gRPC client (none when another test's client already holds that peer's).
      const during = sharedConnectionCount();
      expect(during.gateways).toBe(before.gateways + 20);
      expect(during.clients - before.clients).toBeLessThanOrEqual(1);
    } finally {
      for (const c of clients) c.close();
    }
    expect(sharedConnectionCount()).toEqual(before);
  });
});

describe('retries and status recovery', () => {
  let staff: LedgerClient;
  let donor: LedgerClient;
  let payments: LedgerClient;

  beforeAll(async () => {
    const admin = await connectAs('ngo', 'ngoadmin1');
    await ensureNgo(admin, 'ngo-1');
    admin.close();
    staff = await connectAs('ngo', 'staff1');
    donor = await connectAs('donorplatform', 'donor1');
    payments = await connectPayments();
  });

  afterAll(() => {
    staff.close();
    donor.close();
    payments.close();
  });

  /** A campaign with 4 settled donations of `amount` (money to spend). */
  async function fundedCampaign(amount: number): Promise<string> {
    const campaignId = uniqueId('camp');
    await staff.createCampaign({ id: campaignId, ngoId: 'ngo-1', name: 'Conflicts', goal: 1_000_000, currency: 'EUR', ...openWindow() });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await donor.donate({ id: uniqueId('don'), ngoId: 'ngo-1', campaignId, amount, currency: 'EUR' })).result.id);
    await settle(payments, ids);
    return campaignId;
  }

  const spendsAtOnce = (client: LedgerClient, campaignId: string, count: number): Promise<PromiseSettledResult<{ attempts: number }>[]> =>
    Promise.allSettled(
      Array.from({ length: count }, () =>
        client.recordSpend({ id: uniqueId('sp'), ngoId: 'ngo-1', campaignId, amount: 10, currency: 'EUR', description: 'Race', category: 'test' }),
      ),
    );

  test('concurrent spends from one pool conflict (MVCC) without retries, and all commit with them', async () => {
    const noRetry = await connectAs('ngo', 'staff1', { retry: { maxAttempts: 1 } });
    try {
      const raced = await spendsAtOnce(noRetry, await fundedCampaign(100), 6);
      const codes = raced.map((r) => (r.status === 'fulfilled' ? 'OK' : (r.reason as LedgerError).code));
      expect(codes).toContain('OK');
      expect(codes.filter((c) => c === 'MVCC_READ_CONFLICT' || c === 'PHANTOM_READ_CONFLICT').length).toBeGreaterThan(0);
    } finally {
      noRetry.close();
    }

    const retried = await spendsAtOnce(staff, await fundedCampaign(100), 6);
    expect(retried.map((r) => r.status)).toEqual(Array(6).fill('fulfilled'));
    const attempts = retried.map((r) => (r as PromiseFulfilledResult<{ attempts: number }>).value.attempts);
    expect(Math.max(...attempts)).toBeGreaterThan(1);
  });

  test('a commit status that times out is asked for again, not resubmitted', async () => {
    const impatient = await connectAs('donorplatform', 'donor2', { deadlines: { commitStatusMs: 1 } });
    try {
      const id = uniqueId('don');
      const written = await impatient.donate({ id, ngoId: 'ngo-1', amount: 7, currency: 'EUR' });
      expect(written.attempts).toBe(1);
      expect((await donor.readDonation(id)).txId).toBe(written.transactionId);
    } finally {
      impatient.close();
    }
  });
});

describe('failover between gateway peers', () => {
  afterAll(() => {
    expect(cli(['up', ...NETWORK_ARGS]).status).toBe(0);
  });

  test('when the first gateway peer stops, reads move to the next peer; writes fail typed until it is back', async () => {
    const donor = await connectAs('donorplatform', 'donor1');
    try {
      const before = await donor.getDigest();
      expect(cli(['stop', 'peer0.donorplatform', ...NETWORK_ARGS]).status).toBe(0);

      expect((await donor.getDigest()).height).toBeGreaterThanOrEqual(before.height);
      expect(await outcome(donor.readNgo('ngo-1'))).toBe('OK');
      const write = await errorOf(donor.donate({ id: uniqueId('don'), ngoId: 'ngo-1', amount: 1, currency: 'EUR' }));
      expect(['ENDORSEMENT_FAILED', 'UNAVAILABLE', 'UNKNOWN']).toContain(write.code);

      expect(cli(['up', ...NETWORK_ARGS]).status).toBe(0);
      expect(await outcome(donor.donate({ id: uniqueId('don'), ngoId: 'ngo-1', amount: 1, currency: 'EUR' }))).toBe('OK');
    } finally {
      donor.close();
    }
  });
});

describe('chaincode events', () => {
  test('a consumer that stops and restarts from its checkpoint file sees every event once, in order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ledger-events-'));
    const admin = await connectAs('ngo', 'ngoadmin1');
    const donor = await connectAs('donorplatform', 'donor1');
    try {
      const start = BigInt((await donor.getDigest()).height);
      const ngoId = uniqueId('ngo');
      const written = [(await admin.registerNgo({ id: ngoId, name: 'Events' })).transactionId];
      for (let i = 0; i < 3; i++) written.push((await donor.donate({ id: uniqueId('don'), ngoId, amount: i + 1, currency: 'EUR' })).transactionId);

      const seen: LedgerEvent[] = [];
      const consume = async (client: LedgerClient, count: number, first?: bigint): Promise<void> => {
        const checkpointer = await checkpointers.file(join(dir, 'checkpoint.json'));
        const events = await client.events({ checkpointer, ...(first !== undefined ? { startBlock: first } : {}) });
        try {
          for await (const event of events) {
            seen.push(event); // the side effect...
            await checkpointer.checkpointChaincodeEvent(event); // ...then the checkpoint
            if (seen.length >= count) break;
          }
        } finally {
          events.close();
        }
      };
      await consume(donor, 2, start); // "crash" after two events

      for (let i = 0; i < 2; i++) written.push((await donor.donate({ id: uniqueId('don'), ngoId, amount: 10, currency: 'EUR' })).transactionId);
      const restarted = await connectAs('donorplatform', 'donor2');
      try {
        await consume(restarted, written.length); // resumes from the checkpoint file alone
      } finally {
        restarted.close();
      }

      expect(seen.map((e) => e.transactionId)).toEqual(written);
      expect(seen.map((e) => e.eventName)).toEqual(['NgoRegistered', ...Array(5).fill('DonationRecorded')]);
      expect(seen[1]?.record).toMatchObject({ ngoId, amount: '1' });
    } finally {
      admin.close();
      donor.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ledger verification', () => {
  let client: LedgerClient;

  beforeAll(async () => {
    client = await connectAs('ngo', 'staff1');
  });

  afterAll(() => client.close());

  test('the live ledger verifies from genesis, and against a digest saved earlier', async () => {
    const saved = await client.getDigest();
    await client.readNgo('ngo-1'); // reads add no blocks; a write does:
    const donor = await connectAs('donorplatform', 'donor1');
    await donor.donate({ id: uniqueId('don'), ngoId: 'ngo-1', amount: 1, currency: 'EUR' }).finally(() => donor.close());

    const result = await client.verify(saved);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.digest.height).toBeGreaterThan(saved.height);
      expect(result.blocksChecked).toBe(result.digest.height);
    }
    const fromTrusted = await client.verify(undefined, { trusted: saved });
    expect(fromTrusted).toMatchObject({ ok: true, blocksChecked: (result.ok ? result.digest.height : 0) - saved.height });
  });

  test('a copy of the block stream with one byte altered fails, naming the block', async () => {
    const source = client.blockSource();
    const height = await source.height();
    const blocks = await Promise.all(Array.from({ length: height }, (_, n) => source.block(n)));
    const victim = height - 2;
    const block = common.Block.deserializeBinary(blocks[victim] as Uint8Array);
    const data = block.getData();
    const envelopes = data?.getDataList_asU8() ?? [];
    const tampered = Buffer.from(envelopes[0] as Uint8Array);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01;
    data?.setDataList([tampered, ...envelopes.slice(1)]);
    blocks[victim] = block.serializeBinary();

    const result = await verifyChain(memoryBlockSource(blocks));
    expect(result).toMatchObject({ ok: false, blockNumber: victim });
    if (!result.ok) expect(result.reason).toContain('do not match its data hash');
  });

  test("a block re-signed by the admin of an org that runs ordering nodes, a member but not an ordering node, fails verification, naming the block and the policy", async () => {
    const source = client.blockSource();
    const height = await source.height();
    const blocks = await Promise.all(Array.from({ length: height }, (_, n) => source.block(n)));
    expect(await verifyChain(memoryBlockSource(blocks))).toMatchObject({ ok: true });
    const victim = height - 1;
    const block = common.Block.deserializeBinary(blocks[victim]!);
    signBlock(block, [credentialOf('donorplatform', 'orgadmin', 'DonorPlatformMSP')]);
    blocks[victim] = block.serializeBinary();

    const result = await verifyChain(memoryBlockSource(blocks));
    expect(result).toMatchObject({ ok: false, blockNumber: victim });
    if (!result.ok) expect(result.reason).toMatch(new RegExp(`^block ${victim}: its orderer signatures do not satisfy the BlockValidation policy OutOf\\(1, 'DonorPlatformMSP.orderer', 'NgoMSP.orderer'\\).*DonorPlatformMSP orgadmin`));
  });

  test("verify anchors the chain at the profile's genesis block: a profile naming another genesis fails at block 0", async () => {
    const profile = clientProfile(topology(), paths(), 'ngo', 'staff1');
    expect(profile.genesisBlockHash).toMatch(/^[0-9a-f]{64}$/);
    const misled = await connect({ ...profile, genesisBlockHash: 'ab'.repeat(32) });
    try {
      expect(await misled.verify()).toMatchObject({ ok: false, blockNumber: 0, reason: expect.stringMatching(/not this channel's genesis block/) as unknown });
    } finally {
      misled.close();
    }
  });

  test('a digest with a different hash, of another channel, or from the future is refused', async () => {
    const digest = await client.getDigest();
    expect(await client.verify({ ...digest, blockHash: '00'.repeat(32) })).toMatchObject({ ok: false, blockNumber: digest.height - 1 });
    expect((await errorOf(client.verify({ ...digest, channel: 'other' }))).message).toContain('channel "other"');
    expect((await errorOf(client.verify({ ...digest, height: digest.height + 100 }))).message).toContain('from the future');
  });

  test('each revision of a record has a proof: its block, transaction, validation code and block hash', async () => {
    const donor = await connectAs('donorplatform', 'donor1');
    try {
      const written = await donor.donate({ id: uniqueId('don'), ngoId: 'ngo-1', amount: 3, currency: 'EUR' });
      const [proof] = await client.getProof('donation', written.result.id);
      expect(proof).toMatchObject({ txId: written.transactionId, blockNumber: Number(written.blockNumber), validationCode: 0 });
      const block = (await import('@donation-ledger/client')).parseBlock(await client.blockSource().block(Number(written.blockNumber)));
      expect(proof?.blockHash).toBe(block.headerHash.toString('hex'));
    } finally {
      donor.close();
    }
  });
});

describe('enrolling users with the CA', () => {
  test("the API's registrar registers client identities with a role and an NGO, and nothing more: no admin, no peer, no registrar powers", async () => {
    const profile = loadProfile(siteProfile('ngo'));
    expect(profile.registrar.enrollmentId).not.toBe('admin'); // never the CA's bootstrap admin
    const ca = new CertificateAuthority(profileCa(profile));
    const registrar = await ca.enroll(profile.registrar.enrollmentId, registrarSecret(profile));
    const register = (type: 'client' | 'admin' | 'peer', attrs: Record<string, string>): Promise<string> =>
      outcome(ca.register(registrar, { enrollmentId: uniqueId(type), type, attrs }));
    expect(await register('client', { role: 'ngo-staff', ngoId: 'ngo-1' })).toBe('OK');
    expect(await register('admin', { role: 'ngo-admin' })).toBe('FORBIDDEN');
    expect(await register('peer', {})).toBe('FORBIDDEN');
    expect(await register('client', { 'hf.Registrar.Roles': 'admin' })).toBe('FORBIDDEN');
    expect(await register('client', { department: 'finance' })).toBe('FORBIDDEN');
  });


  test("a new user's certificate attribute is what the chaincode enforces; the wallet keeps keys 0600; re-enrollment works", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ledger-wallet-'));
    const profile = loadProfile(siteProfile('donorplatform'));
    const ca = new CertificateAuthority(profileCa(profile));
    const wallet = directoryWallet(dir);
    try {
      const registrar = await ca.enroll(profile.registrar.enrollmentId, registrarSecret(profile));
      const donorName = uniqueId('donor');
      const viewerName = uniqueId('viewer');
      await wallet.put(donorName, await ca.enroll(donorName, await ca.register(registrar, { enrollmentId: donorName, attrs: { role: 'donor' } })));
      await wallet.put(viewerName, await ca.enroll(viewerName, await ca.register(registrar, { enrollmentId: viewerName, attrs: { role: 'viewer' } })));
      expect(statSync(join(dir, `${donorName}.id.json`)).mode & 0o777).toBe(0o600);
      expect(await wallet.list()).toEqual([donorName, viewerName].sort());
      const gateways = clientProfile(topology(), paths(), 'donorplatform', 'donor1').gateways;

      const asUser = async (label: string): Promise<LedgerClient> => {
        const identity = await wallet.get(label);
        if (!identity) throw new Error('not in wallet');
        return connect({ mspId: identity.mspId, gateways, identity });
      };
      const donor = await asUser(donorName);
      const viewer = await asUser(viewerName);
      try {
        expect(await outcome(donor.donate({ id: uniqueId('don'), ngoId: 'ngo-1', amount: 5, currency: 'EUR' }))).toBe('OK');
        expect(await outcome(viewer.donate({ id: uniqueId('don'), ngoId: 'ngo-1', amount: 5, currency: 'EUR' }))).toBe('FORBIDDEN');
      } finally {
        donor.close();
        viewer.close();
      }

      const before = await wallet.get(donorName);
      const renewed = await ca.renewIfExpiring(wallet, donorName, 10 * 365 * 86_400_000);
      expect(renewed.certificate).not.toBe(before?.certificate);
      const again = await asUser(donorName);
      try {
        expect(await outcome(again.donate({ id: uniqueId('don'), ngoId: 'ngo-1', amount: 5, currency: 'EUR' }))).toBe('OK');
      } finally {
        again.close();
      }
      expect((await errorOf(ca.register(registrar, { enrollmentId: donorName }))).code).toBe('ALREADY_EXISTS');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
