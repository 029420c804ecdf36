"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TestPki = void 0;
exports.configBlock = configBlock;
exports.block = block;
exports.signBlock = signBlock;
exports.dropSignatures = dropSignatures;
exports.signatureCount = signatureCount;
exports.setValidationCode = setValidationCode;
// Test fixtures for block signatures: certificates made with openssl (Node can sign but cannot
// issue certificates), channel configurations and blocks built from Fabric's protos, and the
// ways a block can be tampered with. Used by unit tests and by the integration tamper tests.
const fabric_protos_1 = require("@hyperledger/fabric-protos");
const node_child_process_1 = require("node:child_process");
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const der_1 = require("../der");
/** A throw-away PKI in a temporary folder; remove() deletes it. */
class TestPki {
    dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'ledger-pki-'));
    serial = 0;
    /** A self-signed CA certificate and key. */
    ca(name) {
        const keyFile = (0, node_path_1.join)(this.dir, `${name}.key`);
        const certFile = (0, node_path_1.join)(this.dir, `${name}.crt`);
        this.openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile,
            '-subj', `/O=${name}/CN=ca.${name}`, '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,digitalSignature']);
        return { certificate: (0, node_fs_1.readFileSync)(certFile, 'utf8'), keyFile, certFile };
    }
    /** A leaf certificate issued by `ca`, with the NodeOU `ou` (orderer, admin, peer, client). */
    issue(ca, mspId, commonName, ou) {
        const id = `leaf-${++this.serial}`;
        const keyFile = (0, node_path_1.join)(this.dir, `${id}.key`);
        const csr = (0, node_path_1.join)(this.dir, `${id}.csr`);
        const cert = (0, node_path_1.join)(this.dir, `${id}.crt`);
        const ext = (0, node_path_1.join)(this.dir, `${id}.ext`);
        (0, node_fs_1.writeFileSync)(ext, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n');
        this.openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', `/OU=${ou}/CN=${commonName}`]);
        this.openssl(['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial', String(1000 + this.serial), '-days', '30', '-out', cert, '-extfile', ext]);
        return { mspId, certificate: (0, node_fs_1.readFileSync)(cert, 'utf8'), key: (0, node_crypto_1.createPrivateKey)((0, node_fs_1.readFileSync)(keyFile)) };
    }
    remove() {
        (0, node_fs_1.rmSync)(this.dir, { recursive: true, force: true });
    }
    openssl(args) {
        (0, node_child_process_1.execFileSync)('openssl', args, { stdio: 'pipe' });
    }
}
exports.TestPki = TestPki;
/** A config block holding a channel configuration as configtxgen writes it (the parts verification reads). */
function configBlock(number, spec) {
    const channelGroup = new fabric_protos_1.common.ConfigGroup();
    const capabilities = new fabric_protos_1.common.Capabilities();
    if (spec.bft)
        capabilities.getCapabilitiesMap().set('V3_0', new fabric_protos_1.common.Capability());
    channelGroup.getValuesMap().set('Capabilities', configValue(capabilities.serializeBinary()));
    const ordererGroup = new fabric_protos_1.common.ConfigGroup();
    const consensus = new fabric_protos_1.orderer.ConsensusType();
    consensus.setType(spec.bft ? 'BFT' : 'etcdraft');
    ordererGroup.getValuesMap().set('ConsensusType', configValue(consensus.serializeBinary()));
    const envelope = new fabric_protos_1.common.SignaturePolicyEnvelope();
    if (spec.bft) {
        const orderers = new fabric_protos_1.common.Orderers();
        orderers.setConsenterMappingList(spec.bft.map((c) => {
            const consenter = new fabric_protos_1.common.Consenter();
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
    }
    else {
        const role = new fabric_protos_1.msp.MSPRole();
        role.setMspIdentifier(spec.ordererMspId);
        role.setRole(fabric_protos_1.msp.MSPRole.MSPRoleType.ORDERER);
        const principal = new fabric_protos_1.msp.MSPPrincipal();
        principal.setPrincipalClassification(fabric_protos_1.msp.MSPPrincipal.Classification.ROLE);
        principal.setPrincipal(role.serializeBinary());
        envelope.setIdentitiesList([principal]);
        envelope.setRule(nOutOf(1, [signedBy(0)]));
    }
    const policy = new fabric_protos_1.common.Policy();
    policy.setType(fabric_protos_1.common.Policy.PolicyType.SIGNATURE);
    policy.setValue(envelope.serializeBinary());
    const configPolicy = new fabric_protos_1.common.ConfigPolicy();
    configPolicy.setPolicy(policy);
    ordererGroup.getPoliciesMap().set('BlockValidation', configPolicy);
    const fabricMsp = new fabric_protos_1.msp.FabricMSPConfig();
    fabricMsp.setName(spec.ordererMspId);
    fabricMsp.setRootCertsList(spec.rootCertificates.map((c) => Buffer.from(c)));
    const ous = new fabric_protos_1.msp.FabricNodeOUs();
    ous.setEnable(true);
    for (const [set, ou] of [[ous.setOrdererOuIdentifier.bind(ous), 'orderer'], [ous.setAdminOuIdentifier.bind(ous), 'admin'], [ous.setPeerOuIdentifier.bind(ous), 'peer'], [ous.setClientOuIdentifier.bind(ous), 'client']]) {
        const id = new fabric_protos_1.msp.FabricOUIdentifier();
        id.setOrganizationalUnitIdentifier(ou);
        set(id);
    }
    fabricMsp.setFabricNodeOus(ous);
    const mspConfig = new fabric_protos_1.msp.MSPConfig();
    mspConfig.setType(0);
    mspConfig.setConfig(fabricMsp.serializeBinary());
    const org = new fabric_protos_1.common.ConfigGroup();
    org.getValuesMap().set('MSP', configValue(mspConfig.serializeBinary()));
    ordererGroup.getGroupsMap().set(spec.ordererMspId, org);
    channelGroup.getGroupsMap().set('Orderer', ordererGroup);
    const config = new fabric_protos_1.common.Config();
    config.setChannelGroup(channelGroup);
    const configEnvelope = new fabric_protos_1.common.ConfigEnvelope();
    configEnvelope.setConfig(config);
    const channelHeader = new fabric_protos_1.common.ChannelHeader();
    channelHeader.setType(fabric_protos_1.common.HeaderType.CONFIG);
    channelHeader.setChannelId('test');
    const header = new fabric_protos_1.common.Header();
    header.setChannelHeader(channelHeader.serializeBinary());
    const payload = new fabric_protos_1.common.Payload();
    payload.setHeader(header);
    payload.setData(configEnvelope.serializeBinary());
    const env = new fabric_protos_1.common.Envelope();
    env.setPayload(payload.serializeBinary());
    return block(number, [env.serializeBinary()], number);
}
/**
 * An unsigned block with these envelopes and made-up hashes; its signature metadata names
 * `lastConfig` as the last config block, as an orderer's does.
 */
function block(number, envelopes = [(0, node_crypto_1.randomBytes)(64)], lastConfig = 0) {
    const header = new fabric_protos_1.common.BlockHeader();
    header.setNumber(number);
    header.setPreviousHash((0, node_crypto_1.randomBytes)(32));
    header.setDataHash((0, node_crypto_1.randomBytes)(32));
    const data = new fabric_protos_1.common.BlockData();
    data.setDataList([...envelopes]);
    const result = new fabric_protos_1.common.Block();
    result.setHeader(header);
    result.setData(data);
    const last = new fabric_protos_1.common.LastConfig();
    last.setIndex(lastConfig);
    const ordererMetadata = new fabric_protos_1.common.OrdererBlockMetadata();
    ordererMetadata.setLastConfig(last);
    const signatures = new fabric_protos_1.common.Metadata();
    signatures.setValue(ordererMetadata.serializeBinary());
    const metadata = new fabric_protos_1.common.BlockMetadata();
    metadata.setMetadataList([signatures.serializeBinary(), new Uint8Array(), new Uint8Array(envelopes.length), new Uint8Array(), new Uint8Array()]);
    result.setMetadata(metadata);
    return result;
}
/**
 * Replaces the block's orderer signatures with signatures by `signers`, made as an orderer makes
 * them: over metadata value || header || DER(block header). A signer with a consenter ID signs
 * with an IdentifierHeader (BFT); otherwise with a SignatureHeader naming its certificate.
 */
function signBlock(target, signers) {
    const list = target.getMetadata().getMetadataList_asU8().map((m) => Uint8Array.from(m));
    const metadata = list[fabric_protos_1.common.BlockMetadataIndex.SIGNATURES]?.length ? fabric_protos_1.common.Metadata.deserializeBinary(list[fabric_protos_1.common.BlockMetadataIndex.SIGNATURES]) : new fabric_protos_1.common.Metadata();
    const value = metadata.getValue_asU8();
    const header = target.getHeader();
    const headerBytes = (0, der_1.blockHeaderDer)(header.getNumber(), header.getPreviousHash_asU8(), header.getDataHash_asU8());
    metadata.setSignaturesList(signers.map((signer) => {
        const signature = new fabric_protos_1.common.MetadataSignature();
        let signedHeader;
        if (signer.consenterId !== undefined) {
            const identifier = new fabric_protos_1.common.IdentifierHeader();
            identifier.setIdentifier(signer.consenterId);
            identifier.setNonce((0, node_crypto_1.randomBytes)(24));
            signedHeader = identifier.serializeBinary();
            signature.setIdentifierHeader(signedHeader);
        }
        else {
            const creator = new fabric_protos_1.msp.SerializedIdentity();
            creator.setMspid(signer.mspId);
            creator.setIdBytes(Buffer.from(signer.certificate));
            const signatureHeader = new fabric_protos_1.common.SignatureHeader();
            signatureHeader.setCreator(creator.serializeBinary());
            signatureHeader.setNonce((0, node_crypto_1.randomBytes)(24));
            signedHeader = signatureHeader.serializeBinary();
            signature.setSignatureHeader(signedHeader);
        }
        signature.setSignature((0, node_crypto_1.sign)('sha256', Buffer.concat([value, signedHeader, headerBytes]), signer.key));
        return signature;
    }));
    list[fabric_protos_1.common.BlockMetadataIndex.SIGNATURES] = metadata.serializeBinary();
    target.getMetadata().setMetadataList(list);
}
/** Removes the orderer signatures at these positions. */
function dropSignatures(target, keep) {
    const list = target.getMetadata().getMetadataList_asU8().map((m) => Uint8Array.from(m));
    const metadata = fabric_protos_1.common.Metadata.deserializeBinary(list[fabric_protos_1.common.BlockMetadataIndex.SIGNATURES]);
    const before = metadata.getSignaturesList();
    metadata.setSignaturesList(before.filter((_, i) => keep(i)));
    list[fabric_protos_1.common.BlockMetadataIndex.SIGNATURES] = metadata.serializeBinary();
    target.getMetadata().setMetadataList(list);
    return before.length;
}
/** The number of orderer signatures a block carries. */
function signatureCount(target) {
    const raw = target.getMetadata()?.getMetadataList_asU8()[fabric_protos_1.common.BlockMetadataIndex.SIGNATURES];
    return raw?.length ? fabric_protos_1.common.Metadata.deserializeBinary(raw).getSignaturesList().length : 0;
}
/** Sets transaction `index`'s validation code (metadata TRANSACTIONS_FILTER), which no hash covers. */
function setValidationCode(target, index, code) {
    const list = target.getMetadata().getMetadataList_asU8().map((m) => Uint8Array.from(m));
    const flags = list[fabric_protos_1.common.BlockMetadataIndex.TRANSACTIONS_FILTER];
    flags[index] = code;
    target.getMetadata().setMetadataList(list);
}
function configValue(bytes) {
    const value = new fabric_protos_1.common.ConfigValue();
    value.setValue(bytes);
    return value;
}
function identityPrincipal(credential) {
    const identity = new fabric_protos_1.msp.SerializedIdentity();
    identity.setMspid(credential.mspId);
    identity.setIdBytes(Buffer.from(credential.certificate));
    const principal = new fabric_protos_1.msp.MSPPrincipal();
    principal.setPrincipalClassification(fabric_protos_1.msp.MSPPrincipal.Classification.IDENTITY);
    principal.setPrincipal(identity.serializeBinary());
    return principal;
}
function signedBy(index) {
    const rule = new fabric_protos_1.common.SignaturePolicy();
    rule.setSignedBy(index);
    return rule;
}
function nOutOf(n, rules) {
    const nested = new fabric_protos_1.common.SignaturePolicy.NOutOf();
    nested.setN(n);
    nested.setRulesList(rules);
    const rule = new fabric_protos_1.common.SignaturePolicy();
    rule.setNOutOf(nested);
    return rule;
}
//# sourceMappingURL=blocks.js.map