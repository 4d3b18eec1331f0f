/**
 * flowmock's configuration: defaults, then environment, then command-line flags (the CLI merges
 * them). Every limit is explicit here.
 */
import { existsSync, statSync } from 'node:fs';
import { isPhixflowVersion } from './auth/phixflow-version.js';
import path from 'node:path';
import { parseFaultRule } from './mock/fault-rules.js';
import { PACKAGE_ROOT } from './package-root.js';
import { settingsFromEnv } from './settings.js';

/** CORS (`--cors`): '*', 'off', or the allowed origins; the middleware is src/http/cors.ts. */
export type CorsSetting = '*' | 'off' | string[];

/** Parses the `--cors` value: `*`, `off`, or a comma-separated list of origins. Throws with the reason. */
export function parseCors(value: string): CorsSetting {
  const v = value.trim();
  if (v === '*' || v === '') return '*';
  if (v.toLowerCase() === 'off' || v.toLowerCase() === 'false' || v.toLowerCase() === 'none') return 'off';
  return v.split(',').map((o) => o.trim()).filter(Boolean).map(checkOrigin);
}

function checkOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new Error(`CORS origin "${origin}" is not a URL such as https://app.example.com`);
  }
  if (url.origin === 'null' || url.origin !== origin.replace(/\/$/, '')) {
    throw new Error(`CORS origin "${origin}" must be scheme://host[:port] only (no path), e.g. ${url.origin === 'null' ? 'https://app.example.com' : url.origin}`);
  }
  return url.origin;
}

export interface FlowmockConfig {
  host: string;
  port: number;
  /** SQLite file, or ':memory:'. */
  db: string;
  /**
   * Where the state lives (`--store`, FLOWMOCK_STORE, DATABASE_URL): a `postgres://` URL selects
   * PostgreSQL (several replicas may serve one database); anything else is a SQLite file and
   * takes the place of `db`. Absent: `db`. See `storeTarget` in src/store/open-store.ts.
   */
  store?: string;
  /** PostgreSQL replicas: lease of a replica's running work, renewed every third of it (src/store/postgres/replicas.ts). Default 15. */
  replicaLeaseSeconds?: number;
  flowsDir: string;
  /**
   * The sandbox user directory GetExternalUsers lists and SyncExternalUsers applies
   * (`--external-users`, FLOWMOCK_EXTERNAL_USERS): a JSON or YAML file of users, read on each call.
   * Absent: the built-in sandbox directory (src/engine/users/external-directory.ts).
   */
  externalUsersFile?: string;
  /** Duration factor for flow steps: 1 real time, 0.1 ten times faster, 0 no waiting. */
  speed: number;
  /** Executions running at once; the rest are Queued. */
  maxConcurrent: number;
  bodyLimitBytes: number;
  /** Validate every response against the spec (on in all tests); a breaking response becomes a 500. */
  validateResponses: boolean;
  /** A known admin API key instead of a generated one (CI). */
  adminKey?: string;
  /** The PhixFlow `phixflow-api-key` token-signing secret; generated and kept in the store when absent. */
  phixflowApiKey?: string;
  /** Lifetime of Smart Flows login JWTs. */
  jwtTtlSeconds: number;
  /** Upper bound of the progress long-poll `timeout` (the spec says 120). */
  longPollMaxSeconds: number;
  /** PhixFlow defaults when neither the URL nor the endpoint sets a timeout. */
  phixflowSyncTimeoutMs: number;
  phixflowAsyncTimeoutMs: number;
  /**
   * The PhixFlow version emulated (`--phixflow-version`, FLOWMOCK_PHIXFLOW_VERSION): 'latest'
   * (default) or e.g. '11.2'; up to 11.2 the API user also needs "View Table Actions".
   */
  phixflowVersion: string;
  /**
   * Engine time (`--clock`, FLOWMOCK_CLOCK): 'real', or 'virtual' (tests) where it moves only
   * through POST /__flowmock/clock. See src/engine/clock.ts.
   */
  clock: 'real' | 'virtual';
  /** Key of webhook signatures for definitions without their own secret (FLOWMOCK_WEBHOOK_SECRET); generated and kept in the store when absent. */
  webhookSecret?: string;
  /**
   * Seed of every random choice (`--seed`, FLOWMOCK_SEED): dynamic Prefer bodies, fault latency
   * ranges and probabilities, and on a new database the ids of new executions and actionflow runs.
   * Absent: random (node:crypto). Secrets never use it. See src/random.ts.
   */
  seed?: number;
  /** CORS: '*' (any origin), 'off', or the allowed origins (`--cors`, FLOWMOCK_CORS). See src/http/cors.ts. */
  cors: CorsSetting;
  /** Reload the flow definitions and the spec when their files change (`flowmock serve` turns it on). */
  watch: boolean;
  /** Per-route transport faults, `[METHOD ]PATH=EFFECT[,EFFECT…]` (`--fault`). See src/mock/faults.ts. */
  faults: string[];
  /** The bundled spec the server reads and watches; default generated/openapi.json. */
  specFile?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /** Log lines for people ('pretty') or JSON lines ('json'); 'auto': pretty when stdout is a terminal. */
  logFormat: 'auto' | 'pretty' | 'json';
  /** Print start-up information (URLs, new keys) to stdout. */
  printStartup: boolean;
  /** Request journal: entries kept (default 10,000; the oldest are deleted; 0 turns it off) and body bytes kept per body (default 16 KiB). */
  journalMaxEntries?: number;
  journalBodyCapBytes?: number;
}

