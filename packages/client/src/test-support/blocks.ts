// Test fixtures for block signatures: certificates made with openssl (Node can sign but cannot
// issue certificates), channel configurations and blocks built from Fabric's protos, and the
// ways a block can be tampered with. Used by unit tests and by the integration tamper tests.
import { common, msp, orderer } from '@hyperledger/fabric-protos';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, KeyObject, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockHeaderDer } from '@donation-ledger/receipt';

export interface Credential {
  readonly mspId: string;
  readonly certificate: string;
  readonly key: KeyObject;
}

/** A throw-away PKI in a temporary folder; remove() deletes it. */
export class TestPki {
  private readonly dir = mkdtempSync(join(tmpdir(), 'ledger-pki-'));
  private serial = 0;

  /** A self-signed CA certificate and key. */
  ca(name: string): { certificate: string; keyFile: string; certFile: string } {
    const keyFile = join(this.dir, `${name}.key`);
    const certFile = join(this.dir, `${name}.crt`);
    this.openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile,
      '-subj', `/O=${name}/CN=ca.${name}`, '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,digitalSignature']);
    return { certificate: readFileSync(certFile, 'utf8'), keyFile, certFile };
  }

  /** A leaf certificate issued by `ca`, with the NodeOU `ou` (orderer, admin, peer, client). */
  issue(ca: { keyFile: string; certFile: string }, mspId: string, commonName: string, ou: string): Credential {
    const id = `leaf-${++this.serial}`;
    const keyFile = join(this.dir, `${id}.key`);
    const csr = join(this.dir, `${id}.csr`);
    const cert = join(this.dir, `${id}.crt`);
    const ext = join(this.dir, `${id}.ext`);
    writeFileSync(ext, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n');
    this.openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', `/OU=${ou}/CN=${commonName}`]);
    this.openssl(['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial', String(1000 + this.serial), '-days', '30', '-out', cert, '-extfile', ext]);
    return { mspId, certificate: readFileSync(cert, 'utf8'), key: createPrivateKey(readFileSync(keyFile)) };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private openssl(args: string[]): void {
    execFileSync('openssl', args, { stdio: 'pipe' });
  }
}

export interface TestConsenter {
  readonly id: number;
  readonly credential: Credential;
}

export interface ChannelSpec {
  readonly ordererMspId: string;
  readonly rootCertificates: readonly string[];
  /**
   * Member orgs that run ordering nodes besides `ordererMspId`: each in the Orderer group and the
   * Application group (one MSP in both, as configtxgen writes it); Raft: OR over every one's orderer role.
   */
  readonly memberOrderers?: readonly { readonly mspId: string; readonly rootCertificates: readonly string[] }[];
  /** BFT: consenters by ID, V3_0 capability and a quorum policy over their identities. Raft: OR('<msp>.orderer'). */
  readonly bft?: readonly TestConsenter[];
}

/** A config block holding a channel configuration as configtxgen writes it (the parts verification reads). */
export function configBlock(number: number, spec: ChannelSpec): common.Block {
  const channelGroup = new common.ConfigGroup();
  const capabilities = new common.Capabilities();
  if (spec.bft) capabilities.getCapabilitiesMap().set('V3_0', new common.Capability());
  channelGroup.getValuesMap().set('Capabilities', configValue(capabilities.serializeBinary()));

  const ordererGroup = new common.ConfigGroup();
  const consensus = new orderer.ConsensusType();
  consensus.setType(spec.bft ? 'BFT' : 'etcdraft');
  ordererGroup.getValuesMap().set('ConsensusType', configValue(consensus.serializeBinary()));
  const envelope = new common.SignaturePolicyEnvelope();
  if (spec.bft) {
    const orderers = new common.Orderers();
    orderers.setConsenterMappingList(spec.bft.map((c) => {
      const consenter = new common.Consenter();
      consenter.setId(c.id);
      consenter.setMspId(c.credential.mspId);
      consenter.setIdentity(Buffer.from(c.credential.certificate));
      return consenter;
    }));
    ordererGroup.getValuesMap().set('Orderers', configValue(orderers.serializeBinary()));
    const n = spec.bft.length;
    const f = Math.floor((n - 1) / 3);
    envelope.setIdentitiesList(spec.bft.map((c) => identityPrincipal(c.credential)));
    envelope.setRule(nOutOf(Math.ceil((n + f + 1) / 2), spec.bft.map((_, i) => signedBy(i))));
  } else {
    const mspIds = [spec.ordererMspId, ...(spec.memberOrderers ?? []).map((o) => o.mspId)];
    envelope.setIdentitiesList(mspIds.map((mspId) => {
      const role = new msp.MSPRole();
      role.setMspIdentifier(mspId);
      role.setRole(msp.MSPRole.MSPRoleType.ORDERER);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(role.serializeBinary());
      return principal;
    }));
    envelope.setRule(nOutOf(1, mspIds.map((_, i) => signedBy(i))));
  }
  const policy = new common.Policy();
  policy.setType(common.Policy.PolicyType.SIGNATURE);
  policy.setValue(envelope.serializeBinary());
  const configPolicy = new common.ConfigPolicy();
  configPolicy.setPolicy(policy);
  ordererGroup.getPoliciesMap().set('BlockValidation', configPolicy);

  ordererGroup.getGroupsMap().set(spec.ordererMspId, mspGroup(spec.ordererMspId, spec.rootCertificates));
  if (spec.memberOrderers) {
    const applicationGroup = new common.ConfigGroup();
    for (const org of spec.memberOrderers) {
      ordererGroup.getGroupsMap().set(org.mspId, mspGroup(org.mspId, org.rootCertificates));
      applicationGroup.getGroupsMap().set(org.mspId, mspGroup(org.mspId, org.rootCertificates));
    }
    channelGroup.getGroupsMap().set('Application', applicationGroup);
  }
  channelGroup.getGroupsMap().set('Orderer', ordererGroup);

  const config = new common.Config();
  config.setChannelGroup(channelGroup);
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setChannelId('test');
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const env = new common.Envelope();
  env.setPayload(payload.serializeBinary());
  return block(number, [env.serializeBinary()], number);
}

/**
 * An unsigned block with these envelopes and made-up hashes; its signature metadata names
 * `lastConfig` as the last config block, as an orderer's does.
 */
export function block(number: number, envelopes: readonly Uint8Array[] = [randomBytes(64)], lastConfig = 0): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(randomBytes(32));
  header.setDataHash(randomBytes(32));
  const data = new common.BlockData();
  data.setDataList([...envelopes]);
  const result = new common.Block();
  result.setHeader(header);
  result.setData(data);
  const last = new common.LastConfig();
  last.setIndex(lastConfig);
  const ordererMetadata = new common.OrdererBlockMetadata();
  ordererMetadata.setLastConfig(last);
  const signatures = new common.Metadata();
  signatures.setValue(ordererMetadata.serializeBinary());
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([signatures.serializeBinary(), new Uint8Array(), new Uint8Array(envelopes.length), new Uint8Array(), new Uint8Array()]);
  result.setMetadata(metadata);
  return result;
}

