// Requests built from the OpenAPI document alone: for each operation, one whose every parameter
// and body field is a valid example of its schema, and variants that break one rule each (a
// boundary crossed, a pattern missed, a required field left out, a field too many). The contract
// tests send them and hold the answers to the document.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { JsonSchema as Schema, Operation } from './openapi-contract';


export interface BuiltRequest {
  readonly method: string;
  /** The path with its parameters filled in. */
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
  /** Whether the document allows it ("valid") or it breaks a rule of the document ("invalid"), and which. */
  readonly kind: 'valid' | 'invalid';
  readonly variant: string;
}

/** Strings to try for a string schema, in order: the first one its rules accept is the example. */
const STRING_CANDIDATES = [
  'ngo-1', 'EUR', '100', 'water', 'NgoMSP', 'donations', 'user-1', 'a password of 10+', 'a@example.org', '2026-12-03T10:00:00.000Z',
  'a'.repeat(64), 'b'.repeat(40), 'x', 'active', '',
];

const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
const accepts = (schema: Schema, value: unknown): boolean => ajv.validate(schema, value);

/** A value the schema accepts; `named` gives values for fields by name (real IDs of a test's ledger). */
export function exampleOf(schema: Schema, named: Readonly<Record<string, unknown>> = {}, name = ''): unknown {
  const given = named[name];
  if (given !== undefined && accepts(schema, given)) return given;
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  const choice = schema.anyOf ?? schema.oneOf;
  if (choice?.[0]) return exampleOf(choice[0], named, name);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, s]) => [key, exampleOf(s, named, key)]));
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 0) }, () => exampleOf(schema.items ?? {}, named, name));
    case 'integer':
    case 'number':
      return Math.min(Math.max(schema.minimum ?? 1, 1), schema.maximum ?? Number.MAX_SAFE_INTEGER);
    case 'boolean':
      return true;
    case 'string': {
      const found = STRING_CANDIDATES.find((c) => accepts(schema, c));
      if (found === undefined) throw new Error(`no example string for ${name}: ${JSON.stringify(schema)}`);
      return found;
    }
    default:
      return 'x';
  }
}

/** Values that break one rule of the schema each, named by the rule. */
export function breakersOf(schema: Schema): { rule: string; value: unknown }[] {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const out: { rule: string; value: unknown }[] = [];
  if (schema.enum) out.push({ rule: 'enum', value: 'not-one-of-them' });
  if (type === 'string' || schema.enum) {
    if (schema.maxLength !== undefined) out.push({ rule: `maxLength ${schema.maxLength}`, value: 'a'.repeat(schema.maxLength + 1) });
    if (schema.minLength) out.push({ rule: `minLength ${schema.minLength}`, value: '' });
    if (schema.pattern) out.push({ rule: 'pattern', value: '!?' });
  }
  if (type === 'integer' || type === 'number') {
    if (schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER) out.push({ rule: `maximum ${schema.maximum}`, value: schema.maximum + 1 });
    if (schema.minimum !== undefined) out.push({ rule: `minimum ${schema.minimum}`, value: schema.minimum - 1 });
    if (type === 'integer') out.push({ rule: 'integer', value: 1.5 });
  }
  const choice = schema.anyOf ?? schema.oneOf;
  if (choice) {
    // Only what every branch refuses breaks a union: a value of none of the branches' types.
    out.push({ rule: 'type', value: { not: 'this' } });
    for (const branch of choice) out.push(...breakersOf(branch).filter((b) => !choice.some((other) => accepts(other, b.value))));
  }
  return out.filter((b) => !accepts(schema, b.value));
}

/** The valid request of an operation, and one invalid variant per broken rule of a parameter or body field. */
export function requestsOf(op: Operation, named: Readonly<Record<string, unknown>> = {}): BuiltRequest[] {
  const params = op.operation.parameters ?? [];
  const values = Object.fromEntries(params.map((p) => [`${p.in}:${p.name}`, exampleOf(p.schema, named, p.name)]));
  const bodySchema = op.operation.requestBody?.content['application/json']?.schema;
  const body = bodySchema ? exampleOf(bodySchema, named) : undefined;
  const build = (variant: string, kind: BuiltRequest['kind'], vals: Record<string, unknown>, b: unknown): BuiltRequest => {
    const of = (where: string): Record<string, string> =>
      Object.fromEntries(Object.entries(vals).filter(([k, v]) => k.startsWith(`${where}:`) && v !== undefined).map(([k, v]) => [k.slice(where.length + 1), String(v)]));
    const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(String(vals[`path:${name}`])));
    return { method: op.method, path, query: of('query'), headers: of('header'), ...(b !== undefined ? { body: b } : {}), kind, variant };
  };
  const out = [build('valid', 'valid', values, body)];
  // Optional query parameters left out are valid too: the plainest request.
  const required = Object.fromEntries(Object.entries(values).filter(([k]) => params.find((p) => `${p.in}:${p.name}` === k)?.required));
  if (Object.keys(required).length < Object.keys(values).length) out.push(build('required only', 'valid', required, body));
  for (const p of params) {
    // An empty path segment is another URL (another route), not an invalid parameter.
    const breakers = breakersOf(p.schema).filter((b) => !(p.in === 'path' && b.value === ''));
    for (const b of breakers) out.push(build(`${p.in} ${p.name}: ${b.rule}`, 'invalid', { ...values, [`${p.in}:${p.name}`]: b.value }, body));
  }
  if (bodySchema && typeof body === 'object' && body !== null) {
    out.push(build('body: unknown field', 'invalid', values, { ...body, unexpected: 1 }));
    for (const key of bodySchema.required ?? []) {
      const { [key]: _left, ...rest } = body as Record<string, unknown>;
      void _left;
      out.push(build(`body ${key}: missing`, 'invalid', values, rest));
    }
    for (const [key, s] of Object.entries(bodySchema.properties ?? {})) {
      for (const b of breakersOf(s)) out.push(build(`body ${key}: ${b.rule}`, 'invalid', values, { ...body, [key]: b.value }));
    }
  }
  return out;
}
