// Member orgs joining and leaving a subset channel (the topology's `channels`). Only orgs of the
// consortium (members of the main channel, whose sites, peers and chaincode servers already run)
// join one: a config update of that channel signed by a MAJORITY of its members' admins, then the
// org's peers join it, catch up, and approve its chaincode definition with the packages they
// already run. An org joins with its peers only: the channel's ordering nodes stay those of the
// members that order it (`orderedBy`), so the ordering is not changed by a join or a leave.
import { rmSync } from 'node:fs';
import { deployChaincode } from './chaincode';
import { applicationOrgs, fetchChannelConfig, orgConfigGroup } from './channel-config';
import { joinPeers } from './channel';
import { log } from './exec';
import { ensureFabricBinaries } from './fabric-bin';
import { loadEffectiveTopology, recordSubsetChannelMember } from './members';
import { applyChange, ConfigChange, firstMember, MembershipError, NetworkLocation, SignedUpdate, waitForCatchUp } from './membership';
import { waitForGossip } from './network';
import { writeSiteProfiles } from './profiles';
import { channelNames, channelView, PeerOrgConfig, Topology } from './topology';

/** The consortium (the main channel, with governance's changes) and the subset channel `at.channel` names. */
export function subsetChannelOf(at: NetworkLocation): { main: Topology; channel: Topology } {
  const main = loadEffectiveTopology(at.topologyFile, at.paths, at.portOffset);
  const name = at.channel ?? main.channel;
  if (name === main.channel) {
    throw new MembershipError(`${name} is the main channel: orgs join it by invitation ("org add", "governance propose-invite"), with a site of their own`);
  }
  if (!main.channels.some((c) => c.name === name)) throw new MembershipError(`unknown channel "${name}"; the topology has: ${channelNames(main).join(', ')}`);
  return { main, channel: channelView(main, name) };
}

/** A member of the consortium by name or MSP ID, or a refusal naming the members. */
function consortiumMember(main: Topology, nameOrMspId: string): PeerOrgConfig {
  const org = main.orgs.find((o) => o.name === nameOrMspId || o.mspId === nameOrMspId);
  if (!org) {
    throw new MembershipError(`"${nameOrMspId}" is not a member of the consortium (channel ${main.channel}: ${main.orgs.map((o) => o.mspId).join(', ')}); ` +
      'an org joins a subset channel after it has joined the main one');
  }
  return org;
}

/**
 * Adds a member of the consortium to the subset channel `at.channel`: the config update (unless
 * the channel's config has it already), then its peers joined from the channel's genesis block,
 * caught up, and its approval of the channel's chaincode definition; every member's profile of
 * the channel is written again (the joining org gets its own).
 */
export async function joinSubsetChannel(at: NetworkLocation, nameOrMspId: string, signed?: SignedUpdate): Promise<Topology> {
  const started = Date.now();
  const bins = ensureFabricBinaries(at.paths.binDirFile);
  const { main, channel } = subsetChannelOf(at);
  const org = consortiumMember(main, nameOrMspId);
  const workDir = at.paths.configUpdate(`join-${channel.channel}-${org.name}-${Date.now()}`);
  const config = fetchChannelConfig(bins, channel, at.paths, firstMember(channel), workDir);
  const inConfig = applicationOrgs(config);
  if (inConfig.includes(org.mspId)) {
    log(`${org.mspId} is in the config of channel ${channel.channel} already; going on with its peers`);
  } else {
    const updated = structuredClone(config);
    updated.channel_group.groups.Application.groups[org.mspId] = orgConfigGroup(bins, main, at.paths, org, workDir);
    const change: ConfigChange = { original: config, updated, majorities: [inConfig], what: `add ${org.mspId} to channel ${channel.channel}`, final: true };
    const signers = await applyChange(bins, at, channel, change, [], signed, workDir);
    log(`${org.mspId} is a member of channel ${channel.channel} (signed by ${signers})`);
  }
  recordSubsetChannelMember(at.paths, channel.channel, org.name, 'joined');
  const after = subsetChannelOf(at);
  const joined = after.channel.orgs.find((o) => o.name === org.name) ?? org;
  await joinPeers(bins, after.channel, at.paths, [joined]);
  await waitForCatchUp(bins, after.channel, at.paths, joined);
  await waitForGossip(after.channel);
  // The packages the org's peers run for the main channel serve this channel too.
  const packages = await deployChaincode(bins, after.main, at.paths, { keepCommitted: true });
  await deployChaincode(bins, after.channel, at.paths, { keepCommitted: true, packages });
  writeSiteProfiles(after.main, at.paths);
  log(`${org.name} (${org.mspId}) joined channel ${channel.channel} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return after.channel;
}

/**
 * Takes a member out of the subset channel `at.channel` (a config update signed by a MAJORITY of
 * its members' admins, the others first). Its peers keep the blocks they have; the channel's
 * peers and ordering nodes refuse it from then on. An org whose ordering nodes order the channel
 * cannot leave it here (that would change the channel's consenters).
 */
export async function leaveSubsetChannel(at: NetworkLocation, nameOrMspId: string, signed?: SignedUpdate): Promise<Topology> {
  const started = Date.now();
  const bins = ensureFabricBinaries(at.paths.binDirFile);
  const { channel } = subsetChannelOf(at);
  const org = channel.orgs.find((o) => o.name === nameOrMspId || o.mspId === nameOrMspId);
  if (!org) throw new MembershipError(`"${nameOrMspId}" is not a member of channel ${channel.channel}; its members are: ${channel.orgs.map((o) => o.mspId).join(', ')}`);
  if (org.orderers.length > 0) {
    throw new MembershipError(`${org.mspId} orders channel ${channel.channel} (${org.orderers.map((n) => `${n.name}.${org.name}`).join(', ')}); ` +
      'these scripts do not change a subset channel\'s ordering nodes, so it cannot leave it');
  }
  if (channel.orgs.length === 1) throw new MembershipError(`${org.mspId} is the last member of channel ${channel.channel}`);
  const remaining: Topology = { ...channel, orgs: channel.orgs.filter((o) => o !== org) };
  const workDir = at.paths.configUpdate(`leave-${channel.channel}-${org.name}-${Date.now()}`);
  const config = fetchChannelConfig(bins, remaining, at.paths, firstMember(remaining), workDir);
  const inConfig = applicationOrgs(config);
  if (!inConfig.includes(org.mspId)) {
    log(`${org.mspId} is not in the config of channel ${channel.channel} any more`);
  } else {
    const updated = structuredClone(config);
    delete updated.channel_group.groups.Application.groups[org.mspId];
    const change: ConfigChange = { original: config, updated, majorities: [inConfig], what: `remove ${org.mspId} from channel ${channel.channel}`, final: true };
    const signers = await applyChange(bins, at, channel, change, [org], signed, workDir);
    log(`${org.mspId} is no longer a member of channel ${channel.channel} (signed by ${signers})`);
  }
  recordSubsetChannelMember(at.paths, channel.channel, org.name, 'left');
  rmSync(at.paths.profile(org.name, channel.channel), { force: true });
  const after = subsetChannelOf(at);
  writeSiteProfiles(after.main, at.paths);
  log(`${org.name} (${org.mspId}) left channel ${channel.channel} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return after.channel;
}
