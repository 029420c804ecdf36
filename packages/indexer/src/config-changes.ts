// What a config block changed, in words an operator reads: "Application/AuditorMSP added",
// "Orderer/Values/ConsensusType modified". A config transaction carries the update it applied
// (ConfigEnvelope.last_update): its write set names what it writes at a higher version than its
// read set, and a group written at a higher version lists all its members, so a member of the
// read set missing from it was removed. The genesis block has no update: it is described by
// who is in the channel.
import { common, orderer } from '@hyperledger/fabric-protos';

/** The changes of a CONFIG transaction, from its payload data (a ConfigEnvelope). */
export function configChangesOf(payloadData: Uint8Array): string[] {
  const envelope = common.ConfigEnvelope.deserializeBinary(payloadData);
  const update = configUpdateOf(envelope);
  if (!update) return [describeChannel(envelope.getConfig()?.getChannelGroup())];
  const changes: string[] = [];
  diffGroup('', update.getReadSet(), update.getWriteSet() ?? new common.ConfigGroup(), changes);
  return changes.length > 0 ? changes : ['no change'];
}

function configUpdateOf(envelope: common.ConfigEnvelope): common.ConfigUpdate | undefined {
  const lastUpdate = envelope.getLastUpdate();
  if (!lastUpdate || lastUpdate.getPayload_asU8().length === 0) return undefined;
  const payload = common.Payload.deserializeBinary(lastUpdate.getPayload_asU8());
  const updateEnvelope = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
  return common.ConfigUpdate.deserializeBinary(updateEnvelope.getConfigUpdate_asU8());
}

function describeChannel(channel: common.ConfigGroup | undefined): string {
  const orgs = (section: string): string => [...(channel?.getGroupsMap().get(section)?.getGroupsMap().keys() ?? [])].sort().join(', ') || 'none';
  const consensus = channel?.getGroupsMap().get('Orderer')?.getValuesMap().get('ConsensusType');
  const type = consensus ? orderer.ConsensusType.deserializeBinary(consensus.getValue_asU8()).getType() : 'unknown';
  return `channel created: application orgs ${orgs('Application')}; ordering orgs ${orgs('Orderer')}; consensus ${type}`;
}

type Member = { getVersion(): number };

function diffGroup(path: string, read: common.ConfigGroup | undefined, write: common.ConfigGroup, changes: string[]): void {
  const rewritten = read !== undefined && write.getVersion() > read.getVersion();
  const kinds = [
    ['', (g: common.ConfigGroup) => g.getGroupsMap()],
    ['Values/', (g: common.ConfigGroup) => g.getValuesMap()],
    ['Policies/', (g: common.ConfigGroup) => g.getPoliciesMap()],
  ] as const;
  for (const [prefix, membersOf] of kinds) {
    const readMembers = read ? membersOf(read) : undefined;
    const writeMembers = membersOf(write);
    writeMembers.forEach((member: Member, name: string) => {
      const where = `${path}${prefix}${name}`;
      const before = readMembers?.get(name) as Member | undefined;
      if (!before) changes.push(`${where} added`);
      else if (prefix === '') diffGroup(`${where}/`, before as common.ConfigGroup, member as common.ConfigGroup, changes);
      else if (member.getVersion() > before.getVersion()) changes.push(`${where} modified`);
    });
    if (rewritten) {
      readMembers?.forEach((_member: Member, name: string) => {
        if (!writeMembers.has(name)) changes.push(`${path}${prefix}${name} removed`);
      });
    }
  }
}
