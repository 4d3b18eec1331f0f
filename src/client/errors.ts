/**
 * The client's errors. Every failed request (an HTTP error answer, or no answer at all) is a
 * `FlowmockApiError`; cancellation (an `AbortSignal` or `timeoutMs`) is a `FlowmockAbortError`
 * whose `name` is `'AbortError'`, like a cancelled `fetch`; a flow asking for user input when
 * `runFlow` was given no `onUserInput` is a `UserInputRequiredError`.
 */
import type { FlowExecutionProgress, Problem } from './types.js';

export interface FlowmockApiErrorInit {
  /** HTTP status; 0 when there was no HTTP answer (network failure). */
  status: number;
  problem: Problem;
  method: string;
  url: string;
  /** The answer's body as parsed (JSON) or text; undefined for a network failure or an empty body. */
  body?: unknown;
  cause?: unknown;
}

/** A request that failed: `status`, the problem+json body as `problem`, and the request's `method` and `url`. */
export class FlowmockApiError extends Error {
  override readonly name = 'FlowmockApiError';
  /** HTTP status; 0 when there was no HTTP answer (network failure; `cause` holds the fetch error). */
  readonly status: number;
  /**
   * The problem+json body (`type`, `title`, `status`, `detail`, `errors[]`). Synthesized from
   * the status when the answer was not problem+json (e.g. from a proxy) or there was no answer.
   */
  readonly problem: Problem;
  readonly method: string;
  readonly url: string;
  /** The answer's body as received (parsed JSON or text). */
  readonly body: unknown;

  constructor(init: FlowmockApiErrorInit) {
    const { problem } = init;
    const what = problem.detail ? `${problem.title}: ${problem.detail}` : problem.title;
    super(`${init.method} ${init.url} failed with ${init.status || 'no answer'}: ${what}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.problem = problem;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body;
  }

  /** The invalid fields a 400 names (`problem.errors`), or an empty list. */
  get fieldErrors(): NonNullable<Problem['errors']> {
    return this.problem.errors ?? [];
  }
}

export interface FlowmockAbortErrorInit {
  /** `aborted`: the caller's signal; `timeout`: the helper's `timeoutMs` passed. */
  reason: 'aborted' | 'timeout';
  message: string;
  /** The flow execution (runFlow) that was being followed, when it had been created. */
  executionId?: string;
  /** The actionflow process (trigger) that was being polled, when the trigger had answered. */
  processId?: string;
  /** runFlow with `cancelOnAbort`: whether the execution was canceled on the server. */
  canceled?: boolean;
  cause?: unknown;
}

/** A helper stopped by its `signal` or `timeoutMs`. `name` is `'AbortError'`. */
export class FlowmockAbortError extends Error {
  override readonly name = 'AbortError';
  readonly reason: 'aborted' | 'timeout';
  readonly executionId?: string;
  readonly processId?: string;
  readonly canceled: boolean;

  constructor(init: FlowmockAbortErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.reason = init.reason;
    if (init.executionId !== undefined) this.executionId = init.executionId;
    if (init.processId !== undefined) this.processId = init.processId;
    this.canceled = init.canceled ?? false;
  }
}

/**
 * runFlow met a UserInput step but has no `onUserInput`. The execution is left waiting for its
 * form (answer it with `api.POST('/api/v1/flows/executions/{execution}/progress')`, or cancel it).
 */
export class UserInputRequiredError extends Error {
  override readonly name = 'UserInputRequiredError';
  readonly executionId: string;
  readonly progress: FlowExecutionProgress;

  constructor(progress: FlowExecutionProgress) {
    const fields = (progress.form ?? []).map((f) => f.key).join(', ');
    super(
      `Execution ${progress.id} is waiting for user input (${progress.message ?? 'a form'}${fields ? `; fields: ${fields}` : ''}) ` +
        'and runFlow was given no onUserInput to answer it.',
    );
    this.executionId = progress.id;
    this.progress = progress;
  }
}
