/**
 * Types the flow engine works with. The compiled-definition shapes are structural so the engine
 * accepts whatever `src/engine/definitions` produces (its `LoadedFlow`) as long as it fits.
 */
import type { FlowDef } from '../definitions/types.js';

/** The plug-in JSON body (Dynamics, Sugar). Extra fields are kept as sent. */
export interface PluginInput {
  id: string[];
  entity: string;
  userId?: string;
  organizationUniqueName?: string;
  [key: string]: unknown;
}

/** A request body, parsed and checked against the flow's input kind. */
export type FlowInput =
  | { kind: 'none' }
  | { kind: 'xml'; xml: string; value: Record<string, unknown>; contentType?: string }
  | { kind: 'plugin'; value: PluginInput };

/** A compiled JSONata condition. */
export interface ConditionLike {
  evaluate(context: object, bindings?: Record<string, unknown>): Promise<unknown>;
}
/** A compiled text template (JSONata between `{{` and `}}`). */
export interface TemplateLike {
  render(context: object): Promise<string>;
}

/** A flow definition with its expressions compiled (the loader's LoadedFlow). */
export interface EngineFlow {
  def: FlowDef;
  conditions: Map<string, ConditionLike>;
  templates: Map<string, TemplateLike>;
}

/** What conditions and templates see. */
export interface EvaluationContext {
  input: unknown;
  form: Record<string, unknown>;
  callback: unknown;
  execution: { id: string; flowId: string; flowName: string; createdBy: string };
}

/** pino-compatible: (object, message). */
export interface EngineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
