import { common, orderer } from '@hyperledger/fabric-protos';
import { configChangesOf } from './config-changes';

/** Builds a message with setters (the protos' typings say setters return nothing). */
function make<T>(message: T, set: (m: T) => void): T {
  set(message);
  return message;
}

/** A config group at `version` holding sub-groups, values and policies (by name and version). */
function group(version: number, members: { groups?: Record<string, common.ConfigGroup>; values?: Record<string, number>; policies?: Record<string, number> } = {}): common.ConfigGroup {
  const g = new common.ConfigGroup();
  g.setVersion(version);
  for (const [name, sub] of Object.entries(members.groups ?? {})) g.getGroupsMap().set(name, sub);
  for (const [name, v] of Object.entries(members.values ?? {})) g.getValuesMap().set(name, make(new common.ConfigValue(), (m) => m.setVersion(v)));
  for (const [name, v] of Object.entries(members.policies ?? {})) g.getPoliciesMap().set(name, make(new common.ConfigPolicy(), (m) => m.setVersion(v)));
  return g;
}

/** The payload data of a config transaction that applied the update read -> write. */
function configPayload(read: common.ConfigGroup, write: common.ConfigGroup): Uint8Array {
  const update = make(new common.ConfigUpdate(), (m) => {
    m.setChannelId('donations');
    m.setReadSet(read);
    m.setWriteSet(write);
  });
  const updateEnvelope = make(new common.ConfigUpdateEnvelope(), (m) => m.setConfigUpdate(update.serializeBinary()));
  const payload = make(new common.Payload(), (m) => m.setData(updateEnvelope.serializeBinary()));
  const lastUpdate = make(new common.Envelope(), (m) => m.setPayload(payload.serializeBinary()));
  return make(new common.ConfigEnvelope(), (m) => {
    m.setConfig(make(new common.Config(), (c) => c.setChannelGroup(new common.ConfigGroup())));
    m.setLastUpdate(lastUpdate);
  }).serializeBinary();
}

describe('what a config block changed', () => {
  test('an org added to the application group is named, and members written at their old version are not', () => {
    const read = group(0, { groups: { Application: group(1, { groups: { NgoMSP: group(0), DonorPlatformMSP: group(0) }, policies: { Admins: 0 } }) } });
    const write = group(0, { groups: { Application: group(2, { groups: { NgoMSP: group(0), DonorPlatformMSP: group(0), AuditorMSP: group(0) }, policies: { Admins: 0 } }) } });
    expect(configChangesOf(configPayload(read, write))).toEqual(['Application/AuditorMSP added']);
  });

  test('an org left out of a rewritten group was removed', () => {
    const read = group(0, { groups: { Application: group(2, { groups: { NgoMSP: group(0), DonorPlatformMSP: group(0), AuditorMSP: group(0) } }) } });
    const write = group(0, { groups: { Application: group(3, { groups: { NgoMSP: group(0), DonorPlatformMSP: group(0) } }) } });
    expect(configChangesOf(configPayload(read, write))).toEqual(['Application/AuditorMSP removed']);
  });

  test('values and policies written at a higher version are modified', () => {
    const read = group(0, { groups: { Orderer: group(0, { values: { ConsensusType: 3, BatchSize: 0 }, policies: { BlockValidation: 0 } }) } });
    const write = group(0, { groups: { Orderer: group(0, { values: { ConsensusType: 4, BatchSize: 0 }, policies: { BlockValidation: 1 } }) } });
    expect(configChangesOf(configPayload(read, write))).toEqual(['Orderer/Values/ConsensusType modified', 'Orderer/Policies/BlockValidation modified']);
  });

  test('the genesis block, which has no update, is described by who is in the channel', () => {
    const consensus = make(new common.ConfigValue(), (m) => m.setValue(make(new orderer.ConsensusType(), (c) => c.setType('etcdraft')).serializeBinary()));
    const channel = group(0, { groups: { Application: group(0, { groups: { NgoMSP: group(0), DonorPlatformMSP: group(0) } }), Orderer: group(0, { groups: { OrdererMSP: group(0) } }) } });
    channel.getGroupsMap().get('Orderer')!.getValuesMap().set('ConsensusType', consensus);
    const genesis = make(new common.ConfigEnvelope(), (m) => m.setConfig(make(new common.Config(), (c) => c.setChannelGroup(channel)))).serializeBinary();
    expect(configChangesOf(genesis)).toEqual(['channel created: application orgs DonorPlatformMSP, NgoMSP; ordering orgs OrdererMSP; consensus etcdraft']);
  });
});
