/**
 * Prism's validating proxy in front of a server:
 * `prism proxy generated/openapi.json <upstream> [--errors] --port <free> --host 127.0.0.1`;
 * and Prism's mock of the spec as a server under test (`--target prism-mock`).
 *
 * What Prism 5.14.2 does (tried, not assumed):
 * - with `--errors` ("strict"): a request that breaks the spec is answered by Prism itself and never
 *   forwarded (422 `…/prism/errors#UNPROCESSABLE_ENTITY`, or 401 `…#UNAUTHORIZED` for missing
 *   credentials); a response with Error-severity violations is replaced by a 500
 *   `…#VIOLATIONS` problem listing them; an undocumented status is only a Warning and passes
 *   through unchanged. Every violation is also in the `sl-violations` header (JSON).
 * - without `--errors` ("lenient"): everything is forwarded; request and response violations are
 *   reported in `sl-violations` only. We use it for requests that break the spec on purpose.
 * - both modes answer a malformed JSON request body themselves (400 `{"error":{"code":"invalid_json"}}`).
 * - both modes read non-JSON response bodies as UTF-8 text, so binary bodies (PDF, PNG) arrive
 *   altered (see unreachable.ts, PRISM_LIMITATIONS).
 */
import path from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.js';
import { prismBin } from '../../optional-packages.js';
import { freePort } from './ports.js';
import { spawnManaged, type ManagedProcess } from './processes.js';

export const ROOT = PACKAGE_ROOT;
/** Prism's command, run with this Node (found in the repo's or, installed, the consumer's node_modules). */
export const prismCommand = (): [string, string[]] => [process.execPath, [prismBin('flowmock contract')]];
export const BUNDLED_SPEC = path.join(ROOT, 'generated', 'openapi.json');

export type ProxyMode = 'strict' | 'lenient';

export interface PrismProxy {
  url: string;
  mode: ProxyMode;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Polls until Prism answers any HTTP request (or exits, or the deadline passes). */
async function waitUntilAnswering(url: string, proc: ManagedProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (proc.exited()) throw new Error(`Prism exited before it was ready:\n${proc.output()}`);
    try {
      const res = await fetch(`${url}/__contract_ready_probe`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() > until) throw new Error(`Prism did not answer on ${url} within ${deadlineMs} ms:\n${proc.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Starts `prism <args> --port <port> --host 127.0.0.1`: on a free port, and another one when it was
 * taken in between; or on the port given (one attempt).
 */
async function startOnFreePort(args: string[], readyTimeoutMs: number, fixedPort?: number): Promise<{ url: string; proc: ManagedProcess }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < (fixedPort ? 1 : 3); attempt++) {
    const port = fixedPort ?? await freePort();
    const [cmd, pre] = prismCommand();
    const proc = spawnManaged(cmd, [...pre, ...args, '--port', String(port), '--host', '127.0.0.1'], { cwd: ROOT });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntilAnswering(url, proc, readyTimeoutMs);
      return { url, proc };
    } catch (err) {
      lastError = err;
      await proc.stop(500);
      // A port taken between freePort() and Prism's listen: try another one.
      if (!/EADDRINUSE/.test(proc.output())) break;
    }
  }
  throw lastError;
}

export async function startPrism(upstream: string, mode: ProxyMode, opts: { readyTimeoutMs?: number } = {}): Promise<PrismProxy> {
  const args = ['proxy', BUNDLED_SPEC, upstream, ...(mode === 'strict' ? ['--errors'] : [])];
  const { url, proc } = await startOnFreePort(args, opts.readyTimeoutMs ?? 90_000);
  return { url, mode, process: proc, stop: () => proc.stop() };
}

export interface PrismMock { url: string; process: ManagedProcess; stop(): Promise<void> }

/**
 * Prism's mock of the spec, as `flowmock mock` runs it (`prism mock generated/openapi.json`, the
 * bundle of spec/openapi.yaml the proxies validate against): static answers from the spec's
 * examples, no state. It checks requests itself (400 or 401 with the documented example) but
 * knows no credentials, ids or names beyond their schemas.
 */
export async function startPrismMock(opts: { port?: number; readyTimeoutMs?: number } = {}): Promise<PrismMock> {
  const { url, proc } = await startOnFreePort(['mock', BUNDLED_SPEC], opts.readyTimeoutMs ?? 90_000, opts.port);
  return { url, process: proc, stop: () => proc.stop() };
}
