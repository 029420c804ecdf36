// Channel config updates as files that cross between sites. A config update (for example adding
// an org) needs the signatures of a MAJORITY of the members' admins; each member signs on its own
// site with its own admin key and sends back a signature file; whoever submits checks every file
// (a member's admin, chained to that member's CA in the channel config, over this very update)
// before Fabric sees it. Only these files and the update envelope travel; no key ever does.
import { createHash, verify, X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { common, msp } from '@hyperledger/fabric-protos';
import { applicationOrgs, ChannelConfig, decode, isConsenter, ordererOrgs, raftConsenters } from './channel-config';
import { log, retry } from './exec';
import { FabricBinaries } from './fabric-bin';
import { adminSigningEnv, ordererCliArgs, peerCli, peerSite } from './nodes';
import { RunPaths } from './paths';
import { ordererNodes, PeerOrgConfig, SiteConfig, Topology } from './topology';

export const SIGNATURE_FORMAT = 'donation-ledger/config-signature@1';

/** One member admin's signature of one config update, as a site sends it. */
export interface SignatureFile {
  readonly format: typeof SIGNATURE_FORMAT;
  readonly channel: string;
  /** The signer's MSP ID as the signature header names it. */
  readonly mspId: string;
  /** Hex SHA-256 of the config update it signs. */
  readonly update: string;
  /** The ConfigSignature's signature header and signature, base64. */
  readonly signatureHeader: string;
  readonly signature: string;
}

/** A config update file is refused before anything changes: malformed, foreign, forged or not a member's admin. */
export class ConfigUpdateRefusal extends Error {}

interface UpdateEnvelope {
  readonly channel: string;
  readonly configUpdate: Uint8Array;
  readonly signatures: readonly common.ConfigSignature[];
}

/** Reads a config update envelope (as `config-update create` or `peer channel signconfigtx` write it). */
export function readUpdateEnvelope(file: string): UpdateEnvelope {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new ConfigUpdateRefusal(`cannot read the config update ${file}: ${(err as Error).message}`);
  }
  try {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
    const header = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array());
    if (header.getType() !== common.HeaderType.CONFIG_UPDATE) throw new Error(`its header type is ${header.getType()}, not CONFIG_UPDATE`);
    const envelope = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
    const configUpdate = envelope.getConfigUpdate_asU8();
    if (configUpdate.length === 0) throw new Error('it carries no config update');
    return { channel: header.getChannelId(), configUpdate, signatures: envelope.getSignaturesList() };
  } catch (err) {
    throw new ConfigUpdateRefusal(`${file} is not a config update envelope: ${(err as Error).message}`);
  }
}

const updateHash = (update: Uint8Array): string => createHash('sha256').update(update).digest('hex');

function signatureFileOf(channel: string, update: Uint8Array, signature: common.ConfigSignature): SignatureFile {
  const header = common.SignatureHeader.deserializeBinary(signature.getSignatureHeader_asU8());
  const creator = msp.SerializedIdentity.deserializeBinary(header.getCreator_asU8());
  return {
    format: SIGNATURE_FORMAT, channel, mspId: creator.getMspid(), update: updateHash(update),
    signatureHeader: Buffer.from(signature.getSignatureHeader_asU8()).toString('base64'),
    signature: Buffer.from(signature.getSignature_asU8()).toString('base64'),
  };
}

/**
 * Signs the update as `org`'s admin (on that org's site: `peer channel signconfigtx` with the
 * org's admin MSP) and returns the signature alone, for the file that travels back.
 */
export function signUpdate(bins: FabricBinaries, paths: RunPaths, org: SiteConfig, envelopeFile: string, workDir: string): SignatureFile {
  const before = readUpdateEnvelope(envelopeFile);
  // The envelope goes to the org's site; its user signs it there with the admin key only it reads.
  const site = peerSite(bins, paths, org);
  const scratch = site.give(envelopeFile, 'signing.pb');
  try {
    site.run(bins.path('peer'), ['channel', 'signconfigtx', '-f', scratch], { env: adminSigningEnv(bins, paths, org), step: `sign the config update as ${org.mspId}'s admin` });
    copyFileSync(scratch, join(workDir, `signing-${org.name}.pb`));
  } finally {
    rmSync(scratch, { force: true });
  }
  const added = readUpdateEnvelope(join(workDir, `signing-${org.name}.pb`)).signatures.slice(before.signatures.length);
  const signature = added[0];
  if (added.length !== 1 || !signature) throw new Error(`peer channel signconfigtx added ${added.length} signatures, expected 1`);
  return signatureFileOf(before.channel, before.configUpdate, signature);
}

