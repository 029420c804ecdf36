// The little DER Fabric needs: reading certificates and ECDSA signatures, and writing the block
// header that orderers sign and hash.
import { concatBytes } from './bytes';

/** One DER element: its tag, its contents, and the whole encoding (for signed parts such as a TBSCertificate). */
export interface Der {
  readonly tag: number;
  readonly contents: Uint8Array;
  readonly encoded: Uint8Array;
}

/** Reads the element at `offset`; returns it and where the next one starts. */
export function readDer(bytes: Uint8Array, offset = 0): [Der, number] {
  const tag = bytes[offset];
  let lengthByte = bytes[offset + 1];
  if (tag === undefined || lengthByte === undefined) throw new Error('DER: truncated');
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags are not read here');
  let start = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: unsupported length');
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = bytes[start + i];
      if (lengthByte === undefined) throw new Error('DER: truncated length');
      length = length * 256 + lengthByte;
    }
    start += count;
  }
  const end = start + length;
  if (end > bytes.length) throw new Error('DER: an element runs past its end');
  return [{ tag, contents: bytes.subarray(start, end), encoded: bytes.subarray(offset, end) }, end];
}

/** The elements inside a constructed element (SEQUENCE, SET, context tag). */
export function children(element: Der): Der[] {
  const out: Der[] = [];
  for (let offset = 0; offset < element.contents.length;) {
    const [child, next] = readDer(element.contents, offset);
    out.push(child);
    offset = next;
  }
  return out;
}

/** Dotted text of an OBJECT IDENTIFIER's contents. */
export function oidText(contents: Uint8Array): string {
  const first = contents[0] ?? 0;
  const parts = [Math.min(2, Math.floor(first / 40)), first - 40 * Math.min(2, Math.floor(first / 40))];
  let value = 0;
  for (const b of contents.subarray(1)) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/**
 * An ECDSA signature as DER SEQUENCE { INTEGER r, INTEGER s } (Fabric, X.509) turned into the
 * fixed-width r || s that WebCrypto verifies.
 */
export function ecdsaDerToRaw(signature: Uint8Array, size: number): Uint8Array {
  const [sequence, end] = readDer(signature);
  if (sequence.tag !== 0x30 || end !== signature.length) throw new Error('not a DER ECDSA signature');
  const integers = children(sequence);
  if (integers.length !== 2 || integers.some((i) => i.tag !== 0x02)) throw new Error('not a DER ECDSA signature');
  return concatBytes(integers.map((integer) => {
    let value = integer.contents;
    while (value.length > 1 && value[0] === 0) value = value.subarray(1);
    if (value.length > size) throw new Error('an ECDSA signature component is too long for its curve');
    const padded = new Uint8Array(size);
    padded.set(value, size - value.length);
    return padded;
  }));
}

function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

function derElement(tag: number, contents: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(tag), derLength(contents.length), contents]);
}

/** A non-negative INTEGER, minimally encoded (a leading zero byte keeps it positive). */
export function derInteger(value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError('only non-negative integers are encoded here');
  const bytes: number[] = [];
  for (let v = value; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  if (bytes.length === 0 || (bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return derElement(0x02, Uint8Array.from(bytes));
}

export function derSequence(parts: readonly Uint8Array[]): Uint8Array {
  return derElement(0x30, concatBytes(parts));
}

/**
 * A block header as Fabric hashes and signs it: DER SEQUENCE { INTEGER number, OCTET STRING
 * previous_hash, OCTET STRING data_hash }.
 */
export function blockHeaderDer(number: number | bigint, previousHash: Uint8Array, dataHash: Uint8Array): Uint8Array {
  return derSequence([derInteger(BigInt(number)), derElement(0x04, previousHash), derElement(0x04, dataHash)]);
}
