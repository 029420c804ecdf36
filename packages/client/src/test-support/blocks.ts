// Test fixtures for block signatures: throw-away certificates (DER written here, signed with
// node:crypto, no openssl process: Node can sign but has no API to issue certificates), channel
// configurations and blocks built from Fabric's protos, and the ways a block can be tampered
// with. Used by unit tests and by the integration tamper tests.
import { common, msp, orderer } from '@hyperledger/fabric-protos';
import { generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';
import { blockHeaderDer } from '@donation-ledger/receipt';

export interface Credential {
  readonly mspId: string;
  readonly certificate: string;
  readonly key: KeyObject;
}

export interface TestCa {
  readonly certificate: string;
  readonly key: KeyObject;
  /** Its subject's DER: the issuer of what it signs. */
  readonly name: Buffer;
}

/** A throw-away PKI in memory: P-256 keys, ECDSA-SHA256 certificates valid for 30 days. */
export class TestPki {
  private serial = 0;

  /** A self-signed CA certificate and key. */
  ca(name: string): TestCa {
    const subject = x509Name([[OID.organization, name], [OID.commonName, `ca.${name}`]]);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const extensions = [extension(OID.basicConstraints, der(0x30, der(0x01, Buffer.from([0xff])))), extension(OID.keyUsage, keyUsage(KEY_CERT_SIGN | DIGITAL_SIGNATURE))];
    const certificate = this.certificate(subject, { name: subject, key: privateKey }, publicKey, extensions);
    return { certificate, key: privateKey, name: subject };
  }

  /** A leaf certificate issued by `ca`, with the NodeOU `ou` (orderer, admin, peer, client). */
  issue(ca: TestCa, mspId: string, commonName: string, ou: string): Credential {
    const subject = x509Name([[OID.organizationalUnit, ou], [OID.commonName, commonName]]);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const extensions = [extension(OID.basicConstraints, der(0x30)), extension(OID.keyUsage, keyUsage(DIGITAL_SIGNATURE))];
    return { mspId, certificate: this.certificate(subject, ca, publicKey, extensions), key: privateKey };
  }

  private certificate(subject: Buffer, issuer: { name: Buffer; key: KeyObject }, publicKey: KeyObject, extensions: Buffer[]): string {
    const now = Date.now();
    const tbs = der(0x30,
      der(0xa0, derInteger(2)), // v3
      derInteger(1000 + ++this.serial),
      ECDSA_WITH_SHA256,
      issuer.name,
      der(0x30, utcTime(new Date(now - 60_000)), utcTime(new Date(now + 30 * 86_400_000))),
      subject,
      publicKey.export({ type: 'spki', format: 'der' }),
      der(0xa3, der(0x30, ...extensions)),
    );
    const signature = sign('sha256', tbs, issuer.key); // DER ECDSA-Sig-Value
    const certificate = der(0x30, tbs, ECDSA_WITH_SHA256, der(0x03, Buffer.from([0]), signature));
    return `-----BEGIN CERTIFICATE-----\n${certificate.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
  }
}

const OID = {
  commonName: '2.5.4.3', organization: '2.5.4.10', organizationalUnit: '2.5.4.11',
  basicConstraints: '2.5.29.19', keyUsage: '2.5.29.15', ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;
const DIGITAL_SIGNATURE = 0x80; // keyUsage bit 0, the first bit of the string
const KEY_CERT_SIGN = 0x04; // keyUsage bit 5

/** A DER element: tag, definite length, contents. */
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

function derInteger(value: number): Buffer {
  const bytes: number[] = [];
  for (let v = value; v > 0 || bytes.length === 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return der(0x02, Buffer.from(bytes));
}

function derOid(oid: string): Buffer {
  const [first = 0, second = 0, ...rest] = oid.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

const ECDSA_WITH_SHA256 = der(0x30, derOid(OID.ecdsaWithSha256));

function x509Name(attributes: readonly (readonly [string, string])[]): Buffer {
  return der(0x30, ...attributes.map(([oid, value]) => der(0x31, der(0x30, derOid(oid), der(0x0c, Buffer.from(value, 'utf8'))))));
}

function utcTime(date: Date): Buffer {
  return der(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`, 'latin1'));
}

/** A critical extension. */
function extension(oid: string, value: Buffer): Buffer {
  return der(0x30, derOid(oid), der(0x01, Buffer.from([0xff])), der(0x04, value));
}

function keyUsage(bits: number): Buffer {
  // The unused bits of the last byte: everything after the lowest bit set.
  let unused = 0;
  while (unused < 7 && !(bits & (1 << unused))) unused++;
  return der(0x03, Buffer.from([unused, bits]));
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