/** What a member checks before signing: the channel, the signatures it already has, and the change itself (decoded). */
export function inspectUpdate(bins: FabricBinaries, envelopeFile: string, workDir: string): Record<string, unknown> {
  const update = readUpdateEnvelope(envelopeFile);
  const raw = join(workDir, 'config-update.pb');
  writeFileSync(raw, update.configUpdate);
  return {
    channel: update.channel,
    update: updateHash(update.configUpdate),
    signedBy: update.signatures.map((s) => signatureFileOf(update.channel, update.configUpdate, s).mspId),
    configUpdate: JSON.parse(decode(bins, raw, 'common.ConfigUpdate', 'decode the config update')) as unknown,
  };
}

/** Reads a signature file another site sent, refusing anything but the format written above. */
export function readSignatureFile(file: string): SignatureFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigUpdateRefusal(`cannot read the signature file ${file}: ${(err as Error).message}`);
  }
  const s = raw as Partial<Record<keyof SignatureFile, unknown>>;
  const text = (key: keyof SignatureFile): string => {
    const value = s[key];
    if (typeof value !== 'string' || value === '') throw new ConfigUpdateRefusal(`${file}: ${key} must be a non-empty string`);
    return value;
  };
  if (s.format !== SIGNATURE_FORMAT) throw new ConfigUpdateRefusal(`${file}: not a signature file (format must be "${SIGNATURE_FORMAT}")`);
  return {
    format: SIGNATURE_FORMAT, channel: text('channel'), mspId: text('mspId'), update: text('update'),
    signatureHeader: text('signatureHeader'), signature: text('signature'),
  };
}

/**
 * Checks a signature against the update and the channel's members (from its current config):
 * the same channel and update, a signer that is a member, whose certificate its CA issued and
 * names an admin, and a signature that verifies. Returns the signer's MSP ID.
 */
export function checkSignature(file: SignatureFile, update: UpdateEnvelope, config: ChannelConfig): string {
  const who = `the signature of ${file.mspId}`;
  if (file.channel !== update.channel) throw new ConfigUpdateRefusal(`${who} is for channel ${file.channel}, not ${update.channel}`);
  if (file.update !== updateHash(update.configUpdate)) throw new ConfigUpdateRefusal(`${who} is for another config update (${file.update.slice(0, 12)}…)`);
  const headerBytes = Buffer.from(file.signatureHeader, 'base64');
  let creator: msp.SerializedIdentity;
  let certificate: X509Certificate;
  try {
    creator = msp.SerializedIdentity.deserializeBinary(common.SignatureHeader.deserializeBinary(headerBytes).getCreator_asU8());
    certificate = new X509Certificate(Buffer.from(creator.getIdBytes_asU8()));
  } catch (err) {
    throw new ConfigUpdateRefusal(`${who} has no readable signer certificate: ${(err as Error).message}`);
  }
  const mspId = creator.getMspid();
  if (mspId !== file.mspId) throw new ConfigUpdateRefusal(`${who} was made by ${mspId}`);
  const roots = memberRoots(config, mspId);
  if (!roots) throw new ConfigUpdateRefusal(`${who}: ${mspId} is not a member of channel ${update.channel} (members: ${signingOrgs(config).join(', ')})`);
  if (!roots.some((root) => certificate.checkIssued(root) && certificate.verify(root.publicKey))) {
    throw new ConfigUpdateRefusal(`${who}: its certificate was not issued by ${mspId}'s CA`);
  }
  if (!certificate.subject.split('\n').includes('OU=admin')) throw new ConfigUpdateRefusal(`${who}: its signer (${certificate.subject.replace(/\n/g, ', ')}) is not an admin`);
  const signed = Buffer.concat([headerBytes, update.configUpdate]);
  if (!verify('sha256', signed, certificate.publicKey, Buffer.from(file.signature, 'base64'))) {
    throw new ConfigUpdateRefusal(`${who} does not verify: it was changed, or made over other bytes`);
  }
  return mspId;
}

