// Orderer signatures on blocks, checked as a Fabric peer checks them: against the channel's
// `/Channel/Orderer/BlockValidation` policy in the configuration in force when the block was
// cut. A hash chain alone proves only that a chain is self-consistent; the signatures prove the
// ordering service produced it.
//
// What this module reproduces from Fabric (protoutil.BlockSignatureVerifier, cauthdsl, msp):
// - Each signature in metadata[SIGNATURES] signs  metadata.value || header || DER(block header),
//   where `header` is a SignatureHeader (creator = the signer's serialized identity) or, on BFT
//   channels (channel capability V3_0), an IdentifierHeader naming a consenter by its numeric ID,
//   whose identity then comes from the configuration's consenter mapping.
// - Signatures whose identity is not valid in its MSP, or whose signature does not verify, are
//   dropped; each identity counts once; then the policy is evaluated: a signature policy
//   (NOutOf / SignedBy over ROLE or IDENTITY principals, each signature used at most once) or an
//   implicit-meta policy (ANY / ALL / MAJORITY of a sub-policy of the orderer orgs).
// - Raft channels here use OR('<OrdererMSP>.orderer'): a block needs a signature of an orderer
//   node of an orderer org. BFT channels get, from configtxgen, a quorum (ceil((n+f+1)/2)) of the
//   consenters' own identities.
// Not reproduced: certificate expiry and revocation lists (a historical block stays valid after
// its signer's certificate expires; our CAs publish no CRLs), and idemix identities.
import { common, msp, orderer } from '@hyperledger/fabric-protos';
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { blockHeaderDer } from './der';

/** The part of a channel configuration that says who may sign blocks. */
export interface OrdererTrust {
  /** The config block this comes from. */
  readonly configBlock: number;
  readonly consensusType: string;
  /** Channel capability V3_0: consenters may sign by numeric ID (IdentifierHeader). */
  readonly bft: boolean;
  readonly consenters: readonly ConsenterIdentity[];
  readonly policy: Policy;
  readonly msps: ReadonlyMap<string, MspTrust>;
}

export interface ConsenterIdentity {
  readonly id: number;
  readonly mspId: string;
  /** The consenter's certificate as PEM bytes, as the channel configuration holds it. */
  readonly identity: Uint8Array;
}

export interface MspTrust {
  readonly roots: readonly X509Certificate[];
  readonly intermediates: readonly X509Certificate[];
  /** DER of explicit admin certificates (pre-NodeOU MSPs). */
  readonly admins: readonly Buffer[];
  /** Role -> the OU a certificate carries to have that role, when NodeOUs are enabled. */
  readonly nodeOus: ReadonlyMap<Role, string> | undefined;
}

type Role = 'member' | 'admin' | 'client' | 'peer' | 'orderer';
const ROLE_BY_NUMBER: readonly Role[] = ['member', 'admin', 'client', 'peer', 'orderer'];

type Principal =
  | { readonly kind: 'role'; readonly mspId: string; readonly role: Role }
  | { readonly kind: 'identity'; readonly mspId: string; readonly certificate: Buffer }
  | { readonly kind: 'unsupported'; readonly classification: number };

type Rule = { readonly signedBy: number } | { readonly n: number; readonly rules: readonly Rule[] };

export type Policy =
  | { readonly type: 'signature'; readonly rule: Rule; readonly principals: readonly Principal[]; readonly text: string }
  | { readonly type: 'implicit'; readonly rule: 'ANY' | 'ALL' | 'MAJORITY'; readonly subPolicy: string; readonly orgPolicies: readonly Policy[]; readonly text: string };

/** A signer whose signature verified, as it counts toward the policy. */
interface Signer {
  readonly mspId: string;
  readonly certificate: X509Certificate;
  readonly label: string;
}

export type SignatureCheck =
  | { readonly ok: true; readonly signers: readonly string[] }
  | { readonly ok: false; readonly reason: string };

// ---- Reading the configuration -----------------------------------------------------------------

