/**
 * Shapes the actionflow engine shares with its callers (the HTTP layer) and its own modules.
 * The engine never speaks HTTP: it returns abstract outcomes that the HTTP layer maps to statuses.
 */
import type { ProcessRecord } from '../../store/types.js';
export type { LoadedActionflow } from '../definitions/load.js';

/** The fixed, case-sensitive parameters of the actionflow's input connection point. */
export type ActionflowInput = {
  /** The raw request body as a string ('' when there is none), as in the product. */
  body: string;
  /** '' when the request had no Content-Type. */
  contentType: string;
  /** Header names lower-case; credential headers replaced by `[redacted]`. */
  headers: Record<string, string>;
  url: string;
};

/** Declared parameters (query value or default) plus undeclared query parameters. */
/** Input parameters; null is PhixFlow's "unavailable" (a declared parameter the call left out, without default). */
export type ActionflowParams = Record<string, string | string[] | null>;

export interface PreparedInput {
  input: ActionflowInput;
  params: ActionflowParams;
  /** For the request log; the product's trigger is always POST. */
  method: string;
}

/** What the HTTP layer hands to `prepareInput`. */
export interface IncomingRequest {
  body: unknown;
  rawBody: string | null;
  contentType: string | null;
  headers: Record<string, string | string[] | undefined>;
  url: string;
  query: Record<string, string | string[] | undefined>;
  method?: string;
}

export type RecordFailure = { index: number; message: string };

/** The JSON answer body (a type alias, not an interface, so it fits ProcessRecord.envelope). */
export type ActionflowEnvelope = {
  status: 'Success' | 'Fail' | 'Running';
  message: string;
  processId: string;
  /** data[<Output Name>] holds the returned records. Absent on the Running envelope. */
  data?: Record<string, unknown[]>;
  /** Present only when at least one record failed. */
  failures?: RecordFailure[];
};

export type TriggerOptions = {
  /** null = the system user (anonymous endpoint). */
  userId: string | null;
  timeoutMs: number;
  mode: 'sync' | 'async';
  /** A known actionflow scenario (`Prefer: scenario=`), over the definition's default (flowmock extension). */
  scenario?: string;
};

export type TriggerOutcome =
  | { kind: 'done'; process: ProcessRecord; envelope: ActionflowEnvelope; statusCode: 200 | 201; headers: Record<string, string> }
  /** Async run still going after the async timeout: envelope status Running. */
  | { kind: 'accepted'; process: ProcessRecord; envelope: ActionflowEnvelope }
  /** Sync run aborted at the timeout: envelope status Fail, process httpStatus 504. */
  | { kind: 'timedOut'; process: ProcessRecord; envelope: ActionflowEnvelope };

/** pino-compatible subset. */
export interface EngineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
