/**
 * Shared plumbing of the two clients: the middleware that remembers each answer's request and
 * turns network failures into `FlowmockApiError`, `unwrap` (an openapi-fetch result → its data,
 * or a thrown `FlowmockApiError`), and the abort/timeout handling of the helpers.
 */
import type { Middleware } from 'openapi-fetch';
import { FlowmockAbortError, FlowmockApiError } from './errors.js';
import type { Problem } from './types.js';

/**
 * The request of each answer a client received (for the method and URL of a FlowmockApiError),
 * kept on the answer itself: it lives exactly as long as the answer, and no module holds state.
 */
const REQUEST = Symbol('flowmock.request');
type WithRequest = Response & { [REQUEST]?: Request };

export function isAbortLike(err: unknown): boolean {
  return typeof err === 'object' && err !== null && ((err as Error).name === 'AbortError' || (err as Error).name === 'TimeoutError');
}

/** Installed on every client: records requests; a network failure becomes a FlowmockApiError (status 0). */
export const flowmockMiddleware: Middleware = {
  onResponse({ request, response }) {
    Object.defineProperty(response, REQUEST, { value: request, configurable: true });
  },
  onError({ request, error }) {
    if (request.signal.aborted || isAbortLike(error)) return undefined; // rethrown as is; the helpers map it
    const message = error instanceof Error ? error.message : String(error);
    return new FlowmockApiError({
      status: 0,
      method: request.method,
      url: request.url,
      problem: { type: 'urn:flowmock:client:network', title: 'No answer', status: 0, detail: message },
      cause: error,
    });
  },
};

function looksLikeProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).title === 'string' && typeof (body as Problem).status === 'number';
}

/** The FlowmockApiError for an error answer and its (parsed) body. */
export function apiErrorOf(response: Response, body: unknown): FlowmockApiError {
  const request = (response as WithRequest)[REQUEST];
  const problem: Problem = looksLikeProblem(body)
    ? body
    : {
        type: 'about:blank',
        title: response.statusText || `HTTP ${response.status}`,
        status: response.status,
        ...(typeof body === 'string' && body ? { detail: body.slice(0, 1000) } : {}),
      };
  return new FlowmockApiError({ status: response.status, problem, method: request?.method ?? 'GET', url: request?.url ?? response.url, body });
}

type AnyResult = { data?: unknown; error?: unknown; response: Response };
/** The `data` type of an openapi-fetch result (its success branch). */
export type DataOf<R> = R extends { data: infer D } ? D : never;

/** The success branch of an openapi-fetch result (data and response), or throws its FlowmockApiError. */
export async function unwrapWithResponse<R extends AnyResult>(result: R | Promise<R>): Promise<{ data: DataOf<R>; response: Response }> {
  const r = await result;
  if (r.error !== undefined || !r.response.ok) throw apiErrorOf(r.response, r.error);
  return { data: r.data as DataOf<R>, response: r.response };
}

/**
 * The data of an openapi-fetch result, or throws a `FlowmockApiError` (status, problem, method,
 * url). For the raw typed clients: `const flows = await unwrap(client.api.GET('/api/v1/flows'))`.
 */
export async function unwrap<R extends AnyResult>(result: R | Promise<R>): Promise<DataOf<R>> {
  return (await unwrapWithResponse(result)).data;
}

/** One AbortSignal for a helper call: the caller's signal and/or `timeoutMs`, whichever comes first. */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly outer: AbortSignal | undefined;
  private readonly timeoutMs: number | undefined;
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private why: 'aborted' | 'timeout' | null = null;
  private readonly onAbort = (): void => this.stop('aborted', this.outer?.reason);

  constructor(outer: AbortSignal | undefined, timeoutMs: number | undefined) {
    if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs < 0)) {
      throw new RangeError(`timeoutMs must be a number >= 0, got ${timeoutMs}`);
    }
    this.outer = outer;
    this.timeoutMs = timeoutMs;
    this.signal = this.controller.signal;
    if (outer?.aborted) this.stop('aborted', outer.reason);
    else outer?.addEventListener('abort', this.onAbort, { once: true });
    if (timeoutMs !== undefined && !this.why) {
      this.timer = setTimeout(() => this.stop('timeout', new DOMException(`Timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    }
  }

  private stop(why: 'aborted' | 'timeout', reason: unknown): void {
    if (this.why) return;
    this.why = why;
    this.controller.abort(reason);
  }

  get aborted(): boolean {
    return this.why !== null;
  }

  /** The FlowmockAbortError describing why this deadline fired. */
  error(what: string, extra: { executionId?: string; processId?: string; canceled?: boolean } = {}): FlowmockAbortError {
    const reason = this.why ?? 'aborted';
    const message = reason === 'timeout' ? `${what} timed out after ${this.timeoutMs} ms` : `${what} was aborted`;
    return new FlowmockAbortError({ reason, message, ...extra, cause: this.signal.reason });
  }

  /** Throws (the signal's reason) when aborted; the helpers map it with `error()`. */
  check(): void {
    if (this.why) throw this.signal.reason ?? new DOMException('Aborted', 'AbortError');
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onAbort);
  }
}

/** Waits `ms`; rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The file name of a Content-Disposition value (RFC 6266: `filename*` wins over `filename`). */
export function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const encoded = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(disposition)?.[1];
  if (encoded !== undefined) {
    try {
      return decodeURIComponent(encoded.trim());
    } catch {
      // a malformed encoding: fall back to the plain form
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(disposition);
  const quoted = plain?.[1];
  if (quoted !== undefined) return quoted.replace(/\\(.)/g, '$1');
  return plain?.[2]?.trim();
}