/** The orderer trust of a config block, or undefined when the block is not a config block. */
export function ordererTrustOf(block: common.Block): OrdererTrust | undefined {
  const payload = configPayloadOf(block);
  if (!payload) return undefined;
  const channelGroup = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig()?.getChannelGroup();
  const ordererGroup = channelGroup?.getGroupsMap().get('Orderer');
  if (!channelGroup || !ordererGroup) throw new Error('the config block has no orderer configuration');
  const number = block.getHeader()?.getNumber() ?? 0;

  const capabilities = valueOf(channelGroup, 'Capabilities', (b) => common.Capabilities.deserializeBinary(b));
  const consensus = valueOf(ordererGroup, 'ConsensusType', (b) => orderer.ConsensusType.deserializeBinary(b));
  const orderers = valueOf(ordererGroup, 'Orderers', (b) => common.Orderers.deserializeBinary(b));
  const blockValidation = ordererGroup.getPoliciesMap().get('BlockValidation')?.getPolicy();
  if (!blockValidation) throw new Error('the config block has no BlockValidation policy');

  const msps = new Map<string, MspTrust>();
  for (const section of ['Orderer', 'Application']) {
    const group = channelGroup.getGroupsMap().get(section);
    group?.getGroupsMap().forEach((org) => {
      const config = valueOf(org, 'MSP', (b) => msp.MSPConfig.deserializeBinary(b));
      if (config && config.getType() === 0) {
        const fabric = msp.FabricMSPConfig.deserializeBinary(config.getConfig_asU8());
        msps.set(fabric.getName(), mspTrustOf(fabric));
      }
    });
  }
  return {
    configBlock: number,
    consensusType: consensus?.getType() ?? 'unknown',
    bft: capabilities?.getCapabilitiesMap().has('V3_0') ?? false,
    consenters: (orderers?.getConsenterMappingList() ?? []).map((c) => ({ id: c.getId(), mspId: c.getMspId(), identity: c.getIdentity_asU8() })),
    policy: policyOf(blockValidation, ordererGroup),
    msps,
  };
}

/** The payload of the block's only envelope when that is a CONFIG transaction (a config block holds nothing else). */
function configPayloadOf(block: common.Block): common.Payload | undefined {
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  if (envelopes.length !== 1 || !envelopes[0]) return undefined;
  try {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopes[0]).getPayload_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array());
    return channelHeader.getType() === common.HeaderType.CONFIG ? payload : undefined;
  } catch {
    return undefined; // not a well-formed transaction, so not a configuration either
  }
}

function valueOf<T>(group: common.ConfigGroup, key: string, decode: (bytes: Uint8Array) => T): T | undefined {
  const value = group.getValuesMap().get(key);
  return value ? decode(value.getValue_asU8()) : undefined;
}

function mspTrustOf(config: msp.FabricMSPConfig): MspTrust {
  const ous = config.getFabricNodeOus();
  let nodeOus: Map<Role, string> | undefined;
  if (ous?.getEnable()) {
    nodeOus = new Map();
    const entries: [Role, msp.FabricOUIdentifier | undefined][] = [
      ['client', ous.getClientOuIdentifier()], ['peer', ous.getPeerOuIdentifier()],
      ['admin', ous.getAdminOuIdentifier()], ['orderer', ous.getOrdererOuIdentifier()],
    ];
    for (const [role, id] of entries) if (id) nodeOus.set(role, id.getOrganizationalUnitIdentifier());
  }
  return {
    roots: config.getRootCertsList_asU8().map((pem) => new X509Certificate(Buffer.from(pem))),
    intermediates: config.getIntermediateCertsList_asU8().map((pem) => new X509Certificate(Buffer.from(pem))),
    admins: config.getAdminsList_asU8().map((pem) => new X509Certificate(Buffer.from(pem)).raw),
    nodeOus,
  };
}

function policyOf(policy: common.Policy, ordererGroup: common.ConfigGroup): Policy {
  switch (policy.getType()) {
    case common.Policy.PolicyType.SIGNATURE: {
      const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
      const principals = envelope.getIdentitiesList().map(principalOf);
      const rule = ruleOf(envelope.getRule());
      return { type: 'signature', rule, principals, text: ruleText(rule, principals) };
    }
    case common.Policy.PolicyType.IMPLICIT_META: {
      const meta = common.ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
      const rule = (['ANY', 'ALL', 'MAJORITY'] as const)[meta.getRule()] ?? 'ALL';
      const orgPolicies: Policy[] = [];
      ordererGroup.getGroupsMap().forEach((org) => {
        const sub = org.getPoliciesMap().get(meta.getSubPolicy())?.getPolicy();
        if (sub) orgPolicies.push(policyOf(sub, org));
      });
      return { type: 'implicit', rule, subPolicy: meta.getSubPolicy(), orgPolicies, text: `${rule} ${meta.getSubPolicy()}` };
    }
    default:
      throw new Error(`BlockValidation is a policy of type ${policy.getType()}, which this verifier does not evaluate`);
  }
}

