/**
 * `npx tsx scripts/scaffold-vendor-spec.ts [--write]`: writes a spec part per area for every vendor
 * Smart Flows operation (reference/smart-flows-vendor-contract.json) that the spec does not have yet,
 * and the vendor models they reach into spec/smartflows/vendor-models.yaml (issue 13). Without
 * `--write` it lists what it would write.
 *
 * A one-off: the committed YAML is the source of truth afterwards (edit the parts, not this). It
 * reads the spec without the parts it writes itself (those whose first line is SCAFFOLD_MARK), so
 * running it again rewrites them from the contract and loses hand edits: only re-run it on purpose.
 *
 * The operation, its parameters, body and answer types come from the contract through the same
 * type mapping the vendor comparison uses (`parseVendorType` + `schemaOfType`, as
 * contract-tests/vendor/fixtures/spec-from-contract.ts); a vendor model the spec already defines
 * under the vendor's name is referenced, not defined again. Status codes, problems, permissions and
 * examples are flowmock's choices, made here once for every area:
 *  - creates answer 201 with Location (as CreatePrinter); a duplicate displayName is a 409;
 *  - reads of one object 404 when it is unknown; deletes answer `{}` and 409 while other objects
 *    depend on it (deleteInbound=false);
 *  - every operation declares a 501 (components/responses/NotImplemented) until a handler serves it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import {
  isEnumModel, loadVendorContract, parseVendorType, propertyType,
  type VendorContract, type VendorOperation, type VendorType,
} from '../src/contract/vendor/contract.js';
import { schemaOfType } from '../src/contract/vendor/vendor-schemas.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SCAFFOLD_MARK = '# Part of the flowmock spec (scaffolded from the vendor contract by scripts/scaffold-vendor-spec.ts)';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const specDir = path.join(root, 'spec');

/** Area of a vendor path: [part file, tag]. */
const AREAS: Array<[RegExp, string, string]> = [
  [/^\/api\/v1\/assets/, 'assets', 'Assets'],
  [/^\/api\/v1\/connectors/, 'connectors', 'Connectors'],
  [/^\/api\/v1\/datasets/, 'datasets', 'Datasets'],
  [/^\/api\/v1\/datasources/, 'datasources', 'Datasources'],
  [/^\/api\/v1\/dependencies/, 'dependencies', 'Dependencies'],
  [/^\/api\/v1\/languages/, 'languages', 'Languages'],
  [/^\/api\/v1\/plugins/, 'plugins', 'Plugins'],
  [/^\/api\/v1\/portal/, 'portal', 'Portal'],
  [/^\/api\/v1\/settings/, 'settings', 'Settings'],
  [/^\/api\/v1\/system/, 'system', 'System'],
  [/^\/api\/v1\/taggroups/, 'tag-groups', 'Tag groups'],
  [/^\/api\/v1\/templates/, 'templates', 'Templates'],
  [/^\/api\/v1\/users/, 'users-admin', 'Users'],
];

/** The permission (x-flowmock-permission) each operation needs; absent: credentials only. */
export function permissionOf(op: VendorOperation): string | undefined {
  if (!op.security.length) return undefined;
  const p = op.path;
  const m = op.method.toUpperCase();
  const read = m === 'GET' || p.endsWith('/filter') || op.operation === 'GetDatasetLayout';
  const rwd = (noun: string) => (read ? `read:${noun}` : m === 'DELETE' ? `delete:${noun}` : `write:${noun}`);
  if (/\/datasets\/\{datasetId\}\/data$/.test(p)) return m === 'GET' ? 'read:data' : 'write:data';
  if (p.startsWith('/api/v1/assets')) return rwd('assets');
  if (p.startsWith('/api/v1/connectors')) return rwd('connectors');
  if (p.startsWith('/api/v1/datasets')) return rwd('datasets');
  if (p.startsWith('/api/v1/datasources')) return 'read:datasources';
  if (p.startsWith('/api/v1/languages')) return rwd('languages');
  if (p.startsWith('/api/v1/portal')) return 'read:templates';
  if (p.startsWith('/api/v1/settings')) return m === 'GET' ? 'read:settings' : 'write:settings';
  if (p.startsWith('/api/v1/taggroups')) return rwd('tags');
  if (p.startsWith('/api/v1/templates')) return rwd('templates');
  if (p.startsWith('/api/v1/users')) return rwd('users');
  if (p.startsWith('/api/v1/system/printers')) return 'read:printers';
  if (/^\/api\/v1\/system\/(backup|export|import|cleanup|license)/.test(p)) return 'write:system';
  if (p === '/api/v1/system/languages/default' && m === 'PUT') return 'write:system';
  return undefined; // lookups (time zones, currencies, formats, features, ...): any signed-in user
}

