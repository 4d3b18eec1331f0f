/**
 * The connector setup wizard (SetupConnector and its current, next, previous, finish and cancel):
 * a walk through the stages of the connector's type (setup-stages.ts), one setup per connector.
 * No HTTP: it takes checked values, returns stages and records, throws ResourceError.
 *
 * The walk is state in the store, so it survives a restart and is the same on both backends: a
 * record of the store's resources (type `connectorSetup`, id the connector's) holding the type,
 * the stage reached and the values collected per stage. It is no collection (never listed, backed
 * up or shown by GetDependencies). Finish writes the collected values into the connector's
 * `properties` (and `active`) and ends the setup; cancel ends it leaving the connector as it was.
 */
import type { ResourceRecord, Store, StoreCollections } from '../../store/types.js';
import { ResourceError, type ResourceProblem } from '../resources/resource-engine.js';
import type { ResourceCollection } from '../resources/collections.js';
import { SETUP_STAGES, type SetupField, type SetupStageDef } from './setup-stages.js';

/** The store resource type of a setup in progress. */
export const SETUP_TYPE = 'connectorSetup';

type Obj = Record<string, unknown>;
type Value = string | number | boolean;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A setup in progress, as stored. */
interface SetupState {
  connectorType: string;
  stage: number;
  /** The values of each stage by stage id, secrets included. */
  values: Record<string, Record<string, Value>>;
}

/** The vendor's ConnectorStage. */
export interface ConnectorStageView {
  id: string;
  title: string;
  description: string;
  schema: Obj;
  model: Obj;
  form: Obj[];
  hasNext: boolean;
  nextDisabled?: string;
  hasPrevious: boolean;
  canFinish: boolean;
}

export interface ConnectorSetupOptions {
  store: Store;
  connectors: ResourceCollection;
  now: () => Date;
}

const conflict = (message: string, pointer = '', rule = 'state') =>
  new ResourceError('conflict', message, pointer ? [{ in: 'path', pointer, rule, message }] : []);

const NOT_STARTED = (id: string) => conflict(`Connector ${id} has no setup in progress; start one with POST /api/v1/connectors/${id}/setup.`, '/connectorId', 'setupNotStarted');

export class ConnectorSetup {
  private readonly store: Store;
  private readonly c: ResourceCollection;
  private readonly now: () => Date;

  constructor(opts: ConnectorSetupOptions) {
    this.store = opts.store;
    this.c = opts.connectors;
    this.now = opts.now;
  }

  /**
   * Starts (or restarts: what an earlier setup collected is dropped) the setup of a connector at
   * its first stage, the fields filled from the connector's properties (secrets included, unshown).
   */
  async start(connectorId: string, userId: string): Promise<ConnectorStageView> {
    return this.store.transaction(async (tx) => {
      const connector = await this.connector(tx, connectorId);
      const type = connectorTypeOf(connector);
      const stages = SETUP_STAGES[type];
      if (!stages) {
        throw new ResourceError('conflict', `Connector ${connectorId} is of connector type ${type || '(none)'}, which has no setup wizard; the types with one: ${Object.keys(SETUP_STAGES).join(', ')}.`,
          [{ in: 'path', pointer: '/connectorId', rule: 'connectorType', message: `connector type ${type || '(none)'} has no setup wizard` }]);
      }
      const props = isObj(connector.body.properties) ? connector.body.properties : {};
      const values: SetupState['values'] = {};
      for (const s of stages) {
        values[s.id] = {};
        for (const f of s.fields) {
          const from = f.name === 'active' ? connector.body.active : props[f.name];
          const v = from !== undefined && checkValue(f, from) === null ? from as Value : f.default;
          if (v !== undefined) values[s.id][f.name] = v;
        }
      }
      const state: SetupState = { connectorType: type, stage: 0, values };
      await this.save(tx, connectorId, state, userId);
      return stageView(stages, state);
    });
  }

