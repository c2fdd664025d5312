/**
 * Validation of requests and responses against Qdrant's own OpenAPI spec (vendored in
 * test/fixtures/qdrant, Apache-2.0), with ajv.
 *
 * The spec is OpenAPI 3.0 and needs three adaptations for a JSON-schema validator:
 * - `nullable: true` becomes a `null` type (or `{ type: 'null' }` alone, as the spec writes
 *   `anyOf: [{ $ref }, { nullable: true }]` for optional fields);
 * - Qdrant's numeric formats (uint64, uint32, uint8, uint, int64, float, double, ...) are
 *   registered with their ranges, and the string formats it uses (uuid, date-time, ...);
 * - `$ref`s to `#/components/...` point into one shared schema registered under an id, so
 *   each operation's inline schema compiles on its own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const SPEC_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/qdrant/openapi-v1.18.3.json');
const SPEC_ID = 'qdrant-openapi';

type Json = unknown;
type Obj = Record<string, Json>;
const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenAPI 3.0 schema → JSON schema: `nullable` handled, component refs made absolute. */
export function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObj(node)) return node;
  const out: Obj = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example') continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) out[key] = `${SPEC_ID}${value}`;
    else out[key] = toJsonSchema(value);
  }
  if (node.nullable !== true) return out;
  const keys = Object.keys(out).filter((k) => k !== 'description' && k !== 'default');
  if (keys.length === 0) return { type: 'null' };
  if (typeof out.type === 'string' && out.$ref === undefined) {
    const nullable: Obj = { ...out, type: [out.type, 'null'] };
    if (Array.isArray(out.enum)) nullable.enum = [...(out.enum as Json[]), null];
    return nullable;
  }
  return { anyOf: [out, { type: 'null' }] };
}

const INTEGER_FORMATS: Record<string, [number, number]> = {
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  uint64: [0, 2 ** 64 - 1],
  uint: [0, 2 ** 64 - 1],
  usize: [0, 2 ** 64 - 1],
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [-(2 ** 63), 2 ** 63 - 1],
};
const FLOAT32_MAX = 3.4028234663852886e38;
/** What Rust's uuid crate parses: hyphenated, simple, braced or urn form. */
const UUID = /^(?:urn:uuid:)?(?:\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i;

function createAjv(): Ajv {
  // strict: false because OpenAPI keeps keywords JSON schema does not know (discriminator, xml...).
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
  for (const [name, [min, max]] of Object.entries(INTEGER_FORMATS)) {
    ajv.addFormat(name, { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= min && n <= max });
  }
  ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) && Math.abs(n) <= FLOAT32_MAX });
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat('uuid', { type: 'string', validate: (s: string) => UUID.test(s) });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });
  ajv.addFormat('partial-date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) || /^\d{4}-\d{2}-\d{2}/.test(s) });
  ajv.addFormat('uri', { type: 'string', validate: (s: string) => URL.canParse(s) });
  ajv.addFormat('binary', { type: 'string', validate: () => true });
  return ajv;
}

export interface Operation {
  method: string;
  template: string;
  pathParams: Record<string, string>;
}

interface OperationSpec {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Json }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> };
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

export interface ValidationProblem {
  where: string;
  message: string;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ');
}

/** Query strings are text: read them as the parameter's schema wants before validating. */
function coerceQueryValue(value: string): Json {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

export class QdrantOpenApi {
  readonly version: string;
  readonly #ajv = createAjv();
  readonly #paths: Array<{ template: string; regex: RegExp; names: string[]; methods: Record<string, OperationSpec> }>;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor(specFile = SPEC_FILE) {
    const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { info: { version: string }; paths: Record<string, Record<string, OperationSpec>>; components: Json };
    this.version = spec.info.version;
    this.#ajv.addSchema({ $id: SPEC_ID, components: toJsonSchema(spec.components) });
    this.#paths = Object.entries(spec.paths).map(([template, methods]) => {
      const names: string[] = [];
      const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { template, regex: new RegExp(`^${pattern}$`), names, methods };
    });
  }

  /** The operation a method and path name, or undefined when the spec has none. Literal paths win over templated ones. */
  match(method: string, pathname: string): Operation | undefined {
    const candidates = this.#paths
      .filter((p) => p.methods[method.toLowerCase()] !== undefined)
      .map((p) => ({ p, m: p.regex.exec(pathname) }))
      .filter((c) => c.m !== null)
      .sort((a, z) => a.p.names.length - z.p.names.length);
    const hit = candidates[0];
    if (hit === undefined) return undefined;
    const pathParams = Object.fromEntries(hit.p.names.map((n, i) => [n, decodeURIComponent(hit.m![i + 1]!)]));
    return { method: method.toLowerCase(), template: hit.p.template, pathParams };
  }

  #operation(op: Operation): OperationSpec {
    return this.#paths.find((p) => p.template === op.template)!.methods[op.method]!;
  }

  #validator(key: string, schema: Json): ValidateFunction {
    let fn = this.#compiled.get(key);
    if (fn === undefined) {
      fn = this.#ajv.compile(toJsonSchema(schema) as object);
      this.#compiled.set(key, fn);
    }
    return fn;
  }

  /**
   * Problems with a request's query parameters and body. Unknown query parameters are reported
   * too (Qdrant ignores them, but here a misspelt `consistency` must not pass unnoticed).
   */
  checkRequest(op: Operation, query: URLSearchParams, body: Json | undefined): ValidationProblem[] {
    const spec = this.#operation(op);
    const problems: ValidationProblem[] = [];
    const params = (spec.parameters ?? []).filter((p) => p.in === 'query');
    for (const name of new Set(query.keys())) {
      const param = params.find((p) => p.name === name);
      if (param === undefined) {
        problems.push({ where: `query ${name}`, message: `unknown query parameter for ${op.method.toUpperCase()} ${op.template}` });
        continue;
      }
      const validate = this.#validator(`${op.method} ${op.template} ?${name}`, param.schema ?? {});
      if (!validate(coerceQueryValue(query.get(name)!))) problems.push({ where: `query ${name}`, message: describe(validate.errors) });
    }
    for (const param of params) if (param.required && !query.has(param.name)) problems.push({ where: `query ${param.name}`, message: 'is required' });
    const bodySchema = spec.requestBody?.content?.['application/json']?.schema;
    if (bodySchema !== undefined && body !== undefined) {
      const validate = this.#validator(`${op.method} ${op.template} body`, bodySchema);
      if (!validate(body)) problems.push({ where: 'body', message: describe(validate.errors) });
    } else if (bodySchema !== undefined && spec.requestBody?.required) {
      problems.push({ where: 'body', message: 'is required' });
    }
    return problems;
  }

  /** Problems with a response body for the given status (the spec's schema for it, else its 4XX/default). */
  checkResponse(op: Operation, status: number, body: Json): ValidationProblem[] {
    const responses = this.#operation(op).responses ?? {};
    const key = String(status) in responses ? String(status) : status >= 400 && status < 500 && '4XX' in responses ? '4XX' : 'default';
    const schema = responses[key]?.content?.['application/json']?.schema;
    if (schema === undefined) return status === 200 ? [{ where: 'response', message: `no 200 schema for ${op.template}` }] : [];
    const validate = this.#validator(`${op.method} ${op.template} ${key}`, schema);
    return validate(body) ? [] : [{ where: `response ${status}`, message: describe(validate.errors) }];
  }
}