/** What the vendor's query parameters mean, as their names and the vendor's UI say; the rest get a generic line. */
const QUERY_DESCRIPTIONS: Record<string, string> = {
  deleteInbound: 'Also remove the objects that depend on this one (default false: while any does, the answer is a 409).',
  force: 'Remove it even when it is in use or the default.',
  includeContent: "Include the asset's content (base64) in the answer.",
  lang: 'The language (code) of the template content; without it, the template\'s default language.',
  version: 'A version from the template history; without it, the current one.',
  includeMeta: 'Include the template metadata in the file.',
  description: 'A description of this version (shown in the history).',
  format: 'The schema format.',
  primaryOnly: 'Only the primary entity of the data set.',
  full: 'The whole layout, related entities included.',
  direction: 'Which dependencies: of the object (outbound), on the object (inbound) or both.',
  depth: 'How many levels deep to follow dependencies.',
  connectorid: 'The connector whose portal to list.',
  includeDetails: "Include each printer's details (capabilities, paper sizes).",
  includeHistory: 'Include execution history.',
  includeSensitiveData: 'Include passwords and secrets (encrypted).',
  includeUserData: 'Include users and their settings.',
  action: 'The cleanup action to run; without it, all.',
  value: 'The value to format.',
  pattern: 'The format pattern.',
  type: 'The type of the value (date, number, ...).',
  locale: 'The locale to format in; without it, the server default.',
  formats: 'Include each language\'s date and number formats.',
};

const CREATES = new Set(['AddAsset', 'CreateConnector', 'CreateDataset', 'CreateDatasetData', 'CreateLanguage', 'CreateTagGroup', 'CreateTemplate', 'CreateUser']);

const words = (id: string) => id.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z])([A-Z][a-z])/g, '$1 $2');
const sentence = (id: string) => { const w = words(id).toLowerCase(); return w[0].toUpperCase() + w.slice(1); };

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });
const toComponents = (s: unknown): Json =>
  JSON.parse(JSON.stringify(s, (k, v) => (k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : v))) as Json;

/** The schema of a vendor type in the spec (model refs into components). DateTime fields get `format: date-time`. */
function specSchema(t: VendorType): Json {
  if (t.kind === 'primitive' && t.csharp === 'DateTime') return { type: 'string', format: 'date-time' };
  if (t.kind === 'list') return { type: 'array', items: specSchema(t.items) };
  if (t.kind === 'map') return { type: 'object', additionalProperties: specSchema(t.values) };
  return toComponents(schemaOfType(t));
}

/** Vendor models reachable from a type (transitively through their properties). */
function reach(contract: VendorContract, t: VendorType, into: Set<string>): void {
  if (t.kind === 'list') return reach(contract, t.items, into);
  if (t.kind === 'map') return reach(contract, t.values, into);
  if ((t.kind === 'model' || (t.kind === 'enum' && t.model)) && !into.has(t.name)) {
    into.add(t.name);
    const m = contract.models[t.name];
    if (!isEnumModel(m)) for (const p of m.properties) reach(contract, propertyType(contract, p), into);
  }
}

/**
 * The vendor's required fields, by their JSON names: the SDK lists them as C# properties (`DisplayName`
 * for `displayName`); a name without a field of that JSON name is dropped.
 */
function requiredOf(m: { required: string[]; properties: Array<{ name: string }> }): string[] {
  return m.required
    .map((r) => m.properties.find((p) => p.name === r || p.name.toLowerCase() === r.toLowerCase())?.name)
    .filter((n): n is string => n !== undefined);
}

