/**
 * A vendor Flow (CreateFlow/UpdateFlow body) as a flow definition the engine runs: zones of the
 * body (preZones, genDocZone, postZones, in that order) become definition zones, a FlowDoStep
 * block a step of the type its `stepId` names (one of DO_STEP_TYPES, its `parameters` the step's
 * fields), FlowCondition an `if` (a group of JSONata expression conditions joined by and/or),
 * FlowTry a `try`, FlowSwitch a `switch`. The result goes through the same loader as a definition
 * file, so every rule of the file format applies; problems name JSON pointers into the vendor body.
 */
import { DO_STEP_TYPES } from '../steps/registry.js';
import { DefinitionError, loadDefinitionSources, type LoadedFlow } from './load.js';

type Obj = Record<string, unknown>;

export interface FlowBodyProblem { pointer: string; rule: string; message: string }

/** The vendor Flow cannot be run; each problem names where (a JSON pointer into the Flow) and why. */
export class FlowBodyError extends Error {
  constructor(readonly problems: FlowBodyProblem[]) {
    super(problems.map((p) => `${p.pointer || '/'}: ${p.message} (${p.rule})`).join('; '));
    this.name = 'FlowBodyError';
  }
}

const RUNNABLE = new Set<string>(DO_STEP_TYPES);
/** Blocks per flow, nested ones included: translating and compiling stays a few milliseconds. */
export const MAX_FLOW_BLOCKS = 500;
const ZONE_LISTS = ['preZones', 'genDocZone', 'postZones'] as const;

/** Where a definition part came from: definition pointer → vendor pointer, and how its fields map. */
interface Origin { def: string; vendor: string; fields: (rest: string) => string }

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

class Translator {
  readonly problems: FlowBodyProblem[] = [];
  readonly origins: Origin[] = [];
  private blocks = 0;

  fail(pointer: string, rule: string, message: string): void {
    this.problems.push({ pointer, rule, message });
  }

  /** The blocks of a list of zones, flattened (nested bodies keep no zone ids of their own). */
  bodySteps(zones: unknown, vendor: string, def: string): Obj[] {
    if (zones === undefined) return [];
    if (!Array.isArray(zones)) { this.fail(vendor, 'type', 'must be an array of FlowZone'); return []; }
    const steps: Obj[] = [];
    zones.forEach((zone, z) => { steps.push(...this.zoneSteps(zone, `${vendor}/${z}`, def, steps.length)); });
    return steps;
  }

  /** One zone's blocks as steps, numbered in the definition list from `first`. */
  zoneSteps(zone: unknown, at: string, def: string, first = 0): Obj[] {
    if (!isObj(zone)) { this.fail(at, 'type', 'must be a FlowZone object'); return []; }
    if (zone.blocks !== undefined && !Array.isArray(zone.blocks)) { this.fail(`${at}/blocks`, 'type', 'must be an array of FlowBlock'); return []; }
    const steps: Obj[] = [];
    arr(zone.blocks).forEach((block, b) => {
      const step = this.block(block, `${at}/blocks/${b}`, `${def}/${first + steps.length}`);
      if (step) steps.push(step);
    });
    return steps;
  }

