/**
 * Every server setting, once: its config key (the FlowmockConfig field), the command-line flag,
 * the environment variables, the key in `flowmock.config.yaml`, the parser, the help text. The
 * CLI's `serve` options, the environment reader, the config-file reader and `--help` (with its
 * defaults) are all built from this table, so a setting cannot be reachable one way and not
 * another. Precedence: defaults < config file < environment < flags.
 *
 * A parser turns the raw text (or a YAML scalar, as text) into the value, or throws
 * SettingValueError with a one-line reason; the caller names where the value came from.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseFaultRule } from './mock/fault-rules.js';
import { parseCors, type FlowmockConfig } from './config.js';
import { isPhixflowVersion } from './auth/phixflow-version.js';

export class SettingValueError extends Error {}

type Parser<T> = (raw: string) => T;

const int = (min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> => (raw) => {
  const v = raw.trim();
  if (!/^\d+$/.test(v)) throw new SettingValueError(`must be a whole number, got "${raw}"`);
  const n = Number(v);
  if (n < min || n > max) throw new SettingValueError(`must be ${min}-${max === Number.MAX_SAFE_INTEGER ? 'or more' : max}, got ${n}`);
  return n;
};
const num = (min: number, max: number): Parser<number> => (raw) => {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new SettingValueError(`must be a number, got "${raw}"`);
  if (n < min || n > max) throw new SettingValueError(`must be ${min}-${max}, got ${n}`);
  return n;
};
const choice = <T extends string>(...values: T[]): Parser<T> => (raw) => {
  if (!(values as string[]).includes(raw)) throw new SettingValueError(`must be one of ${values.join(', ')}; got "${raw}"`);
  return raw as T;
};
const bool: Parser<boolean> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new SettingValueError(`must be true or false, got "${raw}"`);
};
const text = (minLength = 1, what = 'characters'): Parser<string> => (raw) => {
  const n = what === 'bytes' ? Buffer.byteLength(raw) : raw.length;
  if (n < minLength) throw new SettingValueError(`must be at least ${minLength} ${what}, got ${n}`);
  return raw;
};
const wrap = <T>(fn: (raw: string) => T): Parser<T> => (raw) => {
  try {
    return fn(raw);
  } catch (err) {
    throw new SettingValueError((err as Error).message);
  }
};

/** A `postgres://` URL, or a SQLite file; other URLs are refused rather than taken for a file name. */
function parseStoreSetting(raw: string): string {
  const v = raw.trim();
  if (v === '') throw new Error('must be a postgres:// URL or a SQLite file, got nothing');
  if (/^postgres(ql)?:\/\//i.test(v)) {
    try {
      new URL(v);
    } catch {
      throw new Error('is not a valid postgres:// URL');
    }
    return v;
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(v);
  if (scheme) throw new Error(`must be a postgres:// URL or a SQLite file; ${scheme[1]}:// databases are not supported`);
  return v;
}

export interface Setting {
  /** The FlowmockConfig field. */
  key: keyof FlowmockConfig;
  /** The key in flowmock.config.yaml (the flag without dashes, camelCase). */
  name: string;
  /** `--flag <arg>`; booleans have no arg. */
  flag: string;
  arg?: string;
  env: string[];
  parse: Parser<unknown>;
  help: string;
  /** The default as --help shows it (absent: the DEFAULT_CONFIG value). */
  defaultText?: string;
  /** Repeatable flag; a list in the config file. */
  list?: boolean;
  /** A boolean flag that is on by default: the flag is `--no-<name>`. */
  negatable?: boolean;
  /** Never echoed back (error messages say only that it is wrong). */
  secret?: boolean;
}

export const SETTINGS: Setting[] = [
  { key: 'host', name: 'host', flag: '--host', arg: 'host', env: ['FLOWMOCK_HOST'], parse: text(1), help: 'address to listen on' },
  { key: 'port', name: 'port', flag: '--port', arg: 'port', env: ['FLOWMOCK_PORT', 'PORT'], parse: int(0, 65535), help: 'port to listen on; 0 picks a free one' },
  { key: 'db', name: 'db', flag: '--db', arg: 'file', env: ['FLOWMOCK_DB'], parse: text(1), help: 'SQLite file, or :memory:' },
  {
    key: 'store', name: 'store', flag: '--store', arg: 'url|file', env: ['FLOWMOCK_STORE', 'DATABASE_URL'], parse: wrap(parseStoreSetting),
    defaultText: 'the SQLite file of --db', secret: true,
    help: 'where the state lives: a postgres:// URL (PostgreSQL; several replicas may share it), or a SQLite file as --db',
  },
  {
    key: 'flowsDir', name: 'flows', flag: '--flows', arg: 'dir', env: ['FLOWMOCK_FLOWS'], parse: text(1),
    help: 'folder of flow and actionflow definitions', defaultText: './flows when it exists, else the bundled demo flows',
  },
  {
    key: 'externalUsersFile', name: 'externalUsers', flag: '--external-users', arg: 'file', env: ['FLOWMOCK_EXTERNAL_USERS'], parse: text(1),
    help: 'JSON or YAML file of the sandbox user directory (GetExternalUsers, SyncExternalUsers), read on each call', defaultText: 'the built-in sandbox directory',
  },
  {
    key: 'replicaLeaseSeconds', name: 'replicaLease', flag: '--replica-lease', arg: 'seconds', env: ['FLOWMOCK_REPLICA_LEASE'], parse: int(1, 3600), defaultText: '15',
    help: 'PostgreSQL replicas: how long a replica\'s running work stays its own without renewal; after that a peer ends it Interrupted',
  },
  { key: 'speed', name: 'speed', flag: '--speed', arg: 'factor', env: ['FLOWMOCK_SPEED'], parse: num(0, 1000), help: 'scale every flow step duration; 0 runs without waiting' },
  { key: 'maxConcurrent', name: 'maxConcurrent', flag: '--max-concurrent', arg: 'n', env: ['FLOWMOCK_MAX_CONCURRENT'], parse: int(1, 1000), help: 'executions running at once; the rest are Queued' },
  {
    key: 'clock', name: 'clock', flag: '--clock', arg: 'mode', env: ['FLOWMOCK_CLOCK'], parse: choice('real', 'virtual'),
    help: 'engine time: real, or virtual (moves only through POST /__flowmock/clock)',
  },
  { key: 'bodyLimitBytes', name: 'bodyLimit', flag: '--body-limit', arg: 'bytes', env: ['FLOWMOCK_BODY_LIMIT'], parse: int(1024), help: 'largest request body in bytes' },
  {
    key: 'adminKey', name: 'adminKey', flag: '--admin-key', arg: 'key', env: ['FLOWMOCK_ADMIN_KEY'], parse: text(32), secret: true,
    help: 'a known admin API key, at least 32 characters', defaultText: 'none (a key is generated on a new database)',
  },
  {
    key: 'phixflowApiKey', name: 'phixflowApiKey', flag: '--phixflow-api-key', arg: 'secret', env: ['FLOWMOCK_PHIXFLOW_API_KEY'], parse: text(32, 'bytes'), secret: true,
    help: 'the PhixFlow phixflow-api-key token-signing secret, at least 32 bytes', defaultText: 'generated and kept in the key file beside the database (<db>.secrets)',
  },
  {
    key: 'webhookSecret', name: 'webhookSecret', flag: '--webhook-secret', arg: 'secret', env: ['FLOWMOCK_WEBHOOK_SECRET'], parse: text(16), secret: true,
    help: 'key of webhook signatures, at least 16 characters', defaultText: 'generated and kept in the key file beside the database (<db>.secrets)',
  },
  { key: 'jwtTtlSeconds', name: 'jwtTtl', flag: '--jwt-ttl', arg: 'seconds', env: ['FLOWMOCK_JWT_TTL'], parse: int(1), help: 'lifetime of Smart Flows login JWTs' },
  { key: 'longPollMaxSeconds', name: 'longPollMax', flag: '--long-poll-max', arg: 'seconds', env: ['FLOWMOCK_LONG_POLL_MAX'], parse: int(1, 3600), help: 'upper bound of the progress long-poll timeout' },
  {
    key: 'phixflowSyncTimeoutMs', name: 'phixflowSyncTimeout', flag: '--phixflow-sync-timeout', arg: 'ms', env: ['FLOWMOCK_PHIXFLOW_SYNC_TIMEOUT'], parse: int(1),
    help: 'PhixFlow sync trigger timeout when neither the URL nor the endpoint sets one',
  },
  {
    key: 'phixflowVersion', name: 'phixflowVersion', flag: '--phixflow-version', arg: 'version', env: ['FLOWMOCK_PHIXFLOW_VERSION'],
    parse: wrap((raw) => {
      if (!isPhixflowVersion(raw)) throw new Error(`must be "latest" or a version such as 11.2, got "${raw}"`);
      return raw;
    }),
    help: 'PhixFlow version emulated: latest, or e.g. 11.2; up to 11.2 API users also need the privilege "View Table Actions"',
  },
  {
    key: 'phixflowAsyncTimeoutMs', name: 'phixflowAsyncTimeout', flag: '--phixflow-async-timeout', arg: 'ms', env: ['FLOWMOCK_PHIXFLOW_ASYNC_TIMEOUT'], parse: int(0),
    help: 'PhixFlow async trigger wait before answering with a status URL',
  },
  { key: 'validateResponses', name: 'validateResponses', flag: '--validate-responses', env: ['FLOWMOCK_VALIDATE_RESPONSES'], parse: bool, help: 'check every response against the spec; a breaking one becomes a 500' },
  { key: 'logLevel', name: 'logLevel', flag: '--log-level', arg: 'level', env: ['FLOWMOCK_LOG_LEVEL'], parse: choice('fatal', 'error', 'warn', 'info', 'debug', 'silent'), help: 'log level' },
  {
    key: 'logFormat', name: 'logFormat', flag: '--log-format', arg: 'format', env: ['FLOWMOCK_LOG_FORMAT'], parse: choice('auto', 'pretty', 'json'),
    help: 'logs as one line per event for people (pretty) or JSON lines (json); auto: pretty on a terminal, JSON otherwise',
  },
  {
    key: 'seed', name: 'seed', flag: '--seed', arg: 'n', env: ['FLOWMOCK_SEED'], parse: int(0), defaultText: 'random',
    help: 'seed of every random choice: dynamic Prefer bodies, fault latencies, ids on a new database',
  },
  { key: 'cors', name: 'cors', flag: '--cors', arg: 'origins|off', env: ['FLOWMOCK_CORS'], parse: wrap(parseCors), help: "CORS: '*', off, or comma-separated origins" },
  {
    key: 'journalMaxEntries', name: 'journalMax', flag: '--journal-max', arg: 'n', env: ['FLOWMOCK_JOURNAL_MAX'], parse: int(0), defaultText: '10000',
    help: 'requests the journal keeps (GET /__flowmock/requests), oldest dropped first; 0 turns the journal off',
  },
  {
    key: 'journalBodyCapBytes', name: 'journalBodyCap', flag: '--journal-body-cap', arg: 'bytes', env: ['FLOWMOCK_JOURNAL_BODY_CAP'], parse: int(0), defaultText: '16384',
    help: 'bytes of each request and response body the journal keeps',
  },
  {
    key: 'watch', name: 'watch', flag: '--no-watch', env: ['FLOWMOCK_WATCH'], parse: bool, negatable: true, defaultText: 'on for serve (off for the demo flows of an installed package)',
    help: 'do not reload the flow definitions and the spec when their files change',
  },
  {
    key: 'faults', name: 'faults', flag: '--fault', arg: 'rule', env: ['FLOWMOCK_FAULTS'], list: true, defaultText: 'none',
    parse: wrap((v) => {
      parseFaultRule(v);
      return v;
    }),
    help: "transport fault per route, repeatable (env: separated by ';'): '[METHOD ]PATH=latency:200-500|fault:429|503|reset|truncate[,retry-after:S][,probability:P]'",
  },
];

/** The setting of a config-file key. */
export const settingByName = (name: string): Setting | undefined => SETTINGS.find((s) => s.name === name);

/** `parse`, with the source named in the error: `FLOWMOCK_LOG_LEVEL must be one of …`. */
function parseFrom(s: Setting, raw: string, source: string, error: (msg: string) => Error): unknown {
  try {
    return s.parse(raw);
  } catch (err) {
    if (!(err instanceof SettingValueError)) throw err;
    const reason = s.secret ? err.message.replace(/, got .*$/, '').replace(/; got .*$/, '') : err.message;
    throw error(`${source} ${reason}`);
  }
}

/** The settings found in the environment. */
export function settingsFromEnv(env: NodeJS.ProcessEnv, error: (msg: string) => Error): Partial<FlowmockConfig> {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const name = s.env.find((e) => env[e] !== undefined && env[e] !== '');
    if (!name) continue;
    const raw = env[name]!;
    out[s.key] = s.list ? raw.split(';').map((r) => r.trim()).filter(Boolean).map((r) => parseFrom(s, r, name, error)) : parseFrom(s, raw, name, error);
  }
  return out as Partial<FlowmockConfig>;
}