  async current(connectorId: string): Promise<ConnectorStageView> {
    const { stages, state } = await this.load(this.store, connectorId);
    return stageView(stages, state);
  }

  /** Checks the body's values for the current stage (every rule, required ones too), keeps them, moves on. */
  async next(connectorId: string, body: Obj, userId: string): Promise<ConnectorStageView> {
    return this.store.transaction(async (tx) => {
      const { stages, state } = await this.load(tx, connectorId);
      const stage = stages[state.stage];
      if (state.stage === stages.length - 1) {
        throw conflict(`${stage.title} is the last stage of the setup of connector ${connectorId}: finish it, or go back with previous.`, '/connectorId', 'lastStage');
      }
      state.values[stage.id] = mergeValues(stage, state.values[stage.id] ?? {}, body, true);
      state.stage++;
      await this.save(tx, connectorId, state, userId);
      return stageView(stages, state);
    });
  }

  /** Keeps the body's values for the current stage (checked, but required ones may be missing yet) and goes back one stage. */
  async previous(connectorId: string, body: Obj, userId: string): Promise<ConnectorStageView> {
    return this.store.transaction(async (tx) => {
      const { stages, state } = await this.load(tx, connectorId);
      const stage = stages[state.stage];
      if (state.stage === 0) {
        throw conflict(`${stage.title} is the first stage of the setup of connector ${connectorId}: there is no previous stage.`, '/connectorId', 'firstStage');
      }
      state.values[stage.id] = mergeValues(stage, state.values[stage.id] ?? {}, body, false);
      state.stage--;
      await this.save(tx, connectorId, state, userId);
      return stageView(stages, state);
    });
  }

  /** At the last stage: writes what the setup collected into the connector and ends the setup. */
  async finish(connectorId: string, body: Obj, userId: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const { stages, state } = await this.load(tx, connectorId);
      const stage = stages[state.stage];
      if (state.stage !== stages.length - 1) {
        throw conflict(`The setup of connector ${connectorId} is at ${stage.title} (stage ${state.stage + 1} of ${stages.length}); finish is possible at ${stages[stages.length - 1].title} only.`, '/connectorId', 'notLastStage');
      }
      mergeValues(stage, {}, body, true); // the review stage takes no values: a field in the body is a 400
      // Every stage was left by next, which checked it; checked again, in case the stages changed under a stored setup.
      for (const s of stages) mergeValues(s, state.values[s.id] ?? {}, {}, true, s.id);
      const connector = await this.connector(tx, connectorId);
      const props: Obj = isObj(connector.body.properties) ? { ...connector.body.properties } : {};
      let active = connector.body.active;
      for (const s of stages) {
        for (const f of s.fields) {
          const v = state.values[s.id]?.[f.name];
          if (f.name === 'active') active = v ?? active;
          else if (v === undefined) delete props[f.name];
          else props[f.name] = v;
        }
      }
      const at = this.now().toISOString();
      await tx.resources.update({ ...connector, body: { ...connector.body, properties: props, ...(active !== undefined ? { active } : {}) }, modifiedAt: at, modifiedBy: userId });
      await tx.resources.delete(SETUP_TYPE, connectorId);
    });
  }

  /** Ends the setup; the connector stays as it was. */
  async cancel(connectorId: string, body: Obj): Promise<void> {
    await this.store.transaction(async (tx) => {
      await this.load(tx, connectorId);
      rejectFields(body, 'cancel takes no values');
      await tx.resources.delete(SETUP_TYPE, connectorId);
    });
  }

  // ---- inside

  private async connector(tx: StoreCollections, id: string): Promise<ResourceRecord> {
    const rec = await tx.resources.byId(this.c.objectType, id);
    if (!rec) throw new ResourceError('notFound', `No ${this.c.objectType} ${id}.`);
    return rec;
  }

  private async load(tx: StoreCollections, connectorId: string): Promise<{ stages: readonly SetupStageDef[]; state: SetupState }> {
    await this.connector(tx, connectorId);
    const rec = await tx.resources.byId(SETUP_TYPE, connectorId);
    if (!rec) throw NOT_STARTED(connectorId);
    const state = rec.body as unknown as SetupState;
    const stages = SETUP_STAGES[state.connectorType];
    if (!stages || state.stage < 0 || state.stage >= stages.length) {
      // A setup stored by another version of the stages: it cannot go on.
      await tx.resources.delete(SETUP_TYPE, connectorId);
      throw NOT_STARTED(connectorId);
    }
    return { stages, state };
  }

  private async save(tx: StoreCollections, connectorId: string, state: SetupState, userId: string): Promise<void> {
    const at = this.now().toISOString();
    const body = state as unknown as Obj;
    const old = await tx.resources.byId(SETUP_TYPE, connectorId);
    if (old) await tx.resources.update({ ...old, body, modifiedAt: at, modifiedBy: userId });
    else await tx.resources.insert({ type: SETUP_TYPE, id: connectorId, body, createdAt: at, createdBy: userId, modifiedAt: at, modifiedBy: userId });
  }
}