export const DEFAULT_CONFIG: FlowmockConfig = {
  host: '127.0.0.1',
  port: 8080,
  db: path.join('.flowmock', 'flowmock.db'),
  flowsDir: 'flows', // resolveConfig: ./flows when it exists, else the bundled demo flows (defaultFlowsDir)
  speed: 1,
  maxConcurrent: 4,
  bodyLimitBytes: 1024 * 1024,
  validateResponses: false,
  jwtTtlSeconds: 3600,
  longPollMaxSeconds: 120,
  phixflowSyncTimeoutMs: 60_000,
  phixflowAsyncTimeoutMs: 500,
  phixflowVersion: 'latest',
  clock: 'real',
  cors: '*',
  watch: false,
  faults: [],
  logLevel: 'info',
  logFormat: 'auto',
  printStartup: true,
};

/** The demo flows shipped with the package (its flows/ folder). */
export const BUNDLED_FLOWS_DIR = path.join(PACKAGE_ROOT, 'flows');

/** ./flows when the working directory has one, else the bundled demo flows. */
export function defaultFlowsDir(cwd = process.cwd()): string {
  const local = path.join(cwd, 'flows');
  try {
    if (statSync(local).isDirectory()) return 'flows';
  } catch {
    // absent
  }
  return existsSync(BUNDLED_FLOWS_DIR) ? BUNDLED_FLOWS_DIR : 'flows';
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Values from the environment (FLOWMOCK_*, PORT): every setting of src/settings.ts; a bad value is a ConfigError naming the variable. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<FlowmockConfig> {
  return settingsFromEnv(env, (msg) => new ConfigError(msg));
}

/** Merges and checks; a bad value stops start-up with a message naming it. */
export function resolveConfig(...parts: Array<Partial<FlowmockConfig>>): FlowmockConfig {
  const c: FlowmockConfig = { ...DEFAULT_CONFIG };
  for (const p of parts) for (const [k, v] of Object.entries(p)) if (v !== undefined) (c as any)[k] = v;
  if (!parts.some((p) => p.flowsDir !== undefined)) c.flowsDir = defaultFlowsDir();
  const check = (ok: boolean, msg: string) => {
    if (!ok) throw new ConfigError(msg);
  };
  check(Number.isInteger(c.port) && c.port >= 0 && c.port <= 65535, `port must be an integer 0-65535, got ${c.port}`);
  check(Number.isFinite(c.speed) && c.speed >= 0 && c.speed <= 1000, `speed must be a number 0-1000, got ${c.speed}`);
  check(Number.isInteger(c.maxConcurrent) && c.maxConcurrent >= 1 && c.maxConcurrent <= 1000, `max concurrent executions must be 1-1000, got ${c.maxConcurrent}`);
  check(Number.isInteger(c.bodyLimitBytes) && c.bodyLimitBytes >= 1024, `body limit must be at least 1024 bytes, got ${c.bodyLimitBytes}`);
  if (c.adminKey !== undefined) check(c.adminKey.length >= 32, 'FLOWMOCK_ADMIN_KEY / --admin-key must be at least 32 characters');
  if (c.phixflowApiKey !== undefined) {
    check(Buffer.byteLength(c.phixflowApiKey) >= 32,
      `FLOWMOCK_PHIXFLOW_API_KEY is ${Buffer.byteLength(c.phixflowApiKey)} bytes; the phixflow-api-key secret must be at least 32 bytes`);
  }
  check(isPhixflowVersion(c.phixflowVersion), `phixflow version must be "latest" or a version such as 11.2, got ${String(c.phixflowVersion)}`);
  check(c.clock === 'real' || c.clock === 'virtual', `clock must be "real" or "virtual", got ${String(c.clock)}`);
  check(['fatal', 'error', 'warn', 'info', 'debug', 'silent'].includes(c.logLevel), `log level must be one of fatal, error, warn, info, debug, silent; got ${String(c.logLevel)}`);
  check(['auto', 'pretty', 'json'].includes(c.logFormat), `log format must be auto, pretty or json; got ${String(c.logFormat)}`);
  if (c.webhookSecret !== undefined) check(c.webhookSecret.length >= 16, 'FLOWMOCK_WEBHOOK_SECRET must be at least 16 characters');
  if (c.seed !== undefined) check(Number.isSafeInteger(c.seed) && c.seed >= 0, `seed must be a whole number 0 or more, got ${c.seed}`);
  if (typeof c.cors === 'string' && c.cors !== '*' && c.cors !== 'off') {
    try {
      c.cors = parseCors(c.cors);
    } catch (err) {
      throw new ConfigError(`cors: ${(err as Error).message}`);
    }
  }
  check(Array.isArray(c.faults), 'faults must be a list of rules');
  for (const rule of c.faults) {
    try {
      parseFaultRule(rule);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  }
  return c;
}

