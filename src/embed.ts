/**
 * `startFlowmock()`: the reference server inside a test process (what WireMock's JUnit rule and
 * Testcontainers give other ecosystems). It listens on a free loopback port with an in-memory
 * store and answers the URL, the credentials a test needs (an admin key, a plain user's key, a
 * PhixFlow token) and typed helpers over the engine clock, the request journal and scenarios.
 *
 * The credentials are made through the store and credentials service, not through HTTP, so they
 * do not depend on the shape of the key endpoints. `reset()` starts a fresh server on the same
 * port with the same credentials: the state of the previous test is gone whatever it was.
 */
import { randomBytes } from 'node:crypto';
import { createApp, type FlowmockApp } from './app.js';
import type { FlowmockConfig } from './config.js';
import { VirtualClock } from './engine/clock.js';
import type { JournalEntry, JournalFilter } from './store/types.js';
import type { FlowScenario, PhixflowScenario } from './engine/scenarios.js';
import { isFlowScenario, isPhixflowScenario, knownScenarios } from './engine/scenarios.js';

export interface StartFlowmockOptions {
  /** Folder of flow and actionflow definitions (default: ./flows when it exists, else the bundled demo flows). */
  flows?: string;
  /** Engine time (default 'virtual': it moves only with `clock.advance`, so timed steps are deterministic). */
  clock?: 'virtual' | 'real';
  /** Flow step duration factor (default 0: steps take no time; set 1 to wait on the clock for each step). */
  speed?: number;
  /** Check every answer against the spec; a breaking one becomes a 500 (default true: a test should see it). */
  validateResponses?: boolean;
  /** Port (default 0: a free one) and host (default 127.0.0.1). */
  port?: number;
  host?: string;
  /** Server log level (default 'silent'). */
  logLevel?: FlowmockConfig['logLevel'];
  /** Any other setting of the server (see `flowmock serve --help`). */
  settings?: Partial<FlowmockConfig>;
}

/** A duration: milliseconds, or a number with a unit (`'250ms'`, `'30s'`, `'5m'`, `'2h'`, `'1d'`). */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

export interface FlowmockClock {
  readonly mode: 'real' | 'virtual';
  now(): Date;
  /** Timers waiting for the virtual clock to move. */
  pending(): number;
  /** Moves a virtual clock on, firing every engine timer due on the way; resolves once the engines are idle again. */
  advance(by: Duration): Promise<{ now: Date; fired: number }>;
  advanceTo(at: Date | string): Promise<{ now: Date; fired: number }>;
}

export interface JournalExpectation extends JournalFilter {
  /** Exactly this many, or a range (default: at least one). */
  count?: number | { atLeast?: number; atMost?: number };
}

/** Asynchronous, as the store it reads: `await fm.journal.verify(...)`. */
export interface FlowmockJournal {
  /** The journaled requests matching the filter, newest first (up to `size`, default 100). */
  requests(filter?: JournalFilter, size?: number): Promise<JournalEntry[]>;
  count(filter?: JournalFilter): Promise<number>;
  /** Rejects with JournalVerificationError (with the count and what was expected) unless the expectation holds; resolves to the count. */
  verify(expectation: JournalExpectation): Promise<number>;
  clear(): Promise<void>;
}

export class JournalVerificationError extends Error {
  constructor(message: string, readonly matched: number, readonly expected: { atLeast?: number; atMost?: number }) {
    super(message);
    this.name = 'JournalVerificationError';
  }
}

