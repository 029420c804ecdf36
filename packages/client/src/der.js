"use strict";
// The little DER that Fabric needs from us: block headers and ECDSA signatures.
Object.defineProperty(exports, "__esModule", { value: true });
exports.derLength = derLength;
exports.derInteger = derInteger;
exports.derOctetString = derOctetString;
exports.derSequence = derSequence;
exports.blockHeaderDer = blockHeaderDer;
function derLength(length) {
    if (length < 0x80)
        return Buffer.from([length]);
    const bytes = [];
    for (let l = length; l > 0; l >>= 8)
        bytes.unshift(l & 0xff);
    return Buffer.from([0x80 | bytes.length, ...bytes]);
}
/** A non-negative INTEGER, minimally encoded (a leading zero byte keeps it positive). */
function derInteger(value) {
    if (value < 0n)
        throw new RangeError('only non-negative integers are encoded here');
    const bytes = [];
    for (let v = value; v > 0n; v >>= 8n)
        bytes.unshift(Number(v & 0xffn));
    if (bytes.length === 0 || (bytes[0] ?? 0) & 0x80)
        bytes.unshift(0);
    return Buffer.concat([Buffer.from([0x02]), derLength(bytes.length), Buffer.from(bytes)]);
}
function derOctetString(bytes) {
    return Buffer.concat([Buffer.from([0x04]), derLength(bytes.length), Buffer.from(bytes)]);
}
function derSequence(parts) {
    const body = Buffer.concat(parts);
    return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}
/**
 * A block header as Fabric hashes and signs it: DER SEQUENCE { INTEGER number, OCTET STRING
 * previous_hash, OCTET STRING data_hash }.
 */
function blockHeaderDer(number, previousHash, dataHash) {
    return derSequence([derInteger(BigInt(number)), derOctetString(previousHash), derOctetString(dataHash)]);
}
//# sourceMappingURL=der.js.map