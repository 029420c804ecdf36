// Orderer signatures on blocks, checked as a Fabric peer checks them: against the channel's
// `/Channel/Orderer/BlockValidation` policy in the configuration in force when the block was cut.
// Isomorphic (WebCrypto, no Node modules): the SDK, the indexer and the receipt verifier in a
// browser all run this one implementation.
//
// What this reproduces from Fabric (protoutil.BlockSignatureVerifier, cauthdsl, msp):
// - Each signature in metadata[SIGNATURES] signs  metadata.value || header || DER(block header),
//   where `header` is a SignatureHeader (creator = the signer's serialized identity) or, on BFT
//   channels (channel capability V3_0), an IdentifierHeader naming a consenter by its numeric ID,
//   whose identity then comes from the configuration's consenter mapping.
// - Signatures whose identity is not valid in its MSP, or whose signature does not verify, are
//   dropped; each identity counts once; then the policy is evaluated: a signature policy
//   (NOutOf / SignedBy over ROLE or IDENTITY principals, each signature used at most once) or an
//   implicit-meta policy (ANY / ALL / MAJORITY of a sub-policy of the orderer orgs).
// - Raft channels here use OR('<MSP>.orderer', ...) over the orgs that run ordering nodes (member
//   orgs by default, each in the Application and Orderer groups): a block needs a signature of an
//   ordering node of one of them. BFT channels get, from configtxgen, a quorum (ceil((n+f+1)/2)) of the
//   consenters' own identities.
// Not reproduced: certificate expiry and revocation lists (a historical block stays valid after
// its signer's certificate expires; our CAs publish no CRLs), and idemix identities.
import { Block, HeaderType, signatureMetadataOf, transactionsOf } from './block';
import { concatBytes, equalBytes, toHex } from './bytes';
import { blockHeaderDer } from './der';
import { Message } from './protobuf';
import { Certificate, parseCertificate } from './x509';

/** The part of a channel configuration that says who may sign blocks. */
export interface OrdererTrust {
  /** The config block this comes from. */
  readonly configBlock: number;
  /** The configuration's sequence number: 0 in the genesis block, one more with each config update. */
  readonly sequence: number;
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
  readonly roots: readonly Certificate[];
  readonly intermediates: readonly Certificate[];
  /** DER of explicit admin certificates (pre-NodeOU MSPs). */
  readonly admins: readonly Uint8Array[];
  /** Role -> the OU a certificate carries to have that role, when NodeOUs are enabled. */
  readonly nodeOus: ReadonlyMap<Role, string> | undefined;
}

type Role = 'member' | 'admin' | 'client' | 'peer' | 'orderer';
const ROLE_BY_NUMBER: readonly Role[] = ['member', 'admin', 'client', 'peer', 'orderer'];
/** msp.MSPPrincipal.Classification */
const Classification = { Role: 0, Identity: 2 } as const;
/** common.Policy.PolicyType */
const PolicyType = { Signature: 1, ImplicitMeta: 3 } as const;

type Principal =
  | { readonly kind: 'role'; readonly mspId: string; readonly role: Role }
  | { readonly kind: 'identity'; readonly mspId: string; readonly certificate: Certificate }
  | { readonly kind: 'unsupported'; readonly classification: number };

type Rule = { readonly signedBy: number } | { readonly n: number; readonly rules: readonly Rule[] };

export type Policy =
  | { readonly type: 'signature'; readonly rule: Rule; readonly principals: readonly Principal[]; readonly text: string }
  | { readonly type: 'implicit'; readonly rule: 'ANY' | 'ALL' | 'MAJORITY'; readonly subPolicy: string; readonly orgPolicies: readonly Policy[]; readonly text: string };

/** A signer whose signature verified, as it counts toward the policy. */
interface Signer {
  readonly mspId: string;
  readonly certificate: Certificate;
  readonly label: string;
}

export type SignatureCheck =
  | { readonly ok: true; readonly signers: readonly string[] }
  | { readonly ok: false; readonly reason: string };

// ---- Reading the configuration -----------------------------------------------------------------

