/**
 * Smart Flows client: the typed openapi-fetch client over the generated `paths` (`.api`), plus
 * `runFlow` (start, long-poll, answer user input, stop on a stable status, read the execution)
 * and `downloadDocument`.
 */
import createClient, { type Client } from 'openapi-fetch';
import { UserInputRequiredError } from './errors.js';
import { Deadline, flowmockMiddleware, fileNameOf, sleep, unwrap, unwrapWithResponse } from './internal.js';
import {
  STABLE_STATUSES,
  type FlowExecution,
  type FlowExecutionProgress,
  type FlowInput,
  type operations,
  type SmartFlowsPaths,
  type StableStatus,
  type UserInputAnswer,
} from './types.js';

export interface CommonClientOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8080` (without `/api/v1`). */
  baseUrl: string;
  /** A fetch to use instead of `globalThis.fetch`. */
  fetch?: (input: Request) => Promise<Response>;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
}

/** An API key (`X-API-Key`) or a login JWT (`Authorization: Bearer`), not both. */
export type SmartFlowsClientOptions = CommonClientOptions &
  ({ apiKey: string; bearerToken?: never } | { bearerToken: string; apiKey?: never });

export interface RunFlowOptions {
  /** Called with the first progress and then with every progress that differs from the one before. */
  onProgress?: (progress: FlowExecutionProgress) => void;
  /**
   * Called when the execution waits for user input (status `UserInput`, with `schema`, `form`
   * and `model`); its answer (form field key → value) is posted to the progress URL. Without
   * it, runFlow rejects with `UserInputRequiredError` and leaves the execution waiting.
   */
  onUserInput?: (progress: FlowExecutionProgress, context: { signal: AbortSignal }) => UserInputAnswer | Promise<UserInputAnswer>;
  /** Stops following the execution: runFlow rejects with a `FlowmockAbortError` (name `AbortError`). */
  signal?: AbortSignal;
  /** Like `signal`, after this many milliseconds (`reason: 'timeout'`). */
  timeoutMs?: number;
  /** `timeout` of each progress long-poll, in seconds (0–120). Default 30. */
  pollTimeoutSeconds?: number;
  /** On abort or timeout, also cancel the execution on the server (`DELETE .../progress`). Default false. */
  cancelOnAbort?: boolean;
  /** Start with `POST /flows/executions/start`: every user-input step is skipped, using its defaults. */
  skipUserInput?: boolean;
  /** Passed as `datasetId`. */
  datasetId?: string;
}

/** A document an execution produced: an entry of `state.output.model` of type document. */
export interface FlowDocumentRef {
  id: string;
  displayName?: string;
  /** The block key it is stored under in `state.output.model`. */
  key: string;
}

export interface FlowRun {
  /** The execution id. */
  id: string;
  /** The stable status it ended with: Success, Warning, Error, Interrupted or Canceled. */
  status: StableStatus;
  /** `GET /flows/executions/{id}` after it ended. */
  execution: FlowExecution;
  /** The documents it produced (download them with `downloadDocument(id)`). */
  documents: FlowDocumentRef[];
  /** The last progress received. */
  progress: FlowExecutionProgress;
}

export interface DownloadedDocument {
  bytes: Uint8Array;
  contentType: string;
  /** From Content-Disposition (`filename*` over `filename`); undefined when the answer has none. */
  fileName: string | undefined;
}

export interface SmartFlowsClient {
  /** The raw typed client: every Smart Flows path of the spec (`/api/v1/...`, `/__flowmock/...`). */
  readonly api: Client<SmartFlowsPaths>;
  /**
   * Runs a flow to a stable status and returns the execution with its documents. Error,
   * Warning, Interrupted and Canceled are results, not exceptions; a failed request throws
   * `FlowmockApiError`; `signal`/`timeoutMs` reject with `FlowmockAbortError`.
   */
  runFlow(flowId: string, input?: FlowInput, options?: RunFlowOptions): Promise<FlowRun>;
  /** The bytes of a document with its content type and file name. */
  downloadDocument(documentId: string, options?: { signal?: AbortSignal }): Promise<DownloadedDocument>;
}

const STABLE: ReadonlySet<string> = new Set(STABLE_STATUSES);
const WAITING_FIRST_DELAY_MS = 250;
const WAITING_MAX_DELAY_MS = 2_000;

export function isStableStatus(status: string): status is StableStatus {
  return STABLE.has(status);
}

/** The documents of an execution: the entries of `state.output.model` of type document. */
export function documentsOf(execution: FlowExecution): FlowDocumentRef[] {
  const model = execution.state.output?.model ?? {};
  const out: FlowDocumentRef[] = [];
  for (const [key, value] of Object.entries(model)) {
    if (typeof value !== 'object' || value === null) continue;
    const entry = value as { document?: unknown; id?: unknown; type?: unknown };
    const doc = (typeof entry.document === 'object' && entry.document !== null ? entry.document : entry) as { id?: unknown; displayName?: unknown; type?: unknown };
    if (doc.type !== 'document' || typeof doc.id !== 'string') continue;
    out.push({ id: doc.id, key, ...(typeof doc.displayName === 'string' ? { displayName: doc.displayName } : {}) });
  }
  return out;
}

/** Waits for `promise`, but rejects as soon as `signal` aborts (a later rejection of `promise` is handled). */
function untilAborted<T>(promise: Promise<T> | T, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(promise).then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

const sameProgress = (a: FlowExecutionProgress | undefined, b: FlowExecutionProgress): boolean =>
  a !== undefined && JSON.stringify(a) === JSON.stringify(b);

export function createSmartFlowsClient(options: SmartFlowsClientOptions): SmartFlowsClient {
  const { apiKey, bearerToken } = options;
  if ((apiKey === undefined) === (bearerToken === undefined)) {
    throw new TypeError('createSmartFlowsClient needs exactly one of apiKey (X-API-Key) and bearerToken (Authorization: Bearer).');
  }
  const auth: Record<string, string> = apiKey !== undefined ? { 'X-API-Key': apiKey } : { Authorization: `Bearer ${bearerToken}` };
  const api = createClient<SmartFlowsPaths>({
    baseUrl: options.baseUrl,
    headers: { ...options.headers, ...auth },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  api.use(flowmockMiddleware);

  /** ExecuteFlow: the first progress of an interactive execution. */
  function execute(flowId: string, input: FlowInput | null, o: RunFlowOptions, signal: AbortSignal) {
    // `satisfies` keeps the excess-property check: a renamed query parameter is a compile error.
    const query = {
      flowId,
      ...(o.datasetId !== undefined ? { datasetId: o.datasetId } : {}),
    } satisfies NonNullable<operations['ExecuteFlow']['parameters']['query']>;
    const path = '/api/v1/flows/executions';
    if (input === undefined || input === null) return api.POST(path, { params: { query }, signal });
    if (typeof input === 'string') {
      return api.POST(path, { params: { query }, body: input, bodySerializer: (body) => body, headers: { 'Content-Type': 'application/xml' }, signal });
    }
    return api.POST(path, { params: { query }, body: input, signal });
  }

  /** StartFlow (user input skipped; `flow` is an id or a name): the new FlowExecution. */
  function startBatch(flow: string, input: FlowInput | null, signal: AbortSignal) {
    const query = { flow } satisfies operations['StartFlow']['parameters']['query'];
    const path = '/api/v1/flows/executions/start';
    if (input === undefined || input === null) return api.POST(path, { params: { query }, signal });
    if (typeof input === 'string') {
      return api.POST(path, { params: { query }, body: input, bodySerializer: (body) => body, headers: { 'Content-Type': 'application/xml' }, signal });
    }
    return api.POST(path, { params: { query }, body: input, signal });
  }

  /** The first progress of a new execution, however it was started. */
  async function start(flowId: string, input: FlowInput | null, o: RunFlowOptions, signal: AbortSignal): Promise<FlowExecutionProgress> {
    if (!o.skipUserInput) return unwrap(execute(flowId, input, o, signal));
    const execution = await unwrap(startBatch(flowId, input, signal));
    return unwrap(api.GET('/api/v1/flows/executions/{execution}/progress', {
      params: { path: { execution: execution.id }, query: { timeout: 0 } },
      signal,
    }));
  }

  async function cancel(execution: string): Promise<boolean> {
    try {
      const { response } = await api.DELETE('/api/v1/flows/executions/{execution}/progress', {
        params: { path: { execution } },
        signal: AbortSignal.timeout(10_000),
      });
      return response.ok; // 409: it had already ended
    } catch {
      return false;
    }
  }

  async function runFlow(flowId: string, input?: FlowInput, o: RunFlowOptions = {}): Promise<FlowRun> {
    const pollTimeout = o.pollTimeoutSeconds ?? 30;
    const deadline = new Deadline(o.signal, o.timeoutMs);
    const { signal } = deadline;
    let executionId: string | undefined;
    let last: FlowExecutionProgress | undefined;
    const seen = (progress: FlowExecutionProgress): FlowExecutionProgress => {
      if (!sameProgress(last, progress)) o.onProgress?.(progress);
      last = progress;
      return progress;
    };
    try {
      deadline.check();
      let progress = seen(await start(flowId, input, o, signal));
      executionId = progress.id;
      const execution = { params: { path: { execution: executionId } }, signal };
      let waitingDelay = WAITING_FIRST_DELAY_MS;
      while (!STABLE.has(progress.status)) {
        if (progress.status === 'UserInput') {
          if (!o.onUserInput) throw new UserInputRequiredError(progress);
          const answer = await untilAborted(o.onUserInput(progress, { signal }), signal);
          deadline.check();
          progress = seen(await unwrap(api.POST('/api/v1/flows/executions/{execution}/progress', { ...execution, body: answer })));
          continue;
        }
        if (progress.status === 'Waiting') {
          // A long-poll answers at once while Waiting (for an external event): back off instead.
          await sleep(waitingDelay, signal);
          waitingDelay = Math.min(waitingDelay * 2, WAITING_MAX_DELAY_MS);
        } else {
          waitingDelay = WAITING_FIRST_DELAY_MS;
        }
        progress = seen(
          await unwrap(
            api.GET('/api/v1/flows/executions/{execution}/progress', {
              params: { path: { execution: executionId }, query: { timeout: pollTimeout } },
              signal,
            }),
          ),
        );
      }
      const record = await unwrap(api.GET('/api/v1/flows/executions/{execution}', execution));
      return {
        id: executionId,
        status: progress.status as StableStatus,
        execution: record,
        documents: documentsOf(record),
        progress,
      };
    } catch (err) {
      if (!deadline.aborted) throw err;
      const canceled = o.cancelOnAbort && executionId !== undefined ? await cancel(executionId) : false;
      throw deadline.error(`runFlow ${flowId}${executionId ? ` (execution ${executionId})` : ''}`, {
        ...(executionId !== undefined ? { executionId } : {}),
        canceled,
      });
    } finally {
      deadline.dispose();
    }
  }

  async function downloadDocument(documentId: string, o: { signal?: AbortSignal } = {}): Promise<DownloadedDocument> {
    const { data, response } = await unwrapWithResponse(
      api.GET('/api/v1/documents/{documentId}/content', {
        params: { path: { documentId } },
        parseAs: 'arrayBuffer',
        ...(o.signal ? { signal: o.signal } : {}),
      }),
    );
    return {
      bytes: new Uint8Array(data ?? new ArrayBuffer(0)),
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      fileName: fileNameOf(response.headers.get('content-disposition')),
    };
  }

  return { api, runFlow, downloadDocument };
}
