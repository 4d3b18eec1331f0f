/**
 * What a flow or actionflow definition (a YAML file in the flows folder) holds once loaded.
 * The JSON Schema in `definition-schema.ts` is the authority on the file format; these types
 * mirror it. Expressions (`when`, `transform`, `records`) are JSONata; text fields may embed
 * JSONata between `{{` and `}}` (see `template.ts`).
 */

export type FlowInputKind = 'none' | 'xml' | 'plugin' | 'any';

export interface FormFieldDef {
  key: string;
  title: string;
  type: 'string' | 'text' | 'number' | 'integer' | 'boolean' | 'date';
  description?: string;
  required?: boolean;
  default?: string | number | boolean | null;
}

interface StepBase {
  /** Unique within the flow; becomes the report block id. */
  id: string;
  displayName?: string;
  /** JSONata condition on the evaluation context; the step is skipped when false. */
  when?: string;
  /** Percentage reached when the step ends (0-100, never lower than the one before). */
  percentage?: number;
  /** Progress message while the step runs (template). */
  message?: string;
}

export interface ProgressStepDef extends StepBase { type: 'progress'; durationMs: number }
export interface DocumentStepDef extends StepBase {
  type: 'document';
  durationMs?: number;
  /** File name of the produced document (template), e.g. "Invoice {{input.order.number}}.pdf". */
  fileName: string;
  templateId?: string;
  language?: string;
  /** Body text of the PDF (template); the flow name, execution id and input values are always printed too. */
  template: string;
  /** The produced file: 'pdf' (default) or 'docx' (Word, OOXML). */
  format?: 'pdf' | 'docx';
}
export interface UserInputStepDef extends StepBase { type: 'userInput'; fields: FormFieldDef[] }
export interface WaitForCallbackStepDef extends StepBase { type: 'waitForCallback' }
export interface FailStepDef extends StepBase {
  type: 'fail';
  status: 'Error' | 'Warning' | 'Interrupted';
  /** Message the execution ends with (template). Required for fail steps. */
  message: string;
}
/** A step that does work: the report shows it as a block with a `step` state. */
export type DoStepDef = ProgressStepDef | DocumentStepDef | UserInputStepDef | WaitForCallbackStepDef | FailStepDef;

/** `if`: report block `condition {result, body}`; body = the branch that ran (vendor FlowCondition bodyIfTrue/bodyIfFalse). */
export interface IfStepDef extends StepBase { type: 'if'; condition: string; then: StepDef[]; else?: StepDef[] }
/** `try`: report block `try {bodyTry, error, bodyCatch}`; a caught failure makes the execution end Warning. */
export interface TryStepDef extends StepBase { type: 'try'; try: StepDef[]; catch?: StepDef[] }
/** `switch`: report block `switch {caseValue, caseBody}`; the first case whose value equals the switch value's text runs. */
export interface SwitchStepDef extends StepBase {
  type: 'switch';
  /** JSONata; its result as text is compared with each case value. */
  value: string;
  cases: Array<{ value: string; steps: StepDef[] }>;
  default?: StepDef[];
}
/** `iterate` (top level only): one FlowExecutionIteration per item, each with its own report. */
export interface IterateStepDef extends StepBase {
  type: 'iterate';
  /** JSONata giving the items (a single value is one item). */
  items: string;
  /** Iteration display name (template; `iteration.item` and `iteration.index` are in scope). */
  iterationName?: string;
  steps: StepDef[];
}
export type ConstructDef = IfStepDef | TryStepDef | SwitchStepDef | IterateStepDef;
export type StepDef = DoStepDef | ConstructDef;

/** A zone of the flow (vendor FlowZone): consecutive top-level steps shown as one report zone. */
export interface ZoneDef { id: string; displayName?: string; steps: string[] }

export interface FlowDef {
  kind: 'flow';
  id: string;                 // UUID
  displayName: string;
  description?: string;
  input: {
    kind: FlowInputKind;
    /** xml: expected root element name. */
    rootElement?: string;
    /** xml: element paths below the root that must be present, e.g. "customer" or "lines/line". */
    requiredElements?: string[];
  };
  /** Longer than this (scaled by speed) and the execution ends Interrupted. */
  maxDurationMs?: number;
  /** Default scenario of its executions (flowmock extension); `Prefer: scenario=` overrides it. */
  scenario?: string;
  /** Completion webhook (flowmock extension): the final execution is POSTed here. */
  webhook?: WebhookDef;
  steps: StepDef[];
  /** Written as `zones: [{id, displayName, steps}]`: the loader flattens them into `steps` and keeps which step ids each zone holds. */
  zones?: ZoneDef[];
  /** Where the definition came from, for messages. */
  sourceFile: string;
}

export interface ActionflowParamDef { name: string; required?: boolean; default?: string }

export interface ActionflowDef {
  kind: 'actionflow';
  application: string;
  name: string;
  alias?: string;
  mode: 'sync' | 'async';
  timeoutMs?: number;
  allowAnonymous: boolean;
  logRequest: boolean;
  logResponse: boolean;
  parameters: ActionflowParamDef[];
  /** JSONata over the input context selecting the records; default: the body itself (an array = one record per element). */
  records?: string;
  output: {
    /** The Output connection point's name: results appear at data.<name>. */
    name: string;
    /** JSONata per record producing the output record; default: the record unchanged. */
    transform?: string;
  };
  /** Per-record failures, as error() raises them: the record fails, processing continues. */
  failures: Array<{ when: string; message: string }>;
  /** Flow-level stop, as stop(): processing halts; the run is Fail. */
  stop?: { when: string; message: string };
  /** Processing time per record. */
  recordDelayMs: number;
  response?: { statusCode?: 200 | 201; headers?: Record<string, string> };
  /** Default scenario of its runs (flowmock extension); `Prefer: scenario=` overrides it. */
  scenario?: string;
  /** Completion webhook (flowmock extension): the final envelope is POSTed here. */
  webhook?: WebhookDef;
  sourceFile: string;
}

/** Where a completion webhook goes: a loopback URL only (checked when loading). */
export interface WebhookDef {
  url: string;
  /** HMAC-SHA256 key (its UTF-8 bytes); default: the server's webhook secret. */
  secret?: string;
}

export interface Definitions {
  flows: FlowDef[];
  actionflows: ActionflowDef[];
}