/**
 * Replaces the block's orderer signatures with signatures by `signers`, made as an orderer makes
 * them: over metadata value || header || DER(block header). A signer with a consenter ID signs
 * with an IdentifierHeader (BFT); otherwise with a SignatureHeader naming its certificate.
 */
export function signBlock(target: common.Block, signers: readonly (Credential & { consenterId?: number })[]): void {
  const list: Uint8Array[] = target.getMetadata()!.getMetadataList_asU8().map((m) => Uint8Array.from(m));
  const metadata = list[common.BlockMetadataIndex.SIGNATURES]?.length ? common.Metadata.deserializeBinary(list[common.BlockMetadataIndex.SIGNATURES]!) : new common.Metadata();
  const value = metadata.getValue_asU8();
  const header = target.getHeader()!;
  const headerBytes = blockHeaderDer(header.getNumber(), header.getPreviousHash_asU8(), header.getDataHash_asU8());
  metadata.setSignaturesList(signers.map((signer) => {
    const signature = new common.MetadataSignature();
    let signedHeader: Uint8Array;
    if (signer.consenterId !== undefined) {
      const identifier = new common.IdentifierHeader();
      identifier.setIdentifier(signer.consenterId);
      identifier.setNonce(randomBytes(24));
      signedHeader = identifier.serializeBinary();
      signature.setIdentifierHeader(signedHeader);
    } else {
      const creator = new msp.SerializedIdentity();
      creator.setMspid(signer.mspId);
      creator.setIdBytes(Buffer.from(signer.certificate));
      const signatureHeader = new common.SignatureHeader();
      signatureHeader.setCreator(creator.serializeBinary());
      signatureHeader.setNonce(randomBytes(24));
      signedHeader = signatureHeader.serializeBinary();
      signature.setSignatureHeader(signedHeader);
    }
    signature.setSignature(sign('sha256', Buffer.concat([value, signedHeader, headerBytes]), signer.key));
    return signature;
  }));
  list[common.BlockMetadataIndex.SIGNATURES] = metadata.serializeBinary();
  target.getMetadata()!.setMetadataList(list);
}