function connectorTypeOf(connector: ResourceRecord): string {
  const t = connector.body.connectorType;
  return isObj(t) && typeof t.id === 'string' ? t.id : '';
}

function rejectFields(body: Obj, why: string): void {
  const keys = Object.keys(body);
  if (keys.length) {
    throw new ResourceError('invalid', keys.map((k) => `body /${k}: ${why}`).join('; '),
      keys.map((k) => ({ in: 'body', pointer: `/${esc(k)}`, rule: 'additionalProperties', message: why })));
  }
}

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Null when `v` fits the field, else the broken rule and why. */
function checkValue(f: SetupField, v: unknown): { rule: string; message: string } | null {
  switch (f.type) {
    case 'boolean':
      return typeof v === 'boolean' ? null : { rule: 'type', message: 'must be true or false' };
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return { rule: 'type', message: 'must be a whole number' };
      if (f.minimum !== undefined && v < f.minimum) return { rule: 'minimum', message: `must be >= ${f.minimum}` };
      if (f.maximum !== undefined && v > f.maximum) return { rule: 'maximum', message: `must be <= ${f.maximum}` };
      return null;
    case 'string': {
      if (typeof v !== 'string') return { rule: 'type', message: 'must be a string' };
      if (v === '') return { rule: 'minLength', message: 'must not be empty (send null to clear it)' };
      if (f.maxLength !== undefined && v.length > f.maxLength) return { rule: 'maxLength', message: `must be at most ${f.maxLength} characters` };
      if (f.enum && !f.enum.includes(v)) return { rule: 'enum', message: `must be one of: ${f.enum.join(', ')}` };
      if (f.pattern && !new RegExp(f.pattern).test(v)) return { rule: 'pattern', message: `must match ${f.pattern}` };
      if (f.format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return { rule: 'format', message: 'must be a GUID (8-4-4-4-12 hexadecimal digits)' };
      if (f.format === 'uri' && !isHttpUrl(v)) return { rule: 'format', message: 'must be an absolute http or https URL' };
      return null;
    }
  }
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

function isRequired(f: SetupField, values: Record<string, Value>): boolean {
  if (f.required === true) return true;
  if (!f.required) return false;
  const other = values[f.required.field];
  return typeof other === 'string' && f.required.values.includes(other);
}

/**
 * The stage's values with the body's over them (null clears a field; a secret left out keeps its
 * value); every field the body names is checked, and with `complete` every required field must
 * have a value. Throws one ResourceError naming each field that breaks a rule.
 */
function mergeValues(stage: SetupStageDef, old: Record<string, Value>, body: Obj, complete: boolean, storedStage?: string): Record<string, Value> {
  const problems: ResourceProblem[] = [];
  const out: Record<string, Value> = { ...old };
  const at = storedStage ? `the values of ${storedStage}: ` : '';
  for (const [k, v] of Object.entries(body)) {
    const f = stage.fields.find((x) => x.name === k);
    if (!f) {
      const known = stage.fields.map((x) => x.name);
      problems.push({ in: 'body', pointer: `/${esc(k)}`, rule: 'additionalProperties', message: known.length ? `${stage.title} has no field ${k}; its fields: ${known.join(', ')}` : `${stage.title} takes no values` });
      continue;
    }
    if (v === null) { delete out[k]; continue; }
    const bad = checkValue(f, v);
    if (bad) problems.push({ in: 'body', pointer: `/${esc(k)}`, ...bad });
    else out[k] = v as Value;
  }
  if (complete && !problems.length) {
    for (const f of stage.fields) {
      if (out[f.name] === undefined && isRequired(f, out)) {
        problems.push({ in: 'body', pointer: `/${esc(f.name)}`, rule: 'required', message: `${at}${stage.title} needs ${f.title} (${f.name})` });
      }
    }
  }
  if (problems.length) throw new ResourceError('invalid', problems.map((p) => `body ${p.pointer}: ${p.message}`).join('; '), problems);
  return out;
}

/** The JSON Schema of a stage's model. */
function stageSchema(stage: SetupStageDef): Obj {
  const properties: Obj = {};
  for (const f of stage.fields) {
    properties[f.name] = {
      type: f.type, title: f.title, description: f.description,
      ...(f.enum ? { enum: f.enum } : {}), ...(f.pattern ? { pattern: f.pattern } : {}),
      ...(f.format ? { format: f.format } : {}), ...(f.minimum !== undefined ? { minimum: f.minimum } : {}),
      ...(f.maximum !== undefined ? { maximum: f.maximum } : {}), ...(f.type === 'string' ? { minLength: 1 } : {}),
      ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}), ...(f.default !== undefined ? { default: f.default } : {}),
      ...(f.secret ? { writeOnly: true } : {}),
    };
  }
  return { type: 'object', properties, required: stage.fields.filter((f) => f.required === true).map((f) => f.name), additionalProperties: false };
}