/** The orderer trust of a config block, or undefined when the block is not a config block. */
export function ordererTrustOf(block: Block): OrdererTrust | undefined {
  const payload = configPayloadOf(block);
  if (!payload) return undefined;
  const config = new Message(payload.bytes(2)).message(1);
  const channelGroup = config.message(2);
  const ordererGroup = channelGroup.map(2).get('Orderer');
  if (!ordererGroup) throw new Error('the config block has no orderer configuration');

  const capabilities = valueOf(channelGroup, 'Capabilities');
  const consensus = valueOf(ordererGroup, 'ConsensusType');
  const orderers = valueOf(ordererGroup, 'Orderers');
  const blockValidation = ordererGroup.map(4).get('BlockValidation');
  if (!blockValidation?.has(2)) throw new Error('the config block has no BlockValidation policy');

  const msps = new Map<string, MspTrust>();
  for (const section of ['Orderer', 'Application']) {
    for (const org of channelGroup.map(2).get(section)?.map(2).values() ?? []) {
      const mspConfig = valueOf(org, 'MSP');
      if (mspConfig && mspConfig.uint(1) === 0) {
        const fabric = mspConfig.message(2);
        msps.set(fabric.string(1), mspTrustOf(fabric));
      }
    }
  }
  return {
    configBlock: block.number,
    sequence: config.uint(1),
    consensusType: consensus?.string(1) ?? 'unknown',
    bft: capabilities?.map(1).has('V3_0') ?? false,
    consenters: (orderers?.messages(1) ?? []).map((c) => ({ id: c.uint(1), mspId: c.string(4), identity: c.bytes(5) })),
    policy: policyOf(blockValidation.message(2), ordererGroup),
    msps,
  };
}

/** The payload of the block's only envelope when that is a CONFIG transaction (a config block holds nothing else). */
function configPayloadOf(block: Block): Message | undefined {
  if (block.envelopes.length !== 1) return undefined;
  try {
    const [transaction] = transactionsOf(block);
    return transaction?.type === HeaderType.Config ? transaction.payload : undefined;
  } catch {
    return undefined; // not a well-formed transaction, so not a configuration either
  }
}

/** A ConfigValue's value, decoded. */
function valueOf(group: Message, key: string): Message | undefined {
  const value = group.map(3).get(key);
  return value ? value.message(2) : undefined;
}

function mspTrustOf(config: Message): MspTrust {
  const ous = config.message(11);
  let nodeOus: Map<Role, string> | undefined;
  if (ous.uint(1)) {
    nodeOus = new Map();
    const entries: [Role, number][] = [['client', 2], ['peer', 3], ['admin', 4], ['orderer', 5]];
    for (const [role, field] of entries) if (ous.has(field)) nodeOus.set(role, ous.message(field).string(2));
  }
  return {
    roots: config.allBytes(2).map(parseCertificate),
    intermediates: config.allBytes(3).map(parseCertificate),
    admins: config.allBytes(4).map((pem) => parseCertificate(pem).der),
    nodeOus,
  };
}

function policyOf(policy: Message, ordererGroup: Message): Policy {
  const type = policy.uint(1);
  if (type === PolicyType.Signature) {
    const envelope = new Message(policy.bytes(2));
    const principals = envelope.messages(3).map(principalOf);
    const rule = ruleOf(envelope.message(2));
    return { type: 'signature', rule, principals, text: ruleText(rule, principals) };
  }
  if (type === PolicyType.ImplicitMeta) {
    const meta = new Message(policy.bytes(2));
    const subPolicy = meta.string(1);
    const rule = (['ANY', 'ALL', 'MAJORITY'] as const)[meta.uint(2)] ?? 'ALL';
    const orgPolicies: Policy[] = [];
    for (const org of ordererGroup.map(2).values()) {
      const sub = org.map(4).get(subPolicy);
      if (sub?.has(2)) orgPolicies.push(policyOf(sub.message(2), org));
    }
    return { type: 'implicit', rule, subPolicy, orgPolicies, text: `${rule} ${subPolicy}` };
  }
  throw new Error(`BlockValidation is a policy of type ${type}, which this verifier does not evaluate`);
}

