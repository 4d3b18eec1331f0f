/**
 * Loads the flow and actionflow definitions of a folder: every `*.yaml` / `*.yml` file directly in
 * it, in name order. All-or-nothing: every problem of every file is collected and thrown together
 * as one DefinitionError, so a broken folder never half-loads.
 *
 * Checks, in order per file: YAML syntax (duplicate keys are errors), the JSON Schema, then what
 * the schema cannot say (unique step ids and parameter names; percentages never going down;
 * JSONata syntax of every expression and template; each step type's own checks, in its module
 * src/engine/steps/<type>.ts, e.g. unique form-field keys). Then across files: unique flow
 * ids, unique (application, name) pairs, unique aliases, and no alias equal to another
 * actionflow's name (the alias URL and the version-10 URL have the same shape).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import YAML, { LineCounter } from 'yaml';
import _Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import _addFormats from 'ajv-formats';
import {
  actionflowDefinitionSchema,
  flowDefinitionSchema,
  ACTIONFLOW_SCHEMA_ID,
  FLOW_SCHEMA_ID,
  PATTERN_DESCRIPTIONS,
  RESERVED_PARAMETER_NAMES,
} from './definition-schema.js';
import { compileExpression, ExpressionSyntaxError, type CompiledExpression } from './expressions.js';
import { compileTemplate, TemplateSyntaxError, type CompiledTemplate } from './template.js';
import type { ActionflowDef, Definitions, FlowDef, StepDef } from './types.js';
import { bodiesOf, isStepType, stepModule } from '../steps/registry.js';

// ajv and ajv-formats are CommonJS with `exports.default`; under NodeNext the default import is
// typed as the module object, while at run time it is the class / plugin itself.
const Ajv2020 = _Ajv2020 as unknown as typeof _Ajv2020.default;
const addFormats = _addFormats as unknown as typeof _addFormats.default;

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

/** A flow step with its compiled parts; absent parts are absent in the definition. */
export interface LoadedStep {
  def: StepDef;
  when?: CompiledExpression;
  message?: CompiledTemplate;
  fileName?: CompiledTemplate;
  template?: CompiledTemplate;
}

export type StepTemplateField = 'message' | 'fileName' | 'template';

export interface LoadedFlow {
  def: FlowDef;
  /** Same order as def.steps. */
  steps: LoadedStep[];
  /** Step id → compiled `when`. */
  conditions: Map<string, CompiledExpression>;
  /** `templateKey(stepId, field)` → compiled template. */
  templates: Map<string, CompiledTemplate>;
}

export interface LoadedActionflow {
  def: ActionflowDef;
  records?: CompiledExpression;
  transform?: CompiledExpression;
  failures: Array<{ when: CompiledExpression; message: CompiledTemplate }>;
  stop?: { when: CompiledExpression; message: CompiledTemplate };
}

export interface LoadedDefinitions {
  flows: LoadedFlow[];
  actionflows: LoadedActionflow[];
}

export const templateKey = (stepId: string, field: StepTemplateField): string => `${stepId}.${field}`;

/** One problem: `file` as shown to people, `pointer` a JSON pointer into the file ('' = whole file). */
export interface DefinitionProblem {
  file: string;
  pointer: string;
  rule: string;
  message: string;
}

export const formatProblem = (p: DefinitionProblem): string => `${p.file}: ${p.pointer || '/'}: ${p.rule}: ${p.message}`;