/** The model a stage shows: its values without secrets; the review stage shows every stage's. */
function shownValues(stage: SetupStageDef, values: Record<string, Value>): Obj {
  return Object.fromEntries(Object.entries(values).filter(([k]) => !stage.fields.find((f) => f.name === k)?.secret));
}

function stageView(stages: readonly SetupStageDef[], state: SetupState): ConnectorStageView {
  const stage = stages[state.stage];
  const values = state.values[stage.id] ?? {};
  const last = state.stage === stages.length - 1;
  const model = stage.fields.length
    ? shownValues(stage, values)
    : Object.fromEntries(stages.filter((s) => s.fields.length).map((s) => [s.id, shownValues(s, state.values[s.id] ?? {})]));
  const missing = stage.fields.filter((f) => values[f.name] === undefined && isRequired(f, values)).map((f) => f.name);
  const nextDisabled = last ? `${stage.title} is the last stage: finish applies the settings.`
    : missing.length ? `Needs ${missing.join(', ')}.` : undefined;
  return {
    id: stage.id,
    title: `${stage.title} (${state.stage + 1} of ${stages.length})`,
    description: stage.description,
    schema: stageSchema(stage),
    model,
    form: stage.fields.map((f) => ({
      key: f.name, type: f.type, title: f.title, description: f.description,
      required: f.required === true || (typeof f.required === 'object' && isRequired(f, values)),
      ...(f.enum ? { options: f.enum } : {}), ...(f.secret ? { secret: true, hasValue: values[f.name] !== undefined } : {}),
    })),
    hasNext: !last,
    ...(nextDisabled !== undefined ? { nextDisabled } : {}),
    hasPrevious: state.stage > 0,
    canFinish: last,
  };
}
