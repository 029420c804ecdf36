export declare function derLength(length: number): Buffer;
/** A non-negative INTEGER, minimally encoded (a leading zero byte keeps it positive). */
export declare function derInteger(value: bigint): Buffer;
export declare function derOctetString(bytes: Uint8Array): Buffer;
export declare function derSequence(parts: Buffer[]): Buffer;
/**
 * A block header as Fabric hashes and signs it: DER SEQUENCE { INTEGER number, OCTET STRING
 * previous_hash, OCTET STRING data_hash }.
 */
export declare function blockHeaderDer(number: number, previousHash: Uint8Array, dataHash: Uint8Array): Buffer;
