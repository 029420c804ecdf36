// Orderer signatures checked against the channel configuration in force, without a network:
// certificates from a throw-away openssl CA, blocks built from Fabric's protos and signed the
// way orderers sign them. The integration suites repeat the tamper cases on real blocks.
import { createHash } from 'node:crypto';
import { checkBlockSignatures, ordererTrustOf, OrdererTrust } from './block-signatures';
import { BlockSource, blockHeaderHash, verifyChain } from './ledger';
import { block, configBlock, Credential, dropSignatures, signBlock, TestCa, TestConsenter, TestPki } from './test-support/blocks';

const MSP = 'OrdererMSP';
let pki: TestPki;
let orderers: Credential[];
let ordererAdmin: Credential;
let foreign: Credential;
let raftTrust: OrdererTrust;
let ordererRoot: string;
let consenters: TestConsenter[];
let bftTrust: OrdererTrust;

beforeAll(() => {
  pki = new TestPki();
  const ca = pki.ca('orderer');
  const otherCa = pki.ca('impostor');
  orderers = [0, 1, 2, 3, 4].map((i) => pki.issue(ca, MSP, `orderer${i}`, 'orderer'));
  ordererAdmin = pki.issue(ca, MSP, 'orgadmin', 'admin');
  foreign = pki.issue(otherCa, MSP, 'orderer9', 'orderer');
  ordererRoot = ca.certificate;
  raftTrust = ordererTrustOf(configBlock(0, { ordererMspId: MSP, rootCertificates: [ca.certificate] }))!;
  consenters = orderers.slice(0, 4).map((credential, i) => ({ id: i + 1, credential }));
  bftTrust = ordererTrustOf(configBlock(0, { ordererMspId: MSP, rootCertificates: [ca.certificate], bft: consenters }))!;
});


const signedBy = (n: number, signers: Parameters<typeof signBlock>[1]): ReturnType<typeof block> => {
  const b = block(n);
  signBlock(b, signers);
  return b;
};
const asConsenter = (c: TestConsenter): Credential & { consenterId: number } => ({ ...c.credential, consenterId: c.id });

describe('Raft: BlockValidation OR(OrdererMSP.orderer)', () => {
  test('a block signed by an orderer node of the orderer org passes, naming its signer', async () => {
    expect(await checkBlockSignatures(signedBy(5, [orderers[0]!]), raftTrust)).toEqual({ ok: true, signers: ['OrdererMSP orderer0'] });
  });

  test('a block signed by the orderer org admin (a member, not an orderer node) fails, naming the policy', async () => {
    const check = await checkBlockSignatures(signedBy(5, [ordererAdmin]), raftTrust);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(/do not satisfy the BlockValidation policy OutOf\(1, 'OrdererMSP.orderer'\) of config block 0: 1 valid signature\(s\) \(OrdererMSP orgadmin\)/);
  });

  test('a block signed by a key from another CA fails: the signer is not an identity of the orderer MSP', async () => {
    const check = await checkBlockSignatures(signedBy(5, [foreign]), raftTrust);
    expect(check).toMatchObject({ ok: false, reason: expect.stringMatching(/orderer9: its certificate was not issued by a CA of OrdererMSP/) as unknown });
  });

  test("a signature made with another key than the certificate's fails to verify", async () => {
    const check = await checkBlockSignatures(signedBy(5, [{ ...orderers[0]!, key: orderers[1]!.key }]), raftTrust);
    expect(check).toMatchObject({ ok: false, reason: expect.stringMatching(/orderer0: the signature does not verify/) as unknown });
  });

  test('a signed block whose header was changed afterwards fails', async () => {
    const b = signedBy(5, [orderers[0]!]);
    b.getHeader()!.setNumber(6);
    expect((await checkBlockSignatures(b, raftTrust)).ok).toBe(false);
  });

  test('an unsigned block fails', async () => {
    expect(await checkBlockSignatures(block(5), raftTrust)).toMatchObject({ ok: false });
  });
});

describe('Raft run by member orgs: BlockValidation OR over each org that runs ordering nodes', () => {
  let donorPlatform: TestCa;
  let ngo: TestCa;
  const channel = (orgs: readonly { mspId: string; root: string }[]): OrdererTrust => ordererTrustOf(configBlock(0, {
    ordererMspId: orgs[0]!.mspId, rootCertificates: [orgs[0]!.root], memberOrderers: orgs.slice(1).map((o) => ({ mspId: o.mspId, rootCertificates: [o.root] })),
  }))!;
  let trust: OrdererTrust;
  beforeAll(() => {
    donorPlatform = pki.ca('donorplatform');
    ngo = pki.ca('ngo');
    trust = channel([{ mspId: 'DonorPlatformMSP', root: donorPlatform.certificate }, { mspId: 'NgoMSP', root: ngo.certificate }]);
  });

  test('a block signed by an ordering node of either member org passes, naming its signer', async () => {
    const ngoOrderer = pki.issue(ngo, 'NgoMSP', 'orderer0.ngo', 'orderer');
    const donorOrderer = pki.issue(donorPlatform, 'DonorPlatformMSP', 'orderer1.donorplatform', 'orderer');
    expect(await checkBlockSignatures(signedBy(5, [ngoOrderer]), trust)).toEqual({ ok: true, signers: ['NgoMSP orderer0.ngo'] });
    expect(await checkBlockSignatures(signedBy(5, [donorOrderer]), trust)).toEqual({ ok: true, signers: ['DonorPlatformMSP orderer1.donorplatform'] });
  });

  test("a block signed by a member org's peer or admin (not an ordering node) fails, naming the policy over both orgs", async () => {
    const check = await checkBlockSignatures(signedBy(5, [pki.issue(ngo, 'NgoMSP', 'peer0.ngo', 'peer'), pki.issue(donorPlatform, 'DonorPlatformMSP', 'orgadmin', 'admin')]), trust);
    expect(check).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/OutOf\(1, 'DonorPlatformMSP.orderer', 'NgoMSP.orderer'\) of config block 0: 2 valid signature\(s\) \(NgoMSP peer0.ngo, DonorPlatformMSP orgadmin\)/) as unknown,
    });
  });

  test("an orderer certificate claiming one member's MSP but issued by the other member's CA is refused", async () => {
    const forged = pki.issue(donorPlatform, 'NgoMSP', 'orderer0.ngo', 'orderer');
    expect(await checkBlockSignatures(signedBy(5, [forged]), trust)).toMatchObject({
      ok: false, reason: expect.stringMatching(/orderer0.ngo: its certificate was not issued by a CA of NgoMSP/) as unknown,
    });
  });

  test('once an org is out of the Orderer group, its ordering nodes no longer sign valid blocks', async () => {
    const without = channel([{ mspId: 'NgoMSP', root: ngo.certificate }]);
    const donorOrderer = pki.issue(donorPlatform, 'DonorPlatformMSP', 'orderer0.donorplatform', 'orderer');
    expect((await checkBlockSignatures(signedBy(5, [donorOrderer]), without)).ok).toBe(false);
    expect((await checkBlockSignatures(signedBy(5, [pki.issue(ngo, 'NgoMSP', 'orderer0.ngo', 'orderer')]), without)).ok).toBe(true);
  });
});