export interface Flowmock {
  /** Base URL, such as http://127.0.0.1:41234 (Smart Flows at `${url}/api/v1`, PhixFlow at `${url}/phixflow/api/1/action`). */
  readonly url: string;
  /** X-API-Key of the user admin (every permission). */
  readonly adminKey: string;
  /** X-API-Key of the user integrator (role User: runs flows, sees its own executions). */
  readonly userKey: string;
  /** PhixFlow API token (Authorization: Bearer) of api-user, who may run actionflows. */
  readonly phixflowToken: string;
  readonly clock: FlowmockClock;
  readonly journal: FlowmockJournal;
  /** Headers that pick a scenario for one flow start or actionflow trigger: `{ Prefer: 'scenario=error-at-50' }`. */
  scenario(name: FlowScenario | PhixflowScenario): { Prefer: string };
  /** Forgets everything (executions, runs, documents, journal, clock) by starting a fresh server on the same port with the same credentials. */
  reset(): Promise<void>;
  /** The server itself (services, store, config): for what the helpers do not cover. Changes with reset(). */
  readonly app: FlowmockApp;
  close(): Promise<void>;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function durationMs(d: Duration): number {
  if (typeof d === 'number') return d;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(d);
  if (!m) throw new TypeError(`"${d}" is not a duration: use milliseconds or a number with ms, s, m, h or d`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export async function startFlowmock(options: StartFlowmockOptions = {}): Promise<Flowmock> {
  const adminKey = `fm_admin_${randomBytes(24).toString('hex')}`;
  const userKey = `fm_user_${randomBytes(24).toString('hex')}`;
  const phixflowApiKey = randomBytes(32).toString('hex');
  const config: Partial<FlowmockConfig> = {
    db: ':memory:', host: options.host ?? '127.0.0.1', port: options.port ?? 0,
    speed: options.speed ?? 0, clock: options.clock ?? 'virtual', validateResponses: options.validateResponses ?? true,
    logLevel: options.logLevel ?? 'silent', printStartup: false, watch: false,
    ...(options.flows !== undefined ? { flowsDir: options.flows } : {}),
    ...options.settings,
    adminKey, phixflowApiKey,
  };

  const boot = async (port: number): Promise<{ fm: FlowmockApp; url: string }> => {
    const fm = await createApp({ ...config, port });
    try {
      const url = await fm.listen();
      const { store, credentials } = fm.services;
      const integrator = (await store.users.byUsername('integrator'));
      if (!integrator) throw new Error('the seeded user integrator is missing');
      await credentials.ensureApiKey(integrator.id, userKey, 'startFlowmock user key');
      return { fm, url };
    } catch (err) {
      await fm.close();
      throw err;
    }
  };

  let current = await boot(config.port ?? 0);
  const port = Number(new URL(current.url).port);
  const phixflowToken = (await current.fm.services.credentials.issuePhixflowToken('api-user')).token;

  const virtual = (): VirtualClock => {
    const c = current.fm.services.clock;
    if (!(c instanceof VirtualClock)) throw new Error('the engine clock is real: start with { clock: \'virtual\' } to move it');
    return c;
  };
  const clock: FlowmockClock = {
    get mode() { return current.fm.services.clock.mode; },
    now: () => current.fm.services.clock.now(),
    pending: () => (current.fm.services.clock instanceof VirtualClock ? current.fm.services.clock.pending() : 0),
    advance: async (by) => virtual().advance(durationMs(by)),
    advanceTo: async (at) => virtual().advanceTo(typeof at === 'string' ? new Date(at) : at),
  };

  const flushed = async () => {
    await current.fm.services.journal.flush();
    return current.fm.services.store.journal;
  };
  const journal: FlowmockJournal = {
    requests: async (filter = {}, size = 100) => (await (await flushed()).query(filter, 0, size)).content,
    count: async (filter = {}) => (await flushed()).count(filter),
    async verify(expectation) {
      const { count, ...filter } = expectation;
      const expected = count === undefined ? { atLeast: 1 } : typeof count === 'number' ? { atLeast: count, atMost: count } : count;
      const matched = await (await flushed()).count(filter);
      const ok = (expected.atLeast === undefined || matched >= expected.atLeast) && (expected.atMost === undefined || matched <= expected.atMost);
      if (!ok) {
        const want = expected.atLeast === expected.atMost ? `exactly ${expected.atLeast}`
          : [expected.atLeast !== undefined ? `at least ${expected.atLeast}` : '', expected.atMost !== undefined ? `at most ${expected.atMost}` : ''].filter(Boolean).join(' and ');
        throw new JournalVerificationError(`${matched} request${matched === 1 ? '' : 's'} matched ${JSON.stringify(filter)}; expected ${want}`, matched, expected);
      }
      return matched;
    },
    clear: () => current.fm.services.journal.clear(),
  };

  let closed = false;
  return {
    get url() { return current.url; },
    adminKey, userKey, phixflowToken, clock, journal,
    scenario(name) {
      if (!isFlowScenario(name) && !isPhixflowScenario(name)) {
        throw new TypeError(`"${name}" is not a scenario; flows: ${knownScenarios('flow')}; actionflows: ${knownScenarios('actionflow')}`);
      }
      return { Prefer: `scenario=${name}` };
    },
    async reset() {
      if (closed) throw new Error('flowmock is closed');
      await current.fm.close();
      current = await boot(port);
    },
    get app() { return current.fm; },
    async close() {
      closed = true;
      await current.fm.close();
    },
  };
}