/**
 * The orgs whose admins may sign the channel's config updates: the Application group's members,
 * and an orderer-only org of the Orderer group (changes to the ordering service need its admins).
 */
const signingOrgs = (config: ChannelConfig): string[] => [...new Set([...applicationOrgs(config), ...ordererOrgs(config)])];

/** The CA root certificates of a signing org (see signingOrgs) in a decoded channel config; undefined for any other. */
function memberRoots(config: ChannelConfig, mspId: string): X509Certificate[] | undefined {
  type OrgGroup = { values?: { MSP?: { value?: { config?: { root_certs?: string[] } } } } } | undefined;
  const { Application, Orderer } = config.channel_group.groups;
  const group = (Application.groups[mspId] ?? Orderer.groups[mspId]) as OrgGroup;
  const roots = group?.values?.MSP?.value?.config?.root_certs;
  return roots?.map((pem) => new X509Certificate(Buffer.from(pem, 'base64')));
}

/** Writes the envelope with the checked signatures added (one per org; ones already in it are kept). */
function withSignatures(envelopeFile: string, signatures: readonly SignatureFile[], out: string): void {
  const envelope = common.Envelope.deserializeBinary(readFileSync(envelopeFile));
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const update = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
  for (const file of signatures) {
    const signature = new common.ConfigSignature();
    signature.setSignatureHeader(Buffer.from(file.signatureHeader, 'base64'));
    signature.setSignature(Buffer.from(file.signature, 'base64'));
    update.addSignatures(signature);
  }
  payload.setData(update.serializeBinary());
  envelope.setPayload(payload.serializeBinary());
  writeFileSync(out, envelope.serializeBinary());
}

/**
 * Submits the update as `submitter`'s admin (which signs it too) with the other members'
 * signature files, each checked first: a bad file is refused, naming it, before Fabric sees
 * anything. Whether the signatures are enough is Fabric's to decide (the channel's policies).
 */
export async function submitUpdate(
  bins: FabricBinaries, t: Topology, paths: RunPaths, submitter: PeerOrgConfig,
  update: { envelopeFile: string; signatures: readonly SignatureFile[]; config: ChannelConfig; what: string; workDir: string },
): Promise<void> {
  const envelope = readUpdateEnvelope(update.envelopeFile);
  if (envelope.channel !== t.channel) throw new ConfigUpdateRefusal(`${update.envelopeFile} updates channel ${envelope.channel}, not ${t.channel}`);
  const signers = update.signatures.map((s) => checkSignature(s, envelope, update.config));
  const twice = signers.find((m, i) => signers.indexOf(m) !== i);
  if (twice) throw new ConfigUpdateRefusal(`two signatures of ${twice}: each member signs once`);
  const signed = join(update.workDir, 'signed-envelope.pb');
  withSignatures(update.envelopeFile, update.signatures, signed);
  // A Raft cluster that is electing a leader refuses the update for a moment: retry briefly, but
  // not a refusal by the channel's policies, which no retry changes.
  // An ordering node the config no longer names as a Raft consenter (taken out by the previous
  // step of a removal) can hold the update without an answer until the CLI's connection is
  // dropped (seen in CI: 40 s, then "too_many_pings"): the update goes to the consenters.
  const consenting = ordererNodes(t).filter((n) => raftConsenters(update.config).some((c) => isConsenter(c, n)));
  const orderers = consenting.length > 0 ? consenting : ordererNodes(t);
  let attempt = 0; // each attempt goes to the next orderer
  await peerSite(bins, paths, submitter).lend(signed, (given) => retry(30_000, 2000, () =>
    peerCli(bins, t, paths, submitter, ['channel', 'update', '-f', given, '-c', t.channel, ...ordererCliArgs(t, paths, submitter, attempt++, orderers)],
      `submit the config update (${update.what}) as ${submitter.mspId}'s admin`), (err) => !/policy|signature set did not satisfy/i.test((err as Error).message)));
  log(`${submitter.mspId}'s admin submitted the config update (${update.what}) with the signatures of ${[...signers, submitter.mspId].join(', ')}`);
}
