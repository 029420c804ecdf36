import { common } from '@hyperledger/fabric-protos';
import { KeyObject } from 'node:crypto';
export interface Credential {
    readonly mspId: string;
    readonly certificate: string;
    readonly key: KeyObject;
}
/** A throw-away PKI in a temporary folder; remove() deletes it. */
export declare class TestPki {
    private readonly dir;
    private serial;
    /** A self-signed CA certificate and key. */
    ca(name: string): {
        certificate: string;
        keyFile: string;
        certFile: string;
    };
    /** A leaf certificate issued by `ca`, with the NodeOU `ou` (orderer, admin, peer, client). */
    issue(ca: {
        keyFile: string;
        certFile: string;
    }, mspId: string, commonName: string, ou: string): Credential;
    remove(): void;
    private openssl;
}
export interface TestConsenter {
    readonly id: number;
    readonly credential: Credential;
}
export interface ChannelSpec {
    readonly ordererMspId: string;
    readonly rootCertificates: readonly string[];
    /** BFT: consenters by ID, V3_0 capability and a quorum policy over their identities. Raft: OR('<msp>.orderer'). */
    readonly bft?: readonly TestConsenter[];
}
/** A config block holding a channel configuration as configtxgen writes it (the parts verification reads). */
export declare function configBlock(number: number, spec: ChannelSpec): common.Block;
/**
 * An unsigned block with these envelopes and made-up hashes; its signature metadata names
 * `lastConfig` as the last config block, as an orderer's does.
 */
export declare function block(number: number, envelopes?: readonly Uint8Array[], lastConfig?: number): common.Block;
/**
 * Replaces the block's orderer signatures with signatures by `signers`, made as an orderer makes
 * them: over metadata value || header || DER(block header). A signer with a consenter ID signs
 * with an IdentifierHeader (BFT); otherwise with a SignatureHeader naming its certificate.
 */
export declare function signBlock(target: common.Block, signers: readonly (Credential & {
    consenterId?: number;
})[]): void;
/** Removes the orderer signatures at these positions. */
export declare function dropSignatures(target: common.Block, keep: (index: number) => boolean): number;
/** The number of orderer signatures a block carries. */
export declare function signatureCount(target: common.Block): number;
/** Sets transaction `index`'s validation code (metadata TRANSACTIONS_FILTER), which no hash covers. */
export declare function setValidationCode(target: common.Block, index: number, code: number): void;