function ruleOf(rule: common.SignaturePolicy | undefined): Rule {
  if (rule?.hasSignedBy()) return { signedBy: rule.getSignedBy() };
  const nOutOf = rule?.getNOutOf();
  if (!nOutOf) throw new Error('a signature policy rule is empty');
  return { n: nOutOf.getN(), rules: nOutOf.getRulesList().map(ruleOf) };
}

function principalOf(principal: msp.MSPPrincipal): Principal {
  const classification = principal.getPrincipalClassification();
  if (classification === msp.MSPPrincipal.Classification.ROLE) {
    const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    return { kind: 'role', mspId: role.getMspIdentifier(), role: ROLE_BY_NUMBER[role.getRole()] ?? 'member' };
  }
  if (classification === msp.MSPPrincipal.Classification.IDENTITY) {
    const identity = msp.SerializedIdentity.deserializeBinary(principal.getPrincipal_asU8());
    return { kind: 'identity', mspId: identity.getMspid(), certificate: new X509Certificate(Buffer.from(identity.getIdBytes_asU8())).raw };
  }
  return { kind: 'unsupported', classification };
}

function ruleText(rule: Rule, principals: readonly Principal[]): string {
  if ('signedBy' in rule) {
    const p = principals[rule.signedBy];
    if (!p) return '?';
    if (p.kind === 'role') return `'${p.mspId}.${p.role}'`;
    if (p.kind === 'identity') return `'${p.mspId} consenter ${new X509Certificate(p.certificate).subject.replace(/\n/g, ',')}'`;
    return '?';
  }
  return `OutOf(${rule.n}, ${rule.rules.map((r) => ruleText(r, principals)).join(', ')})`;
}

// ---- Checking a block ------------------------------------------------------------------------

/** Checks the orderer signatures of `block` against the trust of the configuration in force. */
export function checkBlockSignatures(block: common.Block, trust: OrdererTrust): SignatureCheck {
  const header = block.getHeader();
  if (!header) return { ok: false, reason: 'the block has no header' };
  const raw = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES];
  if (!raw || raw.length === 0) return { ok: false, reason: 'it carries no orderer signature' };
  let metadata: common.Metadata;
  try {
    metadata = common.Metadata.deserializeBinary(raw);
  } catch {
    return { ok: false, reason: 'its signature metadata cannot be decoded' };
  }
  const headerBytes = blockHeaderDer(header.getNumber(), header.getPreviousHash_asU8(), header.getDataHash_asU8());
  const value = Buffer.from(metadata.getValue_asU8());
  const signers: Signer[] = [];
  const rejected: string[] = [];
  for (const signature of metadata.getSignaturesList()) {
    const outcome = checkOne(signature, value, headerBytes, trust);
    if ('reason' in outcome) rejected.push(outcome.reason);
    else if (!signers.some((s) => s.mspId === outcome.mspId && s.certificate.raw.equals(outcome.certificate.raw))) signers.push(outcome);
  }
  if (evaluate(trust.policy, signers, trust)) return { ok: true, signers: signers.map((s) => s.label) };
  const valid = signers.length === 0 ? 'no valid orderer signature' : `${signers.length} valid signature(s) (${signers.map((s) => s.label).join(', ')})`;
  return {
    ok: false,
    reason: `its orderer signatures do not satisfy the BlockValidation policy ${trust.policy.text} of config block ${trust.configBlock}: ` +
      `${valid}${rejected.length > 0 ? `; rejected: ${rejected.join('; ')}` : ''}`,
  };
}

function checkOne(signature: common.MetadataSignature, value: Buffer, headerBytes: Buffer, trust: OrdererTrust): Signer | { reason: string } {
  const signatureHeader = signature.getSignatureHeader_asU8();
  const identifierHeader = signature.getIdentifierHeader_asU8();
  let mspId: string;
  let pem: Uint8Array;
  let signed: Buffer;
  let label: string;
  if (trust.bft && signatureHeader.length === 0 && identifierHeader.length > 0) {
    const id = common.IdentifierHeader.deserializeBinary(identifierHeader).getIdentifier();
    const consenter = trust.consenters.find((c) => c.id === id);
    if (!consenter) return { reason: `a signature by consenter ID ${id}, which is not a consenter` };
    ({ mspId } = consenter);
    pem = consenter.identity;
    signed = Buffer.concat([value, identifierHeader, headerBytes]);
    label = `consenter ${id}`;
  } else {
    let creator: msp.SerializedIdentity;
    try {
      creator = msp.SerializedIdentity.deserializeBinary(common.SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8());
    } catch {
      return { reason: 'a signature header that cannot be decoded' };
    }
    mspId = creator.getMspid();
    pem = creator.getIdBytes_asU8();
    signed = Buffer.concat([value, signatureHeader, headerBytes]);
    label = mspId;
  }
  let certificate: X509Certificate;
  try {
    certificate = certificateOf(pem);
  } catch {
    return { reason: `a signer (${label}) whose certificate cannot be read` };
  }
  label = `${label} ${commonName(certificate)}`;
  const invalid = identityProblem(mspId, certificate, trust);
  if (invalid) return { reason: `${label}: ${invalid}` };
  const key = certificate.publicKey;
  const algorithm = key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  if (!verifySignature(algorithm, signed, key, Buffer.from(signature.getSignature_asU8()))) {
    return { reason: `${label}: the signature does not verify` };
  }
  return { mspId, certificate, label };
}

