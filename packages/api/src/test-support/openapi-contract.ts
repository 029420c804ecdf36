// Checks answers against the OpenAPI document the API serves: is the status one the operation
// declares, is the media type declared for it, and does the body validate against its schema
// (JSON Schema 2020-12, as OpenAPI 3.1 says). Shared by the component tests (fake ledger) and the
// contract test against the real network.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** The JSON Schema keywords the request builder reads. */
export type JsonSchema = Record<string, unknown> & {
  type?: string | string[]; enum?: unknown[]; const?: unknown; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; properties?: Record<string, JsonSchema>; required?: string[];
  items?: JsonSchema; minItems?: number; maxItems?: number; minimum?: number; maximum?: number; minLength?: number; maxLength?: number; pattern?: string; format?: string;
};

export interface OpenApiOperation {
  readonly operationId: string;
  /** "Roles: a, b" for routes of some roles only. */
  readonly description?: string;
  readonly parameters?: readonly { name: string; in: string; required?: boolean; schema: JsonSchema }[];
  readonly requestBody?: { content: Record<string, { schema: JsonSchema }> };
  readonly responses: Record<string, { $ref?: string; content?: Record<string, { schema: object }> }>;
  readonly security?: readonly unknown[];
}

export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components: { schemas: Record<string, object>; responses: Record<string, { content: Record<string, { schema: object }> }> };
}

export interface Operation {
  readonly method: string;
  /** As the document writes it: /api/ngos/{ngoId}. */
  readonly path: string;
  readonly operation: OpenApiOperation;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ method, path, operation })));
}

/** JSON Pointer escaping of one segment. */
const pointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export class ResponseChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false });
  private readonly validators = new Map<string, ReturnType<Ajv2020['compile']>>();

  constructor(private readonly doc: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc, 'openapi.json');
  }

  /** What is wrong with this answer to `op` (empty: nothing). */
  check(op: Operation, status: number, contentType: string | undefined, body: unknown): string[] {
    const name = `${op.method.toUpperCase()} ${op.path} -> ${status}`;
    const response = op.operation.responses[String(status)];
    if (!response) return [`${name}: the status is not declared (declared: ${Object.keys(op.operation.responses).join(', ')})`];
    const [base, media] = this.mediaOf(op, status, response);
    const type = (contentType ?? '').split(';')[0]?.trim() ?? '';
    if (!media.includes(type)) return [`${name}: content type ${type || '(none)'} is not declared (declared: ${media.join(', ')})`];
    if (!type.endsWith('json')) return typeof body === 'string' || body === undefined || Buffer.isBuffer(body) || typeof body === 'object' ? [] : [`${name}: not text`];
    const validate = this.validator(`${base}/content/${pointer(type)}/schema`);
    return validate(body) ? [] : [`${name}: ${this.ajv.errorsText(validate.errors, { dataVar: 'body' })}; body: ${JSON.stringify(body).slice(0, 300)}`];
  }

  private mediaOf(op: Operation, status: number, response: OpenApiOperation['responses'][string]): [string, string[]] {
    if (response.$ref) {
      const name = response.$ref.replace('#/components/responses/', '');
      return [`openapi.json#/components/responses/${pointer(name)}`, Object.keys(this.doc.components.responses[name]?.content ?? {})];
    }
    return [`openapi.json#/paths/${pointer(op.path)}/${op.method}/responses/${status}`, Object.keys(response.content ?? {})];
  }

  private validator(ref: string): ReturnType<Ajv2020['compile']> {
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate;
  }
}
