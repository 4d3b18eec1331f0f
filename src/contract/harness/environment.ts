/**
 * Starts what a contract run needs and stops all of it: the server under test (the flowmock
 * reference server, an external --target, or Prism's mock of the spec for `--target prism-mock`),
 * a strict Prism proxy (--errors) and a lenient one in front of it, and for the reference run a
 * second reference server (maxConcurrent 1, speed > 0) with its own proxies for the queue and
 * Interrupted scenarios. `close()` stops everything that was started, also after a partial start.
 */
import { Recorder } from '../recorder.js';
import { specIndex } from '../spec-index.js';
import { ClientFactory } from './client.js';
import { startPrism, startPrismMock, type PrismProxy } from './prism.js';
import { freePort } from './ports.js';
import { startReferenceServer } from './reference-server.js';
import type { ContractFixtures } from '../fixtures.js';
import type { ScenarioContext, Target } from '../context.js';
import { classifyKnownIssue } from '../known-issues.js';
import { classifyMockDeviation } from '../prism-mock-limits.js';
import { mockFixtures } from './mock-fixtures.js';
import { mintPhixflowTokens } from './tokens.js';

/** `--target prism-mock`: Prism's mock of the spec, started by the harness, as the server under test. */
export const PRISM_MOCK = 'prism-mock';

export const DEFAULT_SEED = 20261122;

export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FLOWMOCK_SEED;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`FLOWMOCK_SEED must be an integer, got "${raw}"`);
  return n;
}

export interface EnvironmentOptions {
  /** URL of a server to test, or PRISM_MOCK; without it the reference server is started. */
  target?: string;
  /** Fixtures for a --target URL (the reference server and the mock make their own). */
  fixtures?: ContractFixtures;
  /** Start the queue server (reference runs only). Default true. */
  queue?: boolean;
  seed?: number;
  negativeRuns?: number;
  /** Treat the known issues of the reference server (known-issues.ts) as known for --target too (a flowmock target). */
  knownIssues?: boolean;
  log?: (line: string) => void;
}

export interface ContractEnvironment {
  ctx: ScenarioContext;
  proxies: PrismProxy[];
  close(): Promise<void>;
}

export async function startEnvironment(opts: EnvironmentOptions = {}): Promise<ContractEnvironment> {
  const closers: Array<() => Promise<void>> = [];
  const proxies: PrismProxy[] = [];
  const close = async () => {
    const errors: unknown[] = [];
    for (const c of closers.reverse()) {
      try {
        await c();
      } catch (err) {
        errors.push(err);
      }
    }
    closers.length = 0;
    if (errors.length) throw errors[0];
  };
  const kind: ScenarioContext['kind'] = opts.target === PRISM_MOCK ? 'mock' : opts.target ? 'external' : 'reference';
  const recorder = new Recorder(kind === 'mock' ? classifyMockDeviation : kind === 'reference' || opts.knownIssues ? classifyKnownIssue : undefined);
  const spec = specIndex();
  const pending: Array<Promise<unknown>> = [];
  const startProxy = (upstreamUrl: string, mode: 'strict' | 'lenient'): Promise<ClientFactory> => {
    const started = startPrism(upstreamUrl, mode).then((p) => {
      proxies.push(p);
      closers.push(() => p.stop());
      return new ClientFactory(p.url, mode, recorder, spec);
    });
    pending.push(started.catch(() => undefined));
    return started;
  };
  const withProxies = async (upstreamUrl: string, fixtures: ContractFixtures): Promise<Target> => {
    const [strict, lenient] = await Promise.all([startProxy(upstreamUrl, 'strict'), startProxy(upstreamUrl, 'lenient')]);
    return { strict, lenient, upstreamUrl, fixtures };
  };
  try {
    let mainPromise: Promise<Target>;
    let queuePromise: Promise<ScenarioContext['queue']> = Promise.resolve(undefined);
    if (kind === 'mock') {
      // As for the reference server: the mock's port first, then the mock and its proxies at once.
      const port = await freePort();
      const proxied = withProxies(`http://127.0.0.1:${port}`, mockFixtures(spec));
      proxied.catch(() => undefined); // handled below (or by the cleanup when the mock fails to start)
      const mock = await startPrismMock({ port });
      closers.push(() => mock.stop());
      mainPromise = proxied;
    } else if (opts.target) {
      if (!opts.fixtures) throw new Error('an external target needs fixtures');
      mainPromise = withProxies(opts.target.replace(/\/+$/, ''), opts.fixtures);
    } else {
      // Prism needs only the upstream URL to start: pick the servers' ports first, then start the
      // proxies and the servers at the same time.
      const [mainPort, queuePort] = await Promise.all([freePort(), freePort()]);
      const url = (port: number) => `http://127.0.0.1:${port}`;
      const mainProxies = Promise.all([startProxy(url(mainPort), 'strict'), startProxy(url(mainPort), 'lenient')]);
      const queueProxy = opts.queue !== false ? startProxy(url(queuePort), 'strict') : null;
      mainProxies.catch(() => undefined); // handled below (or by the cleanup when a server fails to start)
      const main = await startReferenceServer({ port: mainPort });
      closers.push(() => main.close());
      mainPromise = mainProxies.then(([strict, lenient]) => ({ strict, lenient, upstreamUrl: main.url, fixtures: main.fixtures }));
      if (queueProxy) {
        const q = await startReferenceServer({ port: queuePort, maxConcurrent: 1, speed: 0.05 });
        closers.push(() => q.close());
        queuePromise = queueProxy.then((strict) => ({ strict, upstreamUrl: q.url, fixtures: q.fixtures }));
      }
    }
    const [main, queue] = await Promise.all([mainPromise, queuePromise]);
    const ctx: ScenarioContext = {
      recorder, spec, kind, main, queue,
      seed: opts.seed ?? seedFromEnv(),
      negativeRuns: opts.negativeRuns ?? 2,
      log: opts.log ?? (() => undefined),
    };
    recorder.scenario = 'setup: PhixFlow tokens';
    await mintPhixflowTokens(ctx, main);
    recorder.scenario = '(between scenarios)';
    return { ctx, proxies, close };
  } catch (err) {
    await Promise.allSettled(pending); // proxies still starting are stopped too
    await close().catch(() => undefined);
    throw err;
  }
}