export const CONFIG_FILE = 'flowmock.config.yaml';

/** The YAML parser, loaded when a config file is read: `flowmock --help` and the like need none (issue 17). */
const parseYaml = (text: string): unknown => (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);

/**
 * The settings of a config file (`flowmock.config.yaml`: the `name`s of the table as keys).
 * `file` absent: ./flowmock.config.yaml when it exists, else nothing. Relative paths in it (db,
 * flows) are relative to the file's folder, so the file works from any working directory.
 */
export function settingsFromFile(file: string | undefined, error: (msg: string) => Error): { file: string | null; values: Partial<FlowmockConfig> } {
  const chosen = file ?? (existsSync(CONFIG_FILE) ? CONFIG_FILE : null);
  if (!chosen) return { file: null, values: {} };
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(chosen, 'utf8'));
  } catch (err) {
    throw error(`config file ${chosen}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return { file: chosen, values: {} };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw error(`config file ${chosen}: must be a mapping of settings (key: value)`);
  const out: Record<string, unknown> = {};
  const base = path.dirname(path.resolve(chosen));
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    const s = settingByName(k);
    if (!s) throw error(`config file ${chosen}: unknown setting "${k}"; known: ${SETTINGS.map((x) => x.name).join(', ')}`);
    const where = `config file ${chosen}: ${k}`;
    const asText = (x: unknown): string => {
      if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return String(x);
      throw error(`${where} must be a ${s.list ? 'list of strings' : 'single value'}`);
    };
    let value = s.list
      ? (Array.isArray(v) ? v : [v]).map((x) => parseFrom(s, asText(x), where, error))
      : parseFrom(s, asText(v), where, error);
    if ((s.key === 'db' || s.key === 'flowsDir' || s.key === 'store' || s.key === 'externalUsersFile') && typeof value === 'string' && value !== ':memory:'
      && !/^postgres(ql)?:\/\//i.test(value)) value = path.resolve(base, value);
    out[s.key] = value;
  }
  return { file: chosen, values: out as Partial<FlowmockConfig> };
}