/** Removes the orderer signatures at these positions. */
export function dropSignatures(target: common.Block, keep: (index: number) => boolean): number {
  const list: Uint8Array[] = target.getMetadata()!.getMetadataList_asU8().map((m) => Uint8Array.from(m));
  const metadata = common.Metadata.deserializeBinary(list[common.BlockMetadataIndex.SIGNATURES]!);
  const before = metadata.getSignaturesList();
  metadata.setSignaturesList(before.filter((_, i) => keep(i)));
  list[common.BlockMetadataIndex.SIGNATURES] = metadata.serializeBinary();
  target.getMetadata()!.setMetadataList(list);
  return before.length;
}

/** The number of orderer signatures a block carries. */
export function signatureCount(target: common.Block): number {
  const raw = target.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES];
  return raw?.length ? common.Metadata.deserializeBinary(raw).getSignaturesList().length : 0;
}

/** Sets transaction `index`'s validation code (metadata TRANSACTIONS_FILTER), which no hash covers. */
export function setValidationCode(target: common.Block, index: number, code: number): void {
  const list = target.getMetadata()!.getMetadataList_asU8().map((m) => Uint8Array.from(m));
  const flags = list[common.BlockMetadataIndex.TRANSACTIONS_FILTER]!;
  flags[index] = code;
  target.getMetadata()!.setMetadataList(list);
}

/** An org's config group holding its MSP (NodeOUs enabled: orderer, admin, peer, client). */
function mspGroup(mspId: string, rootCertificates: readonly string[]): common.ConfigGroup {
  const fabricMsp = new msp.FabricMSPConfig();
  fabricMsp.setName(mspId);
  fabricMsp.setRootCertsList(rootCertificates.map((c) => Buffer.from(c)));
  const ous = new msp.FabricNodeOUs();
  ous.setEnable(true);
  for (const [set, ou] of [[ous.setOrdererOuIdentifier.bind(ous), 'orderer'], [ous.setAdminOuIdentifier.bind(ous), 'admin'], [ous.setPeerOuIdentifier.bind(ous), 'peer'], [ous.setClientOuIdentifier.bind(ous), 'client']] as const) {
    const id = new msp.FabricOUIdentifier();
    id.setOrganizationalUnitIdentifier(ou);
    set(id);
  }
  fabricMsp.setFabricNodeOus(ous);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setType(0);
  mspConfig.setConfig(fabricMsp.serializeBinary());
  const org = new common.ConfigGroup();
  org.getValuesMap().set('MSP', configValue(mspConfig.serializeBinary()));
  return org;
}

function configValue(bytes: Uint8Array): common.ConfigValue {
  const value = new common.ConfigValue();
  value.setValue(bytes);
  return value;
}

function identityPrincipal(credential: Credential): msp.MSPPrincipal {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(credential.mspId);
  identity.setIdBytes(Buffer.from(credential.certificate));
  const principal = new msp.MSPPrincipal();
  principal.setPrincipalClassification(msp.MSPPrincipal.Classification.IDENTITY);
  principal.setPrincipal(identity.serializeBinary());
  return principal;
}

function signedBy(index: number): common.SignaturePolicy {
  const rule = new common.SignaturePolicy();
  rule.setSignedBy(index);
  return rule;
}

function nOutOf(n: number, rules: common.SignaturePolicy[]): common.SignaturePolicy {
  const nested = new common.SignaturePolicy.NOutOf();
  nested.setN(n);
  nested.setRulesList(rules);
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(nested);
  return rule;
}
