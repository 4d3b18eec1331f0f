/**
 * PhixFlow client: the typed openapi-fetch client over the generated `paths` (`.api`), plus
 * `trigger` (one call for synchronous and asynchronous actionflows: 200/201/504 answers, or
 * 202 and polling of the `Location` status URL with backoff).
 */
import createClient, { type Client } from 'openapi-fetch';
import { Deadline, apiErrorOf, flowmockMiddleware, sleep, unwrap } from './internal.js';
import type { ActionflowEnvelope, PhixFlowPaths, TriggerQuery } from './types.js';
import type { CommonClientOptions } from './smartflows.js';

/** `token`: a PhixFlow API token, sent as `Authorization: Bearer`; none for anonymous endpoints. */
export type PhixFlowClientOptions = CommonClientOptions & { token?: string | undefined };

export interface TriggerOptions {
  /** Query-string parameters: the actionflow's own parameters and `timeout` (server-side, in ms). */
  query?: TriggerQuery;
  /** Content type of a string body (default `text/plain`). Other bodies are sent as JSON. */
  contentType?: string;
  /** Stops waiting (the request or the polling): trigger rejects with a `FlowmockAbortError`. */
  signal?: AbortSignal;
  /** Like `signal`, after this many milliseconds of client time (`reason: 'timeout'`). */
  timeoutMs?: number;
  /** First delay before polling the status URL after a 202; doubles after each poll. Default 100. */
  pollIntervalMs?: number;
  /** Upper bound of the polling delay. Default 2000. */
  maxPollIntervalMs?: number;
  /** Called with each Running envelope while polling. */
  onPoll?: (envelope: ActionflowEnvelope) => void;
}

export interface TriggerResult {
  /** The final envelope: status Success or Fail (never Running). */
  envelope: ActionflowEnvelope;
  /** HTTP status of the answer that carried it: 200/201 (or 504) from the trigger, 200 from the status URL. */
  httpStatus: number;
  /** The synchronous run passed its timeout and was aborted: the trigger answered 504 with a Fail envelope. */
  timedOut: boolean;
  /** The trigger answered 202 and the result came from polling the status URL. */
  polled: boolean;
  /** Number of status-URL polls (0 for a synchronous answer). */
  polls: number;
}

export interface PhixFlowClient {
  /** The raw typed client: every PhixFlow path of the spec (`/phixflow/...`). */
  readonly api: Client<PhixFlowPaths>;
  /**
   * Triggers `application`/`actionflow` and returns the final envelope. Fail envelopes are
   * results (including the 504 timeout answer: `timedOut: true`); problem+json answers throw
   * `FlowmockApiError`; `signal`/`timeoutMs` reject with `FlowmockAbortError`.
   */
  trigger(application: string, actionflow: string, body?: unknown, options?: TriggerOptions): Promise<TriggerResult>;
}

function isEnvelope(body: unknown): body is ActionflowEnvelope {
  return typeof body === 'object' && body !== null && typeof (body as ActionflowEnvelope).processId === 'string' &&
    ['Success', 'Fail', 'Running'].includes((body as ActionflowEnvelope).status);
}

export function createPhixFlowClient(options: PhixFlowClientOptions): PhixFlowClient {
  const api = createClient<PhixFlowPaths>({
    baseUrl: options.baseUrl,
    headers: { ...options.headers, ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  api.use(flowmockMiddleware);

  async function trigger(application: string, actionflow: string, body?: unknown, o: TriggerOptions = {}): Promise<TriggerResult> {
    const deadline = new Deadline(o.signal, o.timeoutMs);
    const { signal } = deadline;
    let processId: string | undefined;
    try {
      deadline.check();
      const path = { application, actionflow };
      const init = { params: { path, ...(o.query ? { query: o.query } : {}) }, signal };
      const sent =
        body === undefined
          ? api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', init)
          : typeof body === 'string'
            ? api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', {
                ...init,
                body,
                bodySerializer: (b) => b,
                headers: { 'Content-Type': o.contentType ?? 'text/plain' },
              })
            : api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { ...init, body });
      const { data, error, response } = await sent;
      // 504: the run passed its timeout and was aborted. The Fail envelope is the result.
      if (response.status === 504 && isEnvelope(error)) {
        return { envelope: error, httpStatus: 504, timedOut: true, polled: false, polls: 0 };
      }
      if (error !== undefined || !response.ok || !isEnvelope(data)) throw apiErrorOf(response, error ?? data);
      if (response.status !== 202) return { envelope: data, httpStatus: response.status, timedOut: false, polled: false, polls: 0 };

      // 202: poll the status URL (the Location header; the spec's status path if there is none).
      processId = data.processId;
      const location = response.headers.get('location');
      const target = location ? new URL(location, response.url || options.baseUrl) : null;
      const statusInit = {
        params: { path: { ...path, processId } },
        signal,
        // The Location is used as is: the serializer gets baseUrl + path and answers with the Location.
        ...(target ? { pathSerializer: () => target.href } : {}),
      };
      let delay = o.pollIntervalMs ?? 100;
      const maxDelay = o.maxPollIntervalMs ?? 2_000;
      for (let polls = 1; ; polls++) {
        await sleep(delay, signal);
        delay = Math.min(delay * 2, maxDelay);
        const envelope = await unwrap(api.GET('/phixflow/api/1/action/{application}/{actionflow}/status/{processId}', statusInit));
        if (envelope.status !== 'Running') return { envelope, httpStatus: 200, timedOut: false, polled: true, polls };
        o.onPoll?.(envelope);
      }
    } catch (err) {
      if (!deadline.aborted) throw err;
      throw deadline.error(`trigger ${application}/${actionflow}${processId ? ` (process ${processId})` : ''}`, {
        ...(processId !== undefined ? { processId } : {}),
      });
    } finally {
      deadline.dispose();
    }
  }

  return { api, trigger };
}