describe('BFT: a quorum of consenters (3 of 4)', () => {
  test('signatures of 3 of the 4 consenters, by consenter ID, pass', async () => {
    expect(await checkBlockSignatures(signedBy(7, consenters.slice(0, 3).map(asConsenter)), bftTrust)).toEqual({
      ok: true, signers: ['consenter 1 orderer0', 'consenter 2 orderer1', 'consenter 3 orderer2'],
    });
  });

  test('a block with one of its 3 signatures removed fails: 2 is below the quorum', async () => {
    const b = signedBy(7, consenters.slice(0, 3).map(asConsenter));
    dropSignatures(b, (i) => i !== 1);
    const check = await checkBlockSignatures(b, bftTrust);
    expect(check).toMatchObject({ ok: false, reason: expect.stringMatching(/OutOf\(3, .*2 valid signature\(s\)/) as unknown });
  });

  test('the same consenter signing three times counts once', async () => {
    const one = asConsenter(consenters[0]!);
    expect((await checkBlockSignatures(signedBy(7, [one, one, one]), bftTrust)).ok).toBe(false);
  });

  test('a signature by an ID that is not a consenter is not counted', async () => {
    const check = await checkBlockSignatures(signedBy(7, [...consenters.slice(0, 2).map(asConsenter), { ...orderers[4]!, consenterId: 9 }]), bftTrust);
    expect(check).toMatchObject({ ok: false, reason: expect.stringMatching(/consenter ID 9, which is not a consenter/) as unknown });
  });

  test('an orderer-org node that is not a consenter does not count toward the quorum', async () => {
    const check = await checkBlockSignatures(signedBy(7, [...consenters.slice(0, 2).map(asConsenter), orderers[4]!]), bftTrust);
    expect(check.ok).toBe(false);
  });

  test('consenters signing with a signature header (their certificate) count too', async () => {
    expect((await checkBlockSignatures(signedBy(7, consenters.slice(1, 4).map((c) => c.credential)), bftTrust)).ok).toBe(true);
  });
});

describe('the configuration in force', () => {
  const genesis = (): ReturnType<typeof block> => configBlock(0, { ordererMspId: MSP, rootCertificates: [ordererRoot] });

  test('a config block changes who may sign the blocks after it, and only those', async () => {
    const ca = pki.ca('neworderer');
    const successor = pki.issue(ca, MSP, 'orderer-new', 'orderer');
    const chain = link([genesis(), block(1), configBlock(2, { ordererMspId: MSP, rootCertificates: [ca.certificate] }), block(3), block(4)]);
    signBlock(chain[1]!, [orderers[0]!]);
    signBlock(chain[2]!, [orderers[1]!]); // the config change itself is signed under the old configuration
    signBlock(chain[3]!, [successor]);
    signBlock(chain[4]!, [orderers[0]!]); // an orderer of the replaced configuration
    const result = await verifyChain(sourceOf(chain));
    expect(result).toMatchObject({ ok: false, blockNumber: 4, blocksChecked: 5, reason: expect.stringMatching(/^block 4: .*of config block 2/) as unknown });
  });

  test('a whole chain signed as its configuration requires verifies', async () => {
    const chain = link([genesis(), block(1), block(2)]);
    signBlock(chain[1]!, [orderers[2]!]);
    signBlock(chain[2]!, [orderers[0]!]);
    expect(await verifyChain(sourceOf(chain))).toMatchObject({ ok: true, blocksChecked: 3 });
  });
});

/** Sets each block's data hash and its link to the block before, as an orderer does before signing. */
function link(blocks: ReturnType<typeof block>[]): ReturnType<typeof block>[] {
  let previous: Buffer = Buffer.alloc(0);
  for (const b of blocks) {
    const header = b.getHeader()!;
    header.setPreviousHash(previous);
    header.setDataHash(createHash('sha256').update(Buffer.concat(b.getData()!.getDataList_asU8())).digest());
    previous = blockHeaderHash(header.getNumber(), header.getPreviousHash_asU8(), header.getDataHash_asU8());
  }
  return blocks;
}

function sourceOf(blocks: ReturnType<typeof block>[]): BlockSource {
  return { channel: 'test', height: () => Promise.resolve(blocks.length), block: (n) => Promise.resolve(blocks[n]!.serializeBinary()) };
}