const SAMPLE_TIME = '2026-11-22T10:00:00.000Z';
const uuidFor = (seed: string) => {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const a = hex(h); const b = hex(Math.imul(h, 31) + 7); const c = hex(Math.imul(h, 131) + 11); const d = hex(Math.imul(h, 17) + 3);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-8${c.slice(1, 4)}-${c.slice(4)}${d}`;
};

/** An example value of a vendor type: every scalar field, nested models two levels deep, one list item at the top. */
function sample(contract: VendorContract, t: VendorType, name: string, owner: string, depth: number): unknown {
  switch (t.kind) {
    case 'any': return {};
    case 'bytes': return 'UEsDBBQAAAAIAA==';
    case 'binary': return undefined;
    case 'enum': return t.values[0];
    case 'map': return {};
    case 'list': {
      if (depth > 1) return [];
      const item = sample(contract, t.items, name, owner, depth + 1);
      return item === undefined ? [] : [item];
    }
    case 'primitive': {
      if (t.json === 'boolean') return false;
      if (t.json === 'integer') return /size|count|total|number|length/i.test(name) ? 1 : 0;
      if (t.json === 'number') return 1.5;
      if (t.csharp === 'DateTime') return SAMPLE_TIME;
      if (name === 'id' || /Id$/.test(name)) return uuidFor(`${owner}.${name}`);
      if (/^(displayName|name)$/.test(name)) return `Example ${words(owner).toLowerCase()}`;
      if (/At$|^expiration$/.test(name)) return SAMPLE_TIME;
      return `example ${words(name).toLowerCase()}`;
    }
    case 'model': {
      const m = contract.models[t.name];
      if (isEnumModel(m)) return m.enum[0];
      const out: Json = {};
      for (const p of m.properties) {
        const pt = propertyType(contract, p);
        const required = requiredOf(m).includes(p.name);
        const nested = pt.kind === 'model' || pt.kind === 'list' || pt.kind === 'map' || pt.kind === 'any';
        if (nested && depth >= 2 && !required) continue;
        if (pt.kind === 'any' && !required) continue;
        const v = sample(contract, pt, p.name, t.name, depth + 1);
        if (v !== undefined) out[p.name] = v;
      }
      return out;
    }
  }
}

function loadParts(): { head: Json; own: string[]; doc: Json } {
  const head = YAML.parse(readFileSync(path.join(specDir, 'openapi.yaml'), 'utf8')) as Json;
  const doc: Json = { paths: {}, components: {} };
  const own: string[] = [];
  for (const rel of head['x-flowmock-parts'] as string[]) {
    const text = readFileSync(path.join(specDir, rel), 'utf8');
    if (text.startsWith(SCAFFOLD_MARK)) { own.push(rel); continue; }
    const part = (YAML.parse(text) ?? {}) as Json;
    Object.assign(doc.paths, part.paths ?? {});
    for (const [kind, entries] of Object.entries((part.components ?? {}) as Json)) Object.assign((doc.components[kind] ??= {}), entries);
  }
  return { head, own, doc };
}

function main(): void {
  const write = process.argv.includes('--write');
  const contract = loadVendorContract();
  const { head, doc } = loadParts();
  const existingSchemas = new Set(Object.keys(doc.components.schemas ?? {}));
  const missing = contract.operations.filter((o) => !doc.paths[o.path]?.[o.method.toLowerCase()]);

  const parts = new Map<string, { tag: string; paths: Json }>();
  const models = new Set<string>();
  const listExamples = new Set<string>();
  const modelExamples = new Set<string>();

  for (const op of missing) {
    const area = AREAS.find(([re]) => re.test(op.path));
    if (!area) throw new Error(`no area for ${op.path}`);
    const part = parts.get(area[1]) ?? { tag: area[2], paths: {} };
    parts.set(area[1], part);
    const m = op.method.toLowerCase();
    const anonymous = op.security.length === 0;
    const permission = permissionOf(op);
    const ret = parseVendorType(contract, op.returns);
    reach(contract, ret, models);
    const body = op.body ? parseVendorType(contract, op.body.type) : null;
    if (body) reach(contract, body, models);

    const parameters: Json[] = [];
    for (const p of op.pathParams) {
      parameters.push({ name: p.name, in: 'path', required: true, description: `The ${words(p.name).toLowerCase()}.`, schema: { type: 'string', minLength: 1, maxLength: 200 } });
    }
    for (const q of op.query) {
      const t = parseVendorType(contract, q.type);
      if (q.name === 'page' && t.kind === 'primitive' && t.json === 'integer') { parameters.push(ref('parameters', 'Page')); continue; }
      if (q.name === 'size' && t.kind === 'primitive' && t.json === 'integer') { parameters.push(ref('parameters', 'Size')); continue; }
      if (q.name === 'sort' && !q.required) { parameters.push(ref('parameters', 'VendorListSort')); continue; }
      if (q.name === 'filter' && !q.required) { parameters.push(ref('parameters', 'VendorListFilter')); continue; }
      const schema = specSchema(t);
      if (schema.type === 'string' && !schema.enum) schema.maxLength = 2000;
      if (schema.type === 'boolean') schema.default = false;
      parameters.push({ name: q.name, in: 'query', required: q.required, description: QUERY_DESCRIPTIONS[q.name] ?? `The vendor's \`${q.name}\` (${q.type}).`, schema });
    }

    const responses: Json = {};
    const created = CREATES.has(op.operation);
    const okCode = created ? '201' : '200';
    if (ret.kind === 'binary' || (op.operation === 'GetAssetContent')) {
      const media = op.operation === 'GetTemplateContent'
        ? ['application/octet-stream', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']
        : ['application/octet-stream'];
      responses[okCode] = {
        description: 'The bytes.',
        ...(op.operation === 'GetAssetContent' ? { 'x-flowmock-choice': 'the vendor types the answer Object but produces application/octetstream: the asset\'s bytes as application/octet-stream' } : {}),
        content: Object.fromEntries(media.map((mt) => [mt, { schema: { type: 'string', format: 'binary' } }])),
      };
    } else {
      let schema: Json;
      let example: Json;
      if (ret.kind === 'any') {
        schema = { type: 'object' };
        example = { value: {} };
      } else {
        schema = specSchema(ret);
        const model = ret.kind === 'list' && ret.items.kind === 'model' ? ret.items.name : ret.kind === 'model' ? ret.name : null;
        if (model && ret.kind === 'list') { listExamples.add(model); example = ref('examples', `${model}List`); }
        else if (model) { modelExamples.add(model); example = ref('examples', model); }
        else example = { value: sample(contract, ret, 'value', op.operation, 0) };
      }
      responses[okCode] = {
        description: created ? 'Created.' : ret.kind === 'any' && m === 'delete' ? 'Removed.' : 'OK.',
        ...(created ? { headers: { Location: ref('headers', 'VendorLocation') } } : {}),
        content: { 'application/json': { schema, examples: { [created ? 'created' : 'ok']: example } } },
      };
    }
    const hasInput = parameters.length > 0 || body !== null;
    if (hasInput) responses['400'] = ref('responses', 'BadRequest');
    if (!anonymous) responses['401'] = ref('responses', 'Unauthorized');
    if (!anonymous) responses['403'] = ref('responses', 'Forbidden'); // a disabled user, or one without the permission
    if (op.pathParams.length) responses['404'] = ref('responses', 'NotFound');
    if (created || (m === 'delete' && op.query.some((q) => q.name === 'deleteInbound'))) responses['409'] = ref('responses', 'Conflict');
    if (body) { responses['413'] = ref('responses', 'PayloadTooLarge'); responses['415'] = ref('responses', 'UnsupportedMediaType'); }
    responses['501'] = ref('responses', 'NotImplemented');

    const choices: string[] = [];
    if (created) choices.push('201 with Location (as CreatePrinter); a second one with the same displayName is a 409');
    if (responses['409'] && !created) choices.push('409 while other objects depend on it and deleteInbound is false');
    if (!anonymous && !permission) choices.push('any signed-in user (a lookup every client needs); no permission of its own');
    if (op.body && (body?.kind === 'model' || body?.kind === 'bytes')) choices.push('the body is required (the SDK marks every body optional)');

    const operation: Json = {
      operationId: op.operation,
      tags: [part.tag],
      summary: sentence(op.operation),
      description: `The vendor's ${op.operation} (${op.method.toUpperCase()} ${op.path.replace('/api/v1', '')}).${anonymous ? ' No credentials, as in the vendor definition.' : ''}`,
      ...(choices.length ? { 'x-flowmock-choice': choices.join('; ') } : {}),
      ...(permission ? { 'x-flowmock-permission': permission } : {}),
      ...(anonymous ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
    };
    if (op.body && body) {
      if (body.kind === 'bytes') {
        operation.requestBody = { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' }, examples: { bytes: { summary: 'Some bytes', value: 'example bytes' } } } } };
      } else if (body.kind === 'any' && op.body.type === '?') {
        operation.requestBody = ref('requestBodies', 'ListFilter');
      } else if (body.kind === 'any') {
        operation.requestBody = { required: false, content: { 'application/json': { schema: { type: 'object' }, examples: { empty: { value: {} } } } } };
      } else {
        if (body.kind === 'model') modelExamples.add(body.name);
        operation.requestBody = {
          required: true,
          content: { 'application/json': { schema: specSchema(body), examples: { body: body.kind === 'model' ? ref('examples', body.name) : { value: sample(contract, body, 'body', op.operation, 0) } } } },
        };
      }
    }
    operation.responses = responses;
    (part.paths[op.path] ??= {})[m] = operation;
  }

  // Vendor models the spec lacks, and an example per model an operation shows.
  const schemas: Json = {};
  for (const name of [...models].sort()) {
    if (existingSchemas.has(name)) continue;
    const m = contract.models[name];
    if (isEnumModel(m)) { schemas[name] = { type: 'string', description: `The vendor's ${name}.`, enum: m.enum }; continue; }
    schemas[name] = {
      type: 'object',
      description: `The vendor's ${name}.`,
      ...(requiredOf(m).length ? { required: requiredOf(m) } : {}),
      properties: Object.fromEntries(m.properties.map((p) => [p.name, specSchema(propertyType(contract, p))])),
    };
  }
  // Keep only the models something refers to (a property's own enum is inlined, so its named model may be unused).
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(visit); return; }
    if (typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length);
        if (!used.has(name)) { used.add(name); visit(schemas[name]); }
      } else visit(v);
    }
  };
  visit([...parts.values()].map((p) => p.paths));
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  const examples: Json = {};
  for (const name of [...new Set([...modelExamples, ...listExamples])].sort()) {
    const value = sample(contract, { kind: 'model', name }, name, name, 0);
    if (modelExamples.has(name)) examples[name] = { summary: `A ${words(name).toLowerCase()}`, value };
    if (listExamples.has(name)) examples[`${name}List`] = { summary: `A list of ${words(name).toLowerCase()}`, value: [value] };
  }

  const files = new Map<string, string>();
  for (const [file, part] of [...parts].sort()) {
    const ids = Object.values(part.paths).flatMap((item: Json) => Object.values(item).map((o: Json) => o.operationId)).join(', ');
    files.set(`smartflows/${file}.yaml`, `${SCAFFOLD_MARK}.\n# ${part.tag}: ${ids}. As the vendor publishes them; status codes, problems, permissions and\n# examples are flowmock choices. Bundled with the others by scripts/spec-bundle.ts (see spec/openapi.yaml).\n${YAML.stringify({ paths: part.paths }, { lineWidth: 0 })}`);
  }
  files.set('smartflows/vendor-models.yaml', `${SCAFFOLD_MARK}.\n# The vendor models the scaffolded areas reach that no other part defines, their examples, and the shared\n# answers of those areas (the 501 of an operation flowmock does not implement yet).\n${YAML.stringify({
    components: {
      parameters: {
        VendorListSort: {
          name: 'sort', in: 'query',
          description: '`property,asc` or `property,desc` (direction optional, default `asc`) on a top-level property of the listed model.',
          'x-flowmock-choice': 'any top-level property of the listed model; one sort key; default displayName,asc',
          schema: { type: 'string', maxLength: 200, pattern: '^[A-Za-z][A-Za-z0-9.]*(,(asc|desc|ASC|DESC))?$' },
        },
        VendorListFilter: {
          name: 'filter', in: 'query',
          description: 'The vendor\'s query form `property:value,property:value`: each named property contains the value (case-insensitive), all must match.',
          schema: { type: 'string', maxLength: 2000 },
        },
      },
      headers: {
        VendorLocation: { required: true, description: 'Path of the created object.', schema: { type: 'string' }, example: '/api/v1/templates/5b0f3c1e-2a4d-4e6f-8a9b-0c1d2e3f4a5b' },
      },
      responses: {
        NotImplemented: {
          description: 'flowmock does not implement this operation yet; the operation, its parameters and models are the vendor\'s. Credentials, permission and the request are checked first. Through Prism\'s validating proxy a client sees Prism\'s mock of the operation instead: Prism answers an upstream 501 with its own mock.',
          'x-flowmock-choice': 'not yet implemented in flowmock; the operation, its parameters and models are the vendor\'s',
          content: {
            'application/problem+json': {
              schema: ref('schemas', 'Problem'),
              examples: {
                notImplemented: {
                  value: {
                    type: 'urn:flowmock:problem:not-implemented', title: 'Not implemented', status: 501,
                    detail: 'GetTemplates (GET /api/v1/templates) is not implemented in flowmock yet; its parameters and models are the vendor\'s.',
                  },
                },
              },
            },
          },
        },
      },
      schemas,
      examples,
    },
  }, { lineWidth: 0 })}`);

  const tags = [...new Set([...parts.values()].map((p) => p.tag))];
  console.log(`${missing.length} operations missing from the spec; ${Object.keys(schemas).length} models to define; parts: ${[...files.keys()].join(', ')}; tags: ${tags.join(', ')}`);
  if (!write) return;
  for (const [rel, text] of files) writeFileSync(path.join(specDir, rel), text);
  const listed = head['x-flowmock-parts'] as string[];
  const add = [...files.keys()].filter((f) => !listed.includes(f));
  if (add.length) console.log(`add to x-flowmock-parts in spec/openapi.yaml: ${add.join(', ')}`);
}

main();