const certificates = new Map<string, X509Certificate>();

/** Parsed certificates are kept: every block carries the same few signers. */
function certificateOf(pem: Uint8Array): X509Certificate {
  const key = createHash('sha256').update(pem).digest('hex');
  let certificate = certificates.get(key);
  if (!certificate) {
    certificate = new X509Certificate(Buffer.from(pem));
    if (certificates.size > 1000) certificates.clear();
    certificates.set(key, certificate);
  }
  return certificate;
}

/** Why a certificate is not a valid identity of `mspId` in this configuration, or undefined. */
function identityProblem(mspId: string, certificate: X509Certificate, trust: OrdererTrust): string | undefined {
  const org = trust.msps.get(mspId);
  if (!org) return `MSP ${mspId} is not in the channel configuration`;
  if (certificate.ca) return 'a CA certificate cannot sign as an identity';
  let current = certificate;
  for (let depth = 0; depth < 8; depth++) {
    if (org.roots.some((root) => issuedBy(current, root))) return undefined;
    const parent = org.intermediates.find((ca) => issuedBy(current, ca));
    if (!parent) return `its certificate was not issued by a CA of ${mspId}`;
    current = parent;
  }
  return 'its certificate chain is too long';
}

function issuedBy(certificate: X509Certificate, ca: X509Certificate): boolean {
  return certificate.checkIssued(ca) && certificate.verify(ca.publicKey);
}

function organizationalUnits(certificate: X509Certificate): string[] {
  return certificate.subject.split(/\n|\+/).filter((part) => part.startsWith('OU=')).map((part) => part.slice(3));
}

function commonName(certificate: X509Certificate): string {
  return certificate.subject.split(/\n|\+/).find((part) => part.startsWith('CN='))?.slice(3) ?? '?';
}

function satisfies(signer: Signer, principal: Principal, trust: OrdererTrust): boolean {
  if (principal.kind === 'identity') return signer.mspId === principal.mspId && signer.certificate.raw.equals(principal.certificate);
  if (principal.kind !== 'role' || signer.mspId !== principal.mspId) return false;
  if (principal.role === 'member') return true;
  const org = trust.msps.get(signer.mspId);
  const ous = organizationalUnits(signer.certificate);
  if (principal.role === 'admin' && org?.admins.some((admin) => admin.equals(signer.certificate.raw))) return true;
  const ou = org?.nodeOus?.get(principal.role);
  return ou !== undefined && ous.includes(ou);
}

function evaluate(policy: Policy, signers: readonly Signer[], trust: OrdererTrust): boolean {
  if (policy.type === 'implicit') {
    const satisfied = policy.orgPolicies.filter((p) => evaluate(p, signers, trust)).length;
    if (policy.rule === 'ANY') return satisfied >= 1;
    if (policy.rule === 'ALL') return satisfied === policy.orgPolicies.length;
    return satisfied > policy.orgPolicies.length / 2;
  }
  return evaluateRule(policy.rule, policy.principals, signers, new Array<boolean>(signers.length).fill(false), trust);
}

/** Fabric's cauthdsl: each signature satisfies at most one SignedBy; NOutOf keeps what its passing branches used. */
function evaluateRule(rule: Rule, principals: readonly Principal[], signers: readonly Signer[], used: boolean[], trust: OrdererTrust): boolean {
  if ('signedBy' in rule) {
    const principal = principals[rule.signedBy];
    if (!principal) return false;
    const index = signers.findIndex((s, i) => !used[i] && satisfies(s, principal, trust));
    if (index < 0) return false;
    used[index] = true;
    return true;
  }
  let verified = 0;
  for (const sub of rule.rules) {
    const attempt = [...used];
    if (evaluateRule(sub, principals, signers, attempt, trust)) {
      verified++;
      attempt.forEach((u, i) => (used[i] = u));
    }
  }
  return verified >= rule.n;
}