  block(block: unknown, vendor: string, def: string): Obj | undefined {
    if (!isObj(block)) { this.fail(vendor, 'type', 'must be a FlowBlock object'); return undefined; }
    if (++this.blocks > MAX_FLOW_BLOCKS) {
      if (this.blocks === MAX_FLOW_BLOCKS + 1) this.fail(vendor, 'maxBlocks', `a flow has at most ${MAX_FLOW_BLOCKS} blocks (nested ones included); this is block ${this.blocks}`);
      return undefined;
    }
    const kinds = (['step', 'condition', 'try', 'switch'] as const).filter((k) => block[k] !== undefined && block[k] !== null);
    if (kinds.length !== 1) {
      this.fail(vendor, 'blockKind', kinds.length === 0
        ? 'a block needs one of step, condition, try or switch'
        : `a block has exactly one of step, condition, try or switch, not ${kinds.join(' and ')}`);
      return undefined;
    }
    if (typeof block.id !== 'string' || block.id === '') { this.fail(`${vendor}/id`, 'required', 'a block needs an id (the report block id)'); return undefined; }
    const head: Obj = { id: block.id, ...(typeof block.displayName === 'string' ? { displayName: block.displayName } : {}) };
    const kind = kinds[0];
    const part = block[kind];
    const at = `${vendor}/${kind}`;
    if (!isObj(part)) { this.fail(at, 'type', `must be a Flow${kind === 'step' ? 'DoStep' : kind[0].toUpperCase() + kind.slice(1)} object`); return undefined; }
    const common = (rest: string): string | undefined =>
      rest === '' || rest === '/id' || rest === '/displayName' ? `${vendor}${rest}` : undefined;
    switch (kind) {
      case 'step': {
        const stepId = part.stepId;
        if (typeof stepId !== 'string' || !RUNNABLE.has(stepId)) {
          this.fail(`${at}/stepId`, 'runnableStep', `${JSON.stringify(stepId ?? null)} is not a runnable step type; runnable: ${DO_STEP_TYPES.join(', ')} (GetFlowSteps; conditions, try and switch are blocks of their own)`);
          return undefined;
        }
        const params = part.parameters ?? {};
        if (!isObj(params)) { this.fail(`${at}/parameters`, 'type', `must be an object: the fields of a ${stepId} step (GetFlowStep ${stepId})`); return undefined; }
        for (const reserved of ['id', 'type']) {
          if (reserved in params) { this.fail(`${at}/parameters/${reserved}`, 'reserved', `is set by the block (${reserved === 'id' ? 'its id' : 'step.stepId'}), not by parameters`); return undefined; }
        }
        this.origins.push({ def, vendor, fields: (rest) => common(rest) ?? (rest === '/type' ? `${at}/stepId` : `${at}/parameters${rest}`) });
        return { ...head, type: stepId, ...params };
      }
      case 'condition': {
        const condition = this.conditionGroup(part.conditions, `${at}/conditions`);
        if (condition === undefined) return undefined;
        this.origins.push({ def, vendor, fields: (rest) => common(rest) ?? (rest.startsWith('/condition') ? `${at}/conditions` : vendor) });
        const then = this.bodySteps(part.bodyIfTrue, `${at}/bodyIfTrue`, `${def}/then`);
        const otherwise = this.bodySteps(part.bodyIfFalse, `${at}/bodyIfFalse`, `${def}/else`);
        return { ...head, type: 'if', condition, then, ...(otherwise.length ? { else: otherwise } : {}) };
      }
      case 'try': {
        this.origins.push({ def, vendor, fields: (rest) => common(rest) ?? vendor });
        const tryBody = this.bodySteps(part.bodyTry, `${at}/bodyTry`, `${def}/try`);
        const catchBody = this.bodySteps(part.bodyCatch, `${at}/bodyCatch`, `${def}/catch`);
        return { ...head, type: 'try', try: tryBody, ...(catchBody.length ? { catch: catchBody } : {}) };
      }
      case 'switch': {
        if (typeof part.switchValue !== 'string' || part.switchValue.trim() === '') {
          this.fail(`${at}/switchValue`, 'expression', 'must be a JSONata expression (text) whose result is compared with each caseValue');
          return undefined;
        }
        if (part.cases !== undefined && !Array.isArray(part.cases)) { this.fail(`${at}/cases`, 'type', 'must be an array of FlowSwitchCases'); return undefined; }
        this.origins.push({
          def, vendor,
          fields: (rest) => common(rest) ?? (rest.startsWith('/value') ? `${at}/switchValue`
            : /^\/cases\/\d+\/value/.test(rest) ? `${at}${rest.replace(/^(\/cases\/\d+)\/value.*/, '$1/caseValue')}`
              : /^\/cases\/\d+/.test(rest) ? `${at}${rest.replace(/^(\/cases\/\d+).*/, '$1')}` : at),
        });
        const cases: Obj[] = [];
        arr(part.cases).forEach((c, n) => {
          const cat = `${at}/cases/${n}`;
          if (!isObj(c)) { this.fail(cat, 'type', 'must be a FlowSwitchCases object'); return; }
          if (typeof c.caseValue !== 'string') { this.fail(`${cat}/caseValue`, 'required', 'a case needs a caseValue (text)'); return; }
          cases.push({ value: c.caseValue, steps: this.bodySteps(c.caseBody, `${cat}/caseBody`, `${def}/cases/${cases.length}/steps`) });
        });
        const dflt = this.bodySteps(part.default, `${at}/default`, `${def}/default`);
        return { ...head, type: 'switch', value: part.switchValue, cases, ...(dflt.length ? { default: dflt } : {}) };
      }
    }
  }

  /** A FlowConditionGroup of expression conditions as one JSONata expression. */
  conditionGroup(group: unknown, at: string): string | undefined {
    if (!isObj(group)) { this.fail(at, 'required', 'a condition block needs conditions (a FlowConditionGroup)'); return undefined; }
    const joiner = group.type === 'or' ? ' or ' : group.type === 'and' || group.type === undefined ? ' and ' : undefined;
    if (!joiner) { this.fail(`${at}/type`, 'enum', 'must be and or or'); return undefined; }
    const parts: string[] = [];
    for (const [n, node] of arr(group.nodes).entries()) {
      const nat = `${at}/nodes/${n}`;
      if (!isObj(node)) { this.fail(nat, 'type', 'must be a FlowConditionNode object'); return undefined; }
      if (node.group !== undefined && node.group !== null) {
        const inner = this.conditionGroup(node.group, `${nat}/group`);
        if (inner === undefined) return undefined;
        parts.push(`(${inner})`);
        continue;
      }
      const c = node.condition;
      if (!isObj(c) || c.type !== 'expression' || typeof c.expression !== 'string' || c.expression.trim() === '') {
        this.fail(`${nat}/condition`, 'expressionCondition', 'runnable conditions are {type: expression, expression: <JSONata>} (checkValue, occurrence and the other structured conditions are not)');
        return undefined;
      }
      parts.push(`(${c.expression})`);
    }
    if (parts.length === 0) return joiner === ' and ' ? 'true' : 'false';
    return parts.join(joiner);
  }

