// Every endorsing peer must write the same bytes, so state is serialized with sorted keys.

/** JSON with object keys sorted at every depth. */
export function marshal(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(sortKeys(value)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function unmarshal<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/** A transaction result: the same sorted JSON, as a string. */
export function json(value: unknown): string {
  return marshal(value).toString();
}