function ruleOf(rule: Message): Rule {
  if (rule.has(1)) return { signedBy: rule.uint(1) };
  if (!rule.has(2)) throw new Error('a signature policy rule is empty');
  const nOutOf = rule.message(2);
  return { n: nOutOf.uint(1), rules: nOutOf.messages(2).map(ruleOf) };
}

function principalOf(principal: Message): Principal {
  const classification = principal.uint(1);
  if (classification === Classification.Role) {
    const role = principal.message(2);
    return { kind: 'role', mspId: role.string(1), role: ROLE_BY_NUMBER[role.uint(2)] ?? 'member' };
  }
  if (classification === Classification.Identity) {
    const identity = principal.message(2);
    return { kind: 'identity', mspId: identity.string(1), certificate: parseCertificate(identity.bytes(2)) };
  }
  return { kind: 'unsupported', classification };
}

function ruleText(rule: Rule, principals: readonly Principal[]): string {
  if ('signedBy' in rule) {
    const p = principals[rule.signedBy];
    if (p?.kind === 'role') return `'${p.mspId}.${p.role}'`;
    if (p?.kind === 'identity') return `'${p.mspId} consenter ${p.certificate.commonName}'`;
    return '?';
  }
  return `OutOf(${rule.n}, ${rule.rules.map((r) => ruleText(r, principals)).join(', ')})`;
}

// ---- Checking a block ------------------------------------------------------------------------

/** Checks the orderer signatures of `block` against the trust of the configuration in force. */
export async function checkBlockSignatures(block: Block, trust: OrdererTrust): Promise<SignatureCheck> {
  let metadata: Message;
  try {
    metadata = signatureMetadataOf(block);
  } catch {
    return { ok: false, reason: 'its signature metadata cannot be decoded' };
  }
  const signatures = metadata.messages(2);
  if (signatures.length === 0) return { ok: false, reason: 'it carries no orderer signature' };
  const headerBytes = blockHeaderDer(block.number, block.previousHash, block.dataHash);
  const value = metadata.bytes(1);
  const signers: Signer[] = [];
  const rejected: string[] = [];
  for (const signature of signatures) {
    const outcome = await checkOne(signature, value, headerBytes, trust);
    if ('reason' in outcome) rejected.push(outcome.reason);
    else if (!signers.some((s) => s.mspId === outcome.mspId && equalBytes(s.certificate.der, outcome.certificate.der))) signers.push(outcome);
  }
  if (evaluate(trust.policy, signers, trust)) return { ok: true, signers: signers.map((s) => s.label) };
  const valid = signers.length === 0 ? 'no valid orderer signature' : `${signers.length} valid signature(s) (${signers.map((s) => s.label).join(', ')})`;
  return {
    ok: false,
    reason: `its orderer signatures do not satisfy the BlockValidation policy ${trust.policy.text} of config block ${trust.configBlock}: ` +
      `${valid}${rejected.length > 0 ? `; rejected: ${rejected.join('; ')}` : ''}`,
  };
}

async function checkOne(signature: Message, value: Uint8Array, headerBytes: Uint8Array, trust: OrdererTrust): Promise<Signer | { reason: string }> {
  const signatureHeader = signature.bytes(1);
  const identifierHeader = signature.bytes(3);
  let mspId: string;
  let pem: Uint8Array;
  let signed: Uint8Array;
  let label: string;
  try {
    if (trust.bft && signatureHeader.length === 0 && identifierHeader.length > 0) {
      const id = new Message(identifierHeader).uint(1);
      const consenter = trust.consenters.find((c) => c.id === id);
      if (!consenter) return { reason: `a signature by consenter ID ${id}, which is not a consenter` };
      ({ mspId } = consenter);
      pem = consenter.identity;
      signed = concatBytes([value, identifierHeader, headerBytes]);
      label = `consenter ${id}`;
    } else {
      const creator = new Message(signatureHeader).message(1);
      mspId = creator.string(1);
      pem = creator.bytes(2);
      signed = concatBytes([value, signatureHeader, headerBytes]);
      label = mspId;
    }
  } catch {
    return { reason: 'a signature header that cannot be decoded' };
  }
  let certificate: Certificate;
  try {
    certificate = certificateOf(pem);
  } catch {
    return { reason: `a signer (${label}) whose certificate cannot be read` };
  }
  label = `${label} ${certificate.commonName}`;
  const invalid = await identityProblem(mspId, certificate, trust);
  if (invalid) return { reason: `${label}: ${invalid}` };
  if (!(await certificate.verify(signed, signature.bytes(2)))) return { reason: `${label}: the signature does not verify` };
  return { mspId, certificate, label };
}

