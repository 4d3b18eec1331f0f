/**
 * The flow engine's memo caches, in one object the composition root (src/services.ts) builds,
 * hands to the engine and drops with it: compiled programs, scenario views of flows, the hold
 * steps the `stuck` scenario inserts, compiled UserInput form validators, and templates and
 * conditions compiled from source text (definitions built in code). Each is a memo of a pure
 * function of immutable input; keeping them here rather than in module variables means two
 * servers in one process share nothing and a closed server leaves nothing behind.
 *
 * Keyed by object (WeakMap/WeakSet): a definitions reload brings new objects, so nothing stale is
 * served and nothing outlives its definition. Keyed by text: bounded (MAX_BY_TEXT entries each).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { CompiledTemplate } from '../definitions/template.js';
import type { FlowDef, StepDef, UserInputStepDef } from '../definitions/types.js';
import type { Program } from './program.js';
import type { ConditionLike, EngineFlow } from './types.js';

/** Templates and conditions compiled from text: at most this many each (then the memo starts over). */
export const MAX_BY_TEXT = 1000;

export class EngineCaches {
  private programs = new WeakMap<FlowDef, Program>();
  private views = new WeakMap<EngineFlow, Map<string, EngineFlow>>();
  private holds = new WeakSet<StepDef>();
  private validators = new WeakMap<UserInputStepDef, ValidateFunction>();
  private ajv: Ajv2020 | undefined;
  private readonly templates = new Map<string, CompiledTemplate>();
  private readonly conditions = new Map<string, ConditionLike>();

  /** The flow's program, compiled once per definition object. */
  program(def: FlowDef, compile: (def: FlowDef) => Program): Program {
    let program = this.programs.get(def);
    if (!program) {
      program = compile(def);
      this.programs.set(def, program);
    }
    return program;
  }

  /** The flow as a scenario runs it: the same object for the same flow and scenario. */
  scenarioView(base: EngineFlow, scenario: string, make: () => EngineFlow): EngineFlow {
    let byScenario = this.views.get(base);
    if (!byScenario) {
      byScenario = new Map();
      this.views.set(base, byScenario);
    }
    let view = byScenario.get(scenario);
    if (!view) {
      view = make();
      byScenario.set(scenario, view);
    }
    return view;
  }

  /** Marks a hold step the `stuck` scenario inserted (frozen definitions cannot carry a flag). */
  markHold(step: StepDef): void {
    this.holds.add(step);
  }

  isHold(step: StepDef | undefined): boolean {
    return step !== undefined && this.holds.has(step);
  }

  /** The compiled validator of a UserInput step's form, once per step object. */
  formValidator(step: UserInputStepDef, schema: () => object): ValidateFunction {
    let v = this.validators.get(step);
    if (!v) {
      v = this.formAjv().compile(schema());
      this.validators.set(step, v);
    }
    return v;
  }

  template(source: string, compile: (source: string) => CompiledTemplate): CompiledTemplate {
    return byText(this.templates, source, compile);
  }

  condition(source: string, compile: (source: string) => ConditionLike): ConditionLike {
    return byText(this.conditions, source, compile);
  }

  /** Drops everything (the server closes). */
  clear(): void {
    this.programs = new WeakMap();
    this.views = new WeakMap();
    this.holds = new WeakSet();
    this.validators = new WeakMap();
    this.ajv = undefined;
    this.templates.clear();
    this.conditions.clear();
  }

  private formAjv(): Ajv2020 {
    if (!this.ajv) {
      this.ajv = new Ajv2020({ allErrors: true, strict: false });
      // A calendar date (YYYY-MM-DD that exists), without pulling in ajv-formats for one format.
      this.ajv.addFormat('date', (s: string) => {
        const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
        if (!m) return false;
        const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
        return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
      });
    }
    return this.ajv;
  }
}

function byText<T>(cache: Map<string, T>, source: string, compile: (s: string) => T): T {
  let hit = cache.get(source);
  if (!hit) {
    if (cache.size >= MAX_BY_TEXT) cache.clear();
    hit = compile(source);
    cache.set(source, hit);
  }
  return hit;
}
