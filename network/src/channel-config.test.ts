import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BftConsenterJson, bftBlockValidation, bftConsenters, bftQuorum, ChannelConfig, consentersOf, unusedBftConsenterId, withBftConsenter, withoutBftConsenter, withoutConsenter,
} from './channel-config';
import { bftQuorumProblem } from './membership';
import { REPO_ROOT } from './paths';
import { OrdererNode } from './topology';

/**
 * The parts of a real BFT channel config these functions read and edit (the 4 consenters of
 * topology-bft.json at port offset 35000, as configtxlator decoded them; certificates are public).
 */
const fixture = (): ChannelConfig => JSON.parse(readFileSync(join(REPO_ROOT, 'network', 'test-fixtures', 'bft-channel-config.json'), 'utf8')) as ChannelConfig;

/** An ordering node as the config functions see it: its endpoint. */
const nodeAt = (host: string, port: number): OrdererNode => ({ id: `node-${port}`, org: { host }, port }) as unknown as OrdererNode;

const auditor: Omit<BftConsenterJson, 'id'> = {
  host: '127.0.4.1', port: 42455, msp_id: 'AuditorMSP', identity: Buffer.from('auditor enrollment').toString('base64'),
  client_tls_cert: Buffer.from('auditor tls').toString('base64'), server_tls_cert: Buffer.from('auditor tls').toString('base64'),
};

describe('the SmartBFT consenters of a channel config', () => {
  test('the BlockValidation policy made from the consenter mapping is the one configtxgen made at founding', () => {
    const config = fixture();
    expect(bftConsenters(config).map((c) => `${c.id} ${c.msp_id}`)).toEqual(['1 DonorPlatformMSP', '2 DonorPlatformMSP', '3 NgoMSP', '4 NgoMSP']);
    expect(bftBlockValidation(bftConsenters(config))).toEqual(config.channel_group.groups.Orderer.policies.BlockValidation.policy.value);
  });

  test('the quorum is ceil((n + f + 1) / 2) with f = floor((n - 1) / 3), as Fabric computes it', () => {
    expect([1, 4, 5, 6, 7, 10].map((n) => [n, bftQuorum(n)])).toEqual([[1, 1], [4, 3], [5, 4], [6, 4], [7, 5], [10, 7]]);
  });

  test('adding a consenter gives it the next ID and puts its identity in a BlockValidation quorum of 4 of 5; the input is left alone', () => {
    const config = fixture();
    const before = JSON.stringify(config);

    const updated = withBftConsenter(config, auditor, unusedBftConsenterId(config, 4));

    expect(JSON.stringify(config)).toBe(before);
    expect(bftConsenters(updated).map((c) => c.id)).toEqual([1, 2, 3, 4, 5]);
    expect(bftConsenters(updated)[4]).toEqual({ id: 5, ...auditor });
    const policy = updated.channel_group.groups.Orderer.policies.BlockValidation.policy.value as {
      identities: { principal: { id_bytes: string; mspid: string } }[]; rule: { n_out_of: { n: number; rules: unknown[] } };
    };
    expect(policy.rule.n_out_of.n).toBe(4);
    expect(policy.rule.n_out_of.rules).toHaveLength(5);
    expect(policy.identities[4]?.principal).toEqual({ id_bytes: auditor.identity, mspid: 'AuditorMSP' });
    // The rest of the policy (its type, mod policy) stays as it was.
    expect(updated.channel_group.groups.Orderer.policies.BlockValidation.policy.type).toBe(1);
  });

  test('a new consenter never gets the ID of one that was removed: IDs grow with the config sequence', () => {
    // Founded with 4 (IDs 1-4); update 1 added the auditor as 5; update 2 took it out again.
    const added = { ...withBftConsenter(fixture(), auditor, 5), sequence: '1' };
    const removed = { ...withoutConsenter(added, nodeAt(auditor.host, auditor.port)), sequence: '2' };
    expect(bftConsenters(removed).map((c) => c.id)).toEqual([1, 2, 3, 4]);
    // The mapping forgot 5; the next ID is past every ID the channel could have given.
    expect(unusedBftConsenterId(removed, 4)).toBe(7);
    expect(unusedBftConsenterId(fixture(), 4)).toBe(5);
    // An ID in the mapping is refused.
    expect(() => withBftConsenter(fixture(), auditor, 4)).toThrow(/consenter ID 4 is taken/);
  });

  test('the next ID is above the highest in the mapping, whatever gaps a removal left', () => {
    const config = fixture();
    const [first] = bftConsenters(config);
    const withoutFirst = withoutBftConsenter(config, nodeAt(first!.host, first!.port));
    expect(bftConsenters(withBftConsenter(withoutFirst, auditor, unusedBftConsenterId(withoutFirst, 4))).map((c) => c.id)).toEqual([2, 3, 4, 5]);
  });

  test('a node that is a consenter already is not added twice', () => {
    const [first] = bftConsenters(fixture());
    expect(() => withBftConsenter(fixture(), { ...auditor, host: first!.host, port: first!.port }, 9)).toThrow(/is a BFT consenter already/);
  });

  test('removing the added consenter gives back the config it was added to', () => {
    const config = fixture();
    const removed = withoutConsenter(withBftConsenter(config, auditor, 5), nodeAt(auditor.host, auditor.port));
    expect(removed).toEqual(config);
    expect(consentersOf(removed)).toHaveLength(4);
  });
});

describe('a change of the SmartBFT consenters without a quorum', () => {
  test('is refused when a step has fewer running consenters than its quorum, and names that step', () => {
    // 4 consenters, all running, a 5th added: 4 of 4 then 5 of 5.
    expect(bftQuorumProblem([{ size: 4, live: 4 }, { size: 5, live: 5 }])).toBeUndefined();
    // One stopped: 3 of 4 (quorum 3), then 4 of 5 (quorum 4): still orders.
    expect(bftQuorumProblem([{ size: 4, live: 3 }, { size: 5, live: 4 }])).toBeUndefined();
    // Two stopped: the cluster cannot even order the update.
    expect(bftQuorumProblem([{ size: 4, live: 2 }, { size: 5, live: 3 }])).toBe('a cluster of 4 BFT consenters needs 3 running to order, and it would have 2');
    // 7 running of 7 keep 5 after the leaving org's 2 go: quorum 4 of 5 and the 6 before.
    expect(bftQuorumProblem([{ size: 7, live: 7 }, { size: 6, live: 6 }, { size: 5, live: 5 }])).toBeUndefined();
    expect(bftQuorumProblem([{ size: 7, live: 5 }, { size: 6, live: 4 }, { size: 5, live: 3 }])).toBe('a cluster of 5 BFT consenters needs 4 running to order, and it would have 3');
  });
});