export class DefinitionError extends Error {
  constructor(readonly problems: DefinitionProblem[]) {
    const n = problems.length;
    super(`${n} problem${n === 1 ? '' : 's'} in the flow definitions:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'DefinitionError';
  }
}

/** A definition file's text; `file` is the name used in messages and `sourceFile`. */
export interface DefinitionSource {
  file: string;
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

const isDefinitionFile = (name: string): boolean => !name.startsWith('.') && /\.ya?ml$/i.test(name);

/** Paths in messages: relative to the working directory when below it, e.g. `flows/order.yaml`. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(file);
  return shown.split(path.sep).join('/');
}

export async function loadDefinitions(dir: string): Promise<LoadedDefinitions> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    names = (await readdir(dir)).filter(isDefinitionFile).sort();
  } catch (err) {
    throw ioError(dir, err);
  }
  const sources = await Promise.all(
    names.map(async (name): Promise<DefinitionSource | DefinitionProblem> => {
      const file = path.join(dir, name);
      try {
        return { file: displayPath(file), text: await readFile(file, 'utf8') };
      } catch (err) {
        return ioProblem(file, err);
      }
    }),
  );
  return finish(sources);
}

/** The same as loadDefinitions, for callers that cannot await (e.g. a CLI's `check` command). */
export function loadDefinitionsSync(dir: string): LoadedDefinitions {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir).filter(isDefinitionFile).sort();
  } catch (err) {
    throw ioError(dir, err);
  }
  const sources = names.map((name): DefinitionSource | DefinitionProblem => {
    const file = path.join(dir, name);
    try {
      return { file: displayPath(file), text: readFileSync(file, 'utf8') };
    } catch (err) {
      return ioProblem(file, err);
    }
  });
  return finish(sources);
}

function ioProblem(file: string, err: unknown): DefinitionProblem {
  const detail = (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? String(err);
  return { file: displayPath(file), pointer: '', rule: 'io', message: `cannot read: ${detail}` };
}
const ioError = (dir: string, err: unknown) => new DefinitionError([ioProblem(dir, err)]);

function finish(items: Array<DefinitionSource | DefinitionProblem>): LoadedDefinitions {
  const ioProblems = items.filter((i): i is DefinitionProblem => 'rule' in i);
  const sources = items.filter((i): i is DefinitionSource => 'text' in i);
  return loadDefinitionSources(sources, ioProblems);
}

/** Loads definitions from texts already read, in the order given. Throws DefinitionError. */
export function loadDefinitionSources(sources: DefinitionSource[], earlierProblems: DefinitionProblem[] = []): LoadedDefinitions {
  const problems: DefinitionProblem[] = [...earlierProblems];
  const flows: LoadedFlow[] = [];
  const actionflows: LoadedActionflow[] = [];
  for (const source of sources) {
    const loaded = loadFile(source, problems);
    if (loaded?.kind === 'flow') flows.push(loaded.flow);
    if (loaded?.kind === 'actionflow') actionflows.push(loaded.actionflow);
  }
  checkAcrossFiles(flows, actionflows, problems);
  if (problems.length > 0) throw new DefinitionError(problems);
  for (const f of flows) deepFreeze(f.def);
  for (const a of actionflows) deepFreeze(a.def);
  return { flows, actionflows };
}

// ---------------------------------------------------------------------------------------------
// Lookups the HTTP handlers need
// ---------------------------------------------------------------------------------------------

export function findFlow(defs: LoadedDefinitions, id: string): LoadedFlow | undefined {
  const wanted = id.toLowerCase();
  return defs.flows.find((f) => f.def.id.toLowerCase() === wanted);
}

/** 11.1.1+ URL: `/action/<application>/<name>/trigger`. Names compare exactly. */
export function findActionflow(defs: LoadedDefinitions, application: string, name: string): LoadedActionflow | undefined {
  return defs.actionflows.find((a) => a.def.application === application && a.def.name === name);
}

/** Version-10 URL `/action/<name>/trigger`: all matches; more than one makes the URL ambiguous. */
export function findActionflowsByName(defs: LoadedDefinitions, name: string): LoadedActionflow[] {
  return defs.actionflows.filter((a) => a.def.name === name);
}

export function findActionflowByAlias(defs: LoadedDefinitions, alias: string): LoadedActionflow | undefined {
  return defs.actionflows.find((a) => a.def.alias === alias);
}

/** The plain definitions, without compiled parts. */
export function toDefinitions(defs: LoadedDefinitions): Definitions {
  return { flows: defs.flows.map((f) => f.def), actionflows: defs.actionflows.map((a) => a.def) };
}

// ---------------------------------------------------------------------------------------------
// One file
// ---------------------------------------------------------------------------------------------

type LoadedFile = { kind: 'flow'; flow: LoadedFlow } | { kind: 'actionflow'; actionflow: LoadedActionflow };

/** Reports problems of one file; knows where in the YAML text a pointer is, for line numbers. */
class FileReporter {
  constructor(
    readonly file: string,
    private readonly problems: DefinitionProblem[],
    private readonly doc?: YAML.Document,
    private readonly lines?: LineCounter,
  ) {}

  private readonly seen = new Set<string>();

  add(pointer: string, rule: string, message: string): void {
    // A step's generic schema and its type's schema can both report the same missing property.
    const key = JSON.stringify([pointer, rule, message]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const line = this.lineOf(pointer);
    this.problems.push({ file: this.file, pointer, rule, message: line ? `${message} (line ${line})` : message });
  }

  /** Line of the node at `pointer`, or of its nearest existing ancestor. */
  private lineOf(pointer: string): number | undefined {
    if (!this.doc || !this.lines) return undefined;
    const segments = pointer.split('/').slice(1).map(unescapePointer);
    for (let n = segments.length; n >= 0; n--) {
      const node = nodeAt(this.doc.contents, segments.slice(0, n));
      if (node?.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }
}

function loadFile(source: DefinitionSource, problems: DefinitionProblem[]): LoadedFile | undefined {
  const lines = new LineCounter();
  const doc = YAML.parseDocument(source.text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const at = lines.linePos(e.pos[0]);
      const where = ` (line ${at.line}, column ${at.col})`;
      if (e.code === 'DUPLICATE_KEY') {
        problems.push({ file: source.file, pointer: pointerAtOffset(doc.contents, e.pos[0], ''), rule: 'duplicate-key', message: `duplicate key${where}` });
      } else {
        problems.push({ file: source.file, pointer: '', rule: 'yaml', message: `${e.message}${where}` });
      }
    }
    return undefined;
  }
  const report = new FileReporter(source.file, problems, doc, lines);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    report.add('', 'yaml', (err as Error).message);
    return undefined;
  }

  const kind = isRecord(data) ? data.kind : undefined;
  if (kind !== undefined && kind !== 'flow' && kind !== 'actionflow') {
    report.add('/kind', 'enum', 'must be "flow" or "actionflow" (a file without kind is a flow)');
    return undefined;
  }
  const isActionflow = kind === 'actionflow';
  const validators = getValidators();
  const validate = isActionflow ? validators.actionflow : validators.flow;
  if (!validate(data)) for (const e of validate.errors ?? []) reportSchemaError(e, report);

  // Checked even when the schema failed, so one run shows everything; the result is only used
  // when there are no problems at all, so the casts below never escape a broken file.
  const record = isRecord(data) ? data : {};
  return isActionflow
    ? { kind: 'actionflow', actionflow: checkActionflow(record, report) }
    : { kind: 'flow', flow: checkFlow(record, report) };
}

// ---------------------------------------------------------------------------------------------
// Schema errors
// ---------------------------------------------------------------------------------------------

let validators: { flow: ValidateFunction; actionflow: ValidateFunction } | undefined;

function getValidators() {
  if (!validators) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    ajv.addSchema(flowDefinitionSchema).addSchema(actionflowDefinitionSchema);
    validators = { flow: ajv.getSchema(FLOW_SCHEMA_ID)!, actionflow: ajv.getSchema(ACTIONFLOW_SCHEMA_ID)! };
  }
  return validators;
}

function reportSchemaError(e: ErrorObject, report: FileReporter): void {
  const params = e.params as Record<string, unknown>;
  let pointer = e.instancePath;
  let rule = e.keyword;
  let message = e.message ?? 'is invalid';
  switch (e.keyword) {
    case 'if':
      return; // the failing `then` branch has already reported the actual problem
    case 'required':
      pointer += `/${escapePointer(String(params.missingProperty))}`;
      message = 'is required';
      break;
    case 'additionalProperties':
      pointer += `/${escapePointer(String(params.additionalProperty))}`;
      message = 'is not allowed here (unknown property)';
      break;
    case 'false schema':
      rule = 'not-allowed';
      message = 'is not allowed here';
      break;
    case 'enum':
      message = `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'const':
      message = `must be ${JSON.stringify(params.allowedValue)}`;
      break;
    case 'pattern': {
      const meaning = PATTERN_DESCRIPTIONS.get(String(params.pattern));
      if (meaning) message = `must be ${meaning}`;
      break;
    }
    case 'not':
      if (/\/parameters\/\d+\/name$/.test(pointer)) message = `is a reserved input name (${RESERVED_PARAMETER_NAMES.join(', ')})`;
      break;
    case 'propertyNames':
      pointer += `/${escapePointer(String(params.propertyName))}`;
      message = 'is not a valid name here (an HTTP header name)';
      break;
  }
  // propertyNames also reports the inner failure against the object itself: once is enough.
  if (e.propertyName !== undefined && e.keyword !== 'propertyNames') return;
  report.add(pointer, rule, message);
}

// ---------------------------------------------------------------------------------------------
// Flows
// ---------------------------------------------------------------------------------------------

function checkFlow(data: Record<string, unknown>, report: FileReporter): LoadedFlow {
  const def = { kind: 'flow', ...data, sourceFile: report.file } as unknown as FlowDef;
  const flow: LoadedFlow = { def, steps: [], conditions: new Map(), templates: new Map() };
  checkWebhook(data.webhook, report);

  if (Array.isArray(data.steps) === Array.isArray(data.zones)) {
    report.add('', 'steps-or-zones', Array.isArray(data.steps) ? 'has both "steps" and "zones"; give one of them' : 'must have "steps" or "zones"');
  }
  // Zones (vendor FlowZone) are flattened into `steps`; the zone of each step id is kept for the report.
  const topLevel: Array<{ raw: unknown; at: string }> = [];
  if (Array.isArray(data.zones)) {
    const zoneIds = new Map<string, number>();
    const zones: NonNullable<FlowDef['zones']> = [];
    data.zones.forEach((zone: unknown, z) => {
      if (!isRecord(zone) || typeof zone.id !== 'string' || !Array.isArray(zone.steps)) return;
      const first = zoneIds.get(zone.id);
      if (first !== undefined) report.add(`/zones/${z}/id`, 'unique-zone-id', `zone id "${zone.id}" is already used by /zones/${first}`);
      else zoneIds.set(zone.id, z);
      zone.steps.forEach((raw: unknown, i) => topLevel.push({ raw, at: `/zones/${z}/steps/${i}` }));
      const ids = zone.steps.filter(isRecord).map((st) => st.id).filter((id): id is string => typeof id === 'string');
      zones.push({ id: zone.id, ...(typeof zone.displayName === 'string' ? { displayName: zone.displayName } : {}), steps: ids });
    });
    def.zones = zones;
    def.steps = topLevel.map((t) => t.raw as StepDef);
  } else if (Array.isArray(data.steps)) {
    data.steps.forEach((raw: unknown, i) => topLevel.push({ raw, at: `/steps/${i}` }));
  }

  const stepIds = new Map<string, string>();
  let highest: { percentage: number; at: string } | undefined;

  const checkStep = (raw: unknown, at: string, nested: boolean): void => {
    if (!isRecord(raw)) return;
    const step = raw as unknown as StepDef;
    const loaded: LoadedStep = { def: step };
    if (!nested) flow.steps.push(loaded);

    if (typeof raw.id === 'string') {
      const first = stepIds.get(raw.id);
      if (first !== undefined) report.add(`${at}/id`, 'unique-step-id', `step id "${raw.id}" is already used by ${first}`);
      else stepIds.set(raw.id, at);
    }

    // Percentages are checked along the top level only: branches are alternatives, and the
    // engine never lowers the percentage anyway.
    if (!nested && typeof raw.percentage === 'number') {
      if (highest && raw.percentage < highest.percentage) {
        report.add(
          `${at}/percentage`,
          'monotone-percentage',
          `${raw.percentage} is lower than ${highest.percentage} at ${highest.at}/percentage; the percentage never goes down`,
        );
      } else {
        highest = { percentage: raw.percentage, at };
      }
    }

    // The step type's own checks (its module: src/engine/steps/<type>.ts).
    const module = isStepType(raw.type) ? stepModule(raw.type) : undefined;
    module?.check?.(raw, at, report, nested);

    const id = typeof raw.id === 'string' ? raw.id : undefined;
    loaded.when = expressionAt(raw.when, `${at}/when`, report);
    if (loaded.when && id) flow.conditions.set(id, loaded.when);
    // The type's own expressions (constructs' condition, value, items): compiled under
    // `<id>#<field>` (flows/step-expressions.ts reads them there).
    for (const field of module?.expressions ?? []) {
      const compiled = expressionAt(raw[field], `${at}/${field}`, report);
      if (compiled && id) flow.conditions.set(`${id}#${field}`, compiled);
    }
    for (const field of ['message', 'fileName', 'template'] as const) {
      const compiled = templateAt(raw[field], `${at}/${field}`, report);
      if (!compiled) continue;
      loaded[field] = compiled;
      if (id) flow.templates.set(templateKey(id, field), compiled);
    }
    for (const field of module?.templates ?? []) templateAt(raw[field], `${at}/${field}`, report);

    for (const body of bodiesOf(step)) {
      if (!Array.isArray(body.steps)) continue;
      body.steps.forEach((inner, i) => checkStep(inner, `${at}/${body.at}/${i}`, true));
    }
  };
  for (const { raw, at } of topLevel) checkStep(raw, at, false);
  return flow;
}

// ---------------------------------------------------------------------------------------------
// Actionflows
// ---------------------------------------------------------------------------------------------

function checkActionflow(data: Record<string, unknown>, report: FileReporter): LoadedActionflow {
  const def = {
    kind: 'actionflow',
    allowAnonymous: false,
    logRequest: false,
    logResponse: false,
    parameters: [],
    failures: [],
    recordDelayMs: 0,
    ...data,
    sourceFile: report.file,
  } as unknown as ActionflowDef;

  checkWebhook(data.webhook, report);
  const parameters = Array.isArray(data.parameters) ? data.parameters : [];
  const names = new Map<string, number>();
  parameters.forEach((p: unknown, i) => {
    if (!isRecord(p) || typeof p.name !== 'string') return;
    const first = names.get(p.name);
    if (first !== undefined) report.add(`/parameters/${i}/name`, 'unique-parameter-name', `parameter "${p.name}" is already declared at /parameters/${first}`);
    else names.set(p.name, i);
  });

  const output = isRecord(data.output) ? data.output : {};
  const loaded: LoadedActionflow = {
    def,
    records: expressionAt(data.records, '/records', report),
    transform: expressionAt(output.transform, '/output/transform', report),
    failures: [],
  };
  const failures = Array.isArray(data.failures) ? data.failures : [];
  failures.forEach((f: unknown, i) => {
    const rule = whenAndMessageAt(f, `/failures/${i}`, report);
    if (rule) loaded.failures.push(rule);
  });
  const stop = whenAndMessageAt(data.stop, '/stop', report);
  if (stop) loaded.stop = stop;
  return loaded;
}

/**
 * A webhook may only call this machine (flowmock extension): its host must be a loopback
 * address, 127.0.0.0/8, [::1] or `localhost`, as the URL parser normalises it (so `127.1` and
 * `0x7f.0.0.1` count, `[::ffff:127.0.0.1]` does not). The schema has checked the URL's form.
 */
function checkWebhook(value: unknown, report: FileReporter): void {
  if (!isRecord(value) || typeof value.url !== 'string') return;
  let url: URL;
  try {
    url = new URL(value.url);
  } catch {
    return; // the schema's format check reports it
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return; // the schema's pattern reports it
  if (!isLoopbackHost(url.hostname)) {
    report.add('/webhook/url', 'loopback-url',
      `host "${url.hostname}" is not a loopback address; webhooks may only call 127.0.0.0/8, [::1] or localhost`);
  }
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m !== null && Number(m[1]) === 127 && m.slice(2).every((o) => Number(o) <= 255);
}

function whenAndMessageAt(value: unknown, at: string, report: FileReporter) {
  if (!isRecord(value)) return undefined;
  const when = expressionAt(value.when, `${at}/when`, report);
  const message = templateAt(value.message, `${at}/message`, report);
  return when && message ? { when, message } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Expressions and templates
// ---------------------------------------------------------------------------------------------

function expressionAt(value: unknown, pointer: string, report: FileReporter): CompiledExpression | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined; // the schema reports these
  try {
    return compileExpression(value);
  } catch (err) {
    if (!(err instanceof ExpressionSyntaxError)) throw err;
    report.add(pointer, 'jsonata', err.message);
    return undefined;
  }
}

function templateAt(value: unknown, pointer: string, report: FileReporter): CompiledTemplate | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return compileTemplate(value);
  } catch (err) {
    if (!(err instanceof TemplateSyntaxError)) throw err;
    report.add(pointer, 'template', err.message);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Across files
// ---------------------------------------------------------------------------------------------

function checkAcrossFiles(flows: LoadedFlow[], actionflows: LoadedActionflow[], problems: DefinitionProblem[]): void {
  const add = (file: string, pointer: string, rule: string, message: string) => problems.push({ file, pointer, rule, message });

  const flowIds = new Map<string, string>();
  for (const { def } of flows) {
    if (typeof def.id !== 'string') continue;
    const id = def.id.toLowerCase(); // UUIDs compare case-insensitively
    const first = flowIds.get(id);
    if (first !== undefined) add(def.sourceFile, '/id', 'unique-flow-id', `flow id ${def.id} is already used by ${first}`);
    else flowIds.set(id, def.sourceFile);
  }

  const names = new Map<string, string>(); // application + name → file
  const byName = new Map<string, ActionflowDef[]>();
  for (const { def } of actionflows) {
    if (typeof def.application !== 'string' || typeof def.name !== 'string') continue;
    const key = JSON.stringify([def.application, def.name]);
    const first = names.get(key);
    if (first !== undefined) {
      add(def.sourceFile, '/name', 'unique-actionflow-name', `actionflow "${def.name}" already exists in application "${def.application}" (${first})`);
    } else {
      names.set(key, def.sourceFile);
    }
    byName.set(def.name, [...(byName.get(def.name) ?? []), def]);
  }

  const aliases = new Map<string, string>();
  for (const { def } of actionflows) {
    if (typeof def.alias !== 'string') continue;
    const first = aliases.get(def.alias);
    if (first !== undefined) add(def.sourceFile, '/alias', 'unique-alias', `alias "${def.alias}" is already used by ${first}`);
    else aliases.set(def.alias, def.sourceFile);
    const other = (byName.get(def.alias) ?? []).find((o) => o !== def);
    if (other) {
      add(def.sourceFile, '/alias', 'alias-clash', `alias "${def.alias}" is the name of the actionflow in ${other.sourceFile}; the URLs would clash`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');

function keyText(key: unknown): string {
  return YAML.isScalar(key) ? String(key.value) : String(key);
}

/** The YAML node at a path of keys / indexes, if there is one. */
function nodeAt(node: unknown, segments: string[]): YAML.Node | undefined {
  let current = node;
  for (const segment of segments) {
    if (YAML.isMap(current)) current = current.items.find((pair) => keyText(pair.key) === segment)?.value;
    else if (YAML.isSeq(current)) current = current.items[Number(segment)];
    else return undefined;
  }
  return YAML.isNode(current) ? current : undefined;
}

/** JSON pointer of the innermost key or value at a character offset (to place duplicate keys). */
function pointerAtOffset(node: unknown, offset: number, prefix: string): string {
  const within = (n: unknown) => YAML.isNode(n) && n.range && offset >= n.range[0] && offset < n.range[2];
  if (YAML.isMap(node)) {
    for (const pair of node.items) {
      const here = `${prefix}/${escapePointer(keyText(pair.key))}`;
      if (within(pair.key)) return here;
      if (within(pair.value)) return pointerAtOffset(pair.value, offset, here);
    }
  } else if (YAML.isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      if (within(item)) return pointerAtOffset(item, offset, `${prefix}/${i}`);
    }
  }
  return prefix;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