  /** The vendor pointer of a definition pointer (the loader's problems point into the definition). */
  vendorPointer(defPointer: string): string {
    let best: Origin | undefined;
    for (const o of this.origins) {
      if ((defPointer === o.def || defPointer.startsWith(`${o.def}/`)) && (!best || o.def.length > best.def.length)) best = o;
    }
    if (best) return best.fields(defPointer.slice(best.def.length));
    const zone = /^\/zones\/(\d+)(\/(id|displayName))?/.exec(defPointer);
    if (zone) return `/body/zones/${zone[1]}${zone[2] ?? ''}`;
    if (/^\/(id|displayName|description)$/.test(defPointer)) return defPointer;
    if (defPointer.startsWith('/input')) return '/input';
    return defPointer === '' ? '' : '/body';
  }
}

const INPUT_KINDS: Record<string, string> = { none: 'none', user: 'any', plugin: 'plugin' };

/**
 * Translates and loads a vendor Flow; `id` is the flow's id (the body's own is ignored).
 * Throws FlowBodyError naming every problem found.
 */
export function translateVendorFlow(flow: Obj, id: string): LoadedFlow {
  const t = new Translator();
  const body = flow.body ?? {};
  const zones: Obj[] = [];
  const zoneVendor: string[] = [];
  if (!isObj(body)) t.fail('/body', 'type', 'must be a FlowBody object');
  else {
    if (arr(body.postProcessingSteps).length > 0) {
      t.fail('/body/postProcessingSteps', 'runnableStep', 'post-processing steps are not runnable in flowmock; put the work in a zone as FlowDoStep blocks');
    }
    for (const key of ZONE_LISTS) {
      const value = body[key];
      if (value === undefined || value === null) continue;
      const list = key === 'genDocZone' ? [value] : value;
      if (!Array.isArray(list)) { t.fail(`/body/${key}`, 'type', 'must be an array of FlowZone'); continue; }
      list.forEach((zone, z) => {
        const at = key === 'genDocZone' ? `/body/${key}` : `/body/${key}/${z}`;
        if (!isObj(zone)) { t.fail(at, 'type', 'must be a FlowZone object'); return; }
        const zoneId = typeof zone.id === 'string' && zone.id !== '' ? zone.id : `${key}-${z + 1}`;
        const defAt = `/zones/${zones.length}/steps`;
        zoneVendor.push(at);
        const steps = t.zoneSteps(zone, at, defAt);
        zones.push({ id: zoneId, ...(typeof zone.displayName === 'string' ? { displayName: zone.displayName } : {}), steps });
      });
    }
  }
  const inputType = isObj(flow.input) && typeof flow.input.type === 'string' ? flow.input.type : 'none';
  if (!(inputType in INPUT_KINDS)) t.fail('/input/type', 'enum', 'must be none, user or plugin');
  if (t.problems.length > 0) throw new FlowBodyError(t.problems);

  const def: Obj = {
    kind: 'flow', id,
    displayName: typeof flow.displayName === 'string' && flow.displayName !== '' ? flow.displayName : id,
    ...(typeof flow.description === 'string' && flow.description !== '' ? { description: flow.description } : {}),
    input: { kind: INPUT_KINDS[inputType] },
    zones: zones.filter((z) => (z.steps as Obj[]).length > 0),
  };
  try {
    const loaded = loadDefinitionSources([{ file: `api:flows/${id}`, text: JSON.stringify(def) }]);
    return loaded.flows[0];
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    const emptyZones = zones.map((z, n) => ((z.steps as Obj[]).length > 0 ? n : -1)).filter((n) => n >= 0);
    throw new FlowBodyError(err.problems.map((p) => {
      // Definition zones are the non-empty body zones, in order.
      const zoneMatch = /^\/zones\/(\d+)(\/(id|displayName))?$/.exec(p.pointer);
      const pointer = zoneMatch ? `${zoneVendor[emptyZones[Number(zoneMatch[1])]]}${zoneMatch[2] ?? ''}` : t.vendorPointer(remapZone(p.pointer, emptyZones));
      const message = p.message.replace(/ \(line \d+(, column \d+)?\)$/, '')
        .replace(/\/zones\/\d+\/steps(\/[\w~.-]+)*/g, (ref) => t.vendorPointer(remapZone(ref, emptyZones)));
      return { pointer, rule: p.rule, message };
    }));
  }
}

/** Definition zone index (non-empty zones only) → the index the translator recorded origins with. */
function remapZone(pointer: string, kept: number[]): string {
  return pointer.replace(/^\/zones\/(\d+)/, (_m, n: string) => `/zones/${kept[Number(n)] ?? n}`);
}