const certificates = new Map<string, Certificate>();

/** Parsed certificates (and their imported keys) are kept: every block carries the same few signers. */
function certificateOf(pem: Uint8Array): Certificate {
  const key = toHex(pem);
  let certificate = certificates.get(key);
  if (!certificate) {
    certificate = parseCertificate(pem);
    if (certificates.size > 1000) certificates.clear();
    certificates.set(key, certificate);
  }
  return certificate;
}

/** Results of chain checks, per configuration: a signer's chain to its MSP's CAs does not change between blocks. */
const validIdentities = new WeakMap<OrdererTrust, Map<string, Map<Certificate, string | undefined>>>();

/** Why a certificate is not a valid identity of `mspId` in this configuration, or undefined. */
async function identityProblem(mspId: string, certificate: Certificate, trust: OrdererTrust): Promise<string | undefined> {
  let byMsp = validIdentities.get(trust);
  if (!byMsp) validIdentities.set(trust, (byMsp = new Map<string, Map<Certificate, string | undefined>>()));
  let known = byMsp.get(mspId);
  if (!known) byMsp.set(mspId, (known = new Map<Certificate, string | undefined>()));
  if (known.has(certificate)) return known.get(certificate);
  const problem = await chainProblem(mspId, certificate, trust);
  known.set(certificate, problem);
  return problem;
}

async function chainProblem(mspId: string, certificate: Certificate, trust: OrdererTrust): Promise<string | undefined> {
  const org = trust.msps.get(mspId);
  if (!org) return `MSP ${mspId} is not in the channel configuration`;
  if (certificate.isCa) return 'a CA certificate cannot sign as an identity';
  let current = certificate;
  for (let depth = 0; depth < 8; depth++) {
    for (const root of org.roots) if (await current.issuedBy(root)) return undefined;
    let parent: Certificate | undefined;
    for (const ca of org.intermediates) if (!parent && (await current.issuedBy(ca))) parent = ca;
    if (!parent) return `its certificate was not issued by a CA of ${mspId}`;
    current = parent;
  }
  return 'its certificate chain is too long';
}

function satisfies(signer: Signer, principal: Principal, trust: OrdererTrust): boolean {
  if (principal.kind === 'identity') return signer.mspId === principal.mspId && equalBytes(signer.certificate.der, principal.certificate.der);
  if (principal.kind !== 'role' || signer.mspId !== principal.mspId) return false;
  if (principal.role === 'member') return true;
  const org = trust.msps.get(signer.mspId);
  if (principal.role === 'admin' && org?.admins.some((admin) => equalBytes(admin, signer.certificate.der))) return true;
  const ou = org?.nodeOus?.get(principal.role);
  return ou !== undefined && signer.certificate.organizationalUnits.includes(ou);
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

/**
 * Checks block `n`'s orderer signatures against `trust` (the configuration in force before it;
 * none for the genesis block, which is the root of trust) and returns the trust for the next
 * block (this block's configuration when it is a config block), or why the block fails.
 */
export async function checkSignaturesAndAdvance(block: Block, trust: OrdererTrust | undefined): Promise<{ trust: OrdererTrust } | { reason: string }> {
  if (trust) {
    const check = await checkBlockSignatures(block, trust);
    if (!check.ok) return { reason: check.reason };
  } else if (block.number !== 0) {
    return { reason: 'no channel configuration is known to check its signatures against' };
  }
  let next: OrdererTrust | undefined;
  try {
    next = ordererTrustOf(block);
  } catch (err) {
    return { reason: `its channel configuration cannot be read: ${(err as Error).message}` };
  }
  const result = next ?? trust;
  return result ? { trust: result } : { reason: 'the genesis block holds no channel configuration' };
}

