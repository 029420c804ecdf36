// A reader of the protobuf wire format, just enough for Fabric's blocks, transactions and
// channel configurations. The verifier reads a handful of fields, so a generated decoder (and
// google-protobuf with it) would be most of the bundle for nothing.

type Field = { readonly wire: 0; readonly value: bigint } | { readonly wire: 2; readonly value: Uint8Array } | { readonly wire: 1 | 5; readonly value: Uint8Array };

/** A decoded message: its fields by number, repeated fields in order. Absent fields read as proto3 defaults. */
export class Message {
  private readonly fields = new Map<number, Field[]>();

  constructor(bytes: Uint8Array) {
    let offset = 0;
    while (offset < bytes.length) {
      const [tag, afterTag] = varint(bytes, offset);
      const number = Number(tag >> 3n);
      const wire = Number(tag & 7n);
      if (number === 0) throw new Error('protobuf: field number 0');
      let field: Field;
      if (wire === 0) {
        const [value, next] = varint(bytes, afterTag);
        field = { wire, value };
        offset = next;
      } else if (wire === 2) {
        const [length, start] = varint(bytes, afterTag);
        const end = start + Number(length);
        if (end > bytes.length) throw new Error('protobuf: a field runs past the end of its message');
        field = { wire, value: bytes.subarray(start, end) };
        offset = end;
      } else if (wire === 1 || wire === 5) {
        const end = afterTag + (wire === 1 ? 8 : 4);
        if (end > bytes.length) throw new Error('protobuf: a field runs past the end of its message');
        field = { wire, value: bytes.subarray(afterTag, end) };
        offset = end;
      } else {
        throw new Error(`protobuf: wire type ${wire} is not read here`);
      }
      const list = this.fields.get(number);
      if (list) list.push(field);
      else this.fields.set(number, [field]);
    }
  }

  /** A bytes (or embedded message, or string) field; empty when absent. The last occurrence wins, as in protobuf. */
  bytes(number: number): Uint8Array {
    return this.allBytes(number).at(-1) ?? new Uint8Array();
  }

  allBytes(number: number): Uint8Array[] {
    return (this.fields.get(number) ?? []).map((f) => {
      if (f.wire !== 2) throw new Error(`protobuf: field ${number} is not length-delimited`);
      return f.value;
    });
  }

  message(number: number): Message {
    return new Message(this.bytes(number));
  }

  messages(number: number): Message[] {
    return this.allBytes(number).map((b) => new Message(b));
  }

  string(number: number): string {
    return new TextDecoder().decode(this.bytes(number));
  }

  /** An integer field (uint32/uint64/int32/enum/bool); 0 when absent. */
  uint(number: number): number {
    const field = this.fields.get(number)?.at(-1);
    if (!field) return 0;
    if (field.wire !== 0) throw new Error(`protobuf: field ${number} is not a varint`);
    return Number(BigInt.asIntN(64, field.value));
  }

  has(number: number): boolean {
    return this.fields.has(number);
  }

  /** A map<string, message> field (entries with key 1 and value 2). */
  map(number: number): Map<string, Message> {
    const out = new Map<string, Message>();
    for (const entry of this.messages(number)) out.set(entry.string(1), entry.message(2));
    return out;
  }
}

function varint(bytes: Uint8Array, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = offset; i < bytes.length && shift < 70n; i++) {
    const b = bytes[i]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, i + 1];
    shift += 7n;
  }
  throw new Error('protobuf: truncated varint');
}
