/**
 * What a step type module (`src/engine/steps/<type>.ts`) exports: everything flowmock knows about
 * one step type of the flow language, in one place. Its schema fragment (definition-schema.ts
 * builds the definition schema from the fragments), its load checks beyond the schema (load.ts
 * calls them), and its runner (the flow engine calls it). The one list of modules is
 * `registry.ts`; `registry.test.ts` checks it against the generated definition schema, the
 * engine's runners and the spec's step-type enum.
 */
import type { ExecutionRecord, ExecutionStatus, Store, StoreCollections } from '../../store/types.js';
import type { Schema } from '../definitions/schema-parts.js';
import type { ConstructDef, DoStepDef, StepDef } from '../definitions/types.js';
import type { EnterOp, InnerOp, Op, Program } from '../flows/program.js';
import type { EngineFlow, TemplateLike } from '../flows/types.js';

export type StepType = StepDef['type'];
export type DoStepType = DoStepDef['type'];
export type ConstructType = ConstructDef['type'];
export type StepOf<T extends StepType> = Extract<StepDef, { type: T }>;

/** What GetFlowSteps says of a type (vendor FlowStep: type data|gendoc|convert|postprocess|other). */
export interface StepInfo {
  displayName: string;
  description: string;
  vendorType: 'data' | 'gendoc' | 'convert' | 'postprocess' | 'other';
  group: 'steps' | 'control';
}

/** Where a module's load checks report, for one step of one file. */
export interface LoadCheckReport {
  add(pointer: string, rule: string, message: string): void;
}

/** The engine, as a runner sees it while running one op of one execution. */
export interface StepRunContext {
  readonly flow: EngineFlow;
  readonly program: Program;
  readonly store: Store;
  /** The record if this runner may still act on it (not stopped, still Running), else null: stop. */
  live(): Promise<ExecutionRecord | null>;
  /** Saves the record over the version it was read at. */
  persist(rec: ExecutionRecord): Promise<void>;
  /** Next op: saved with the step index moved on (in `store`, e.g. a transaction). */
  advance(rec: ExecutionRecord, store?: StoreCollections): Promise<void>;
  /** Waits durationMs × speed (returns early when the run is stopped). */
  sleep(durationMs: number): Promise<void>;
  /** What conditions and templates see. */
  context(rec: ExecutionRecord): object;
  /** The engine clock, as an ISO timestamp. */
  iso(): string;
  /** A step's message, fileName or template rendered, or undefined when it has none. */
  text(step: StepDef, field: 'message' | 'fileName' | 'template', context: object): Promise<string | undefined>;
  /** A construct's JSONata field (compiled by the loader under `<id>#<field>`, or on the spot). */
  expression(stepId: string, field: string, source: string, context: object): Promise<unknown>;
  /** A template compiled from source text (memoized by the engine's caches). */
  template(source: string): TemplateLike;
  /** The input and form values a document lists. */
  inputValues(rec: ExecutionRecord): Array<{ label: string; value: string }>;
  /** Leaving Running: banks the running time and drops the deadline. */
  pauseRunning(rec: ExecutionRecord, at: string): void;
  /** Hands free Running slots to Queued executions. */
  drainQueue(): Promise<void>;
  /** Hands a failure to the innermost open try (true), or there is none (false). */
  caught(rec: ExecutionRecord, stepId: string | undefined, message: string): Promise<boolean>;
  /** Ends the execution with a stable status. */
  end(rec: ExecutionRecord, status: ExecutionStatus, message: string): Promise<unknown>;
}

/** How a construct's compile adds ops to the program. */
export interface Emitter {
  /** The index the next op gets. */
  readonly next: number;
  emit<O extends Op>(op: O): O;
  /** Emits a body's steps (any type) into `zone`. */
  body(steps: readonly StepDef[], zone: string): void;
}

interface StepModuleBase<T extends StepType> {
  readonly type: T;
  readonly info: StepInfo;
  /** The step's JSON Schema: `#/$defs/<type>Step` of the flow definition schema. */
  readonly schema: Schema;
  /** Further `$defs` the fragment refers to (e.g. userInput's `formField`). */
  readonly defs?: Record<string, Schema>;
  /** Load checks the schema cannot express, on the step as written (it may not fit the schema). */
  check?(raw: Record<string, unknown>, at: string, report: LoadCheckReport, nested: boolean): void;
  /** JSONata fields the loader compiles (under `<id>#<field>`), after `when`. */
  readonly expressions?: readonly string[];
  /** Template fields the loader checks besides message, fileName and template. */
  readonly templates?: readonly string[];
  /** What the step puts in the output model, for GetFlowSteps (`outputSchema`; `id`: its outputId and external output parameter). */
  readonly output?: { schema: Schema; id?: string };
}

/** A step that does work: one `do` op; a report block with a `step` state (vendor FlowDoStepState). */
export interface DoStepModule<T extends DoStepType = DoStepType> extends StepModuleBase<T> {
  readonly kind: 'do';
  /** Runs the step (its `when` already held); false when the runner must stop (waiting, finished, or no longer Running). */
  run(ctx: StepRunContext, step: StepOf<T>, zone: string, rec: ExecutionRecord): Promise<boolean>;
}

/**
 * A construct: a report block with a `condition`, `try` or `switch` state, or state.iterations
 * (`iterate`). Compiled into an entry op, its bodies' ops, and close or inner ops.
 */
export interface ConstructModule<T extends ConstructType = ConstructType> extends StepModuleBase<T> {
  readonly kind: 'construct';
  /** True when the construct builds state.iterations (plug-in record iterations then stay off). */
  readonly ownsIterations?: boolean;
  /** The construct's bodies (JSON-pointer suffix and steps), in definition order; tolerant of a step that does not fit the schema. */
  bodies(step: StepOf<T>): Array<{ at: string; steps: StepDef[] }>;
  compile(step: StepOf<T>, zone: string, emit: Emitter): void;
  /** Runs its entry op. */
  enter(ctx: StepRunContext, op: EnterOp, rec: ExecutionRecord): Promise<boolean>;
  /** Runs one of its inner ops (e.g. try's endTry, iterate's nextIteration). */
  inner?(ctx: StepRunContext, op: InnerOp, rec: ExecutionRecord): Promise<boolean>;
}

export type StepModule = { [T in DoStepType]: DoStepModule<T> }[DoStepType] | { [T in ConstructType]: ConstructModule<T> }[ConstructType];
