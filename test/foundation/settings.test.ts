/**
 * The settings table (src/settings.ts) is the one source of the CLI's options, the environment
 * reader and the config-file reader: every setting is reachable by flag, environment variable and
 * config key with the same parser, and a bad value is a one-line error naming its source.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SETTINGS, settingsFromEnv, settingsFromFile } from '../../src/settings.js';
import { settingOption } from '../../src/cli/options.js';
import { settingsTableMarkdown } from '../../src/settings-doc.js';
import { ConfigError, DEFAULT_CONFIG, configFromEnv, resolveConfig, BUNDLED_FLOWS_DIR, defaultFlowsDir } from '../../src/config.js';
import { storeTarget } from '../../src/store/open-store.js';

const dir = mkdtempSync(path.join(tmpdir(), 'flowmock-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const err = (m: string) => new ConfigError(m);

/** A valid raw value for each setting (as text, as env and flags give it). */
const SAMPLE: Record<string, string> = {
  host: '0.0.0.0', port: '9001', db: ':memory:', store: 'postgres://flowmock@127.0.0.1:5432/flowmock', replicaLease: '5', flows: 'flows', speed: '0.5', maxConcurrent: '2', clock: 'virtual', bodyLimit: '2048',
  adminKey: 'a'.repeat(40), phixflowApiKey: 'p'.repeat(40), webhookSecret: 'w'.repeat(20), jwtTtl: '600', longPollMax: '30',
  phixflowSyncTimeout: '1000', phixflowVersion: '11.2', phixflowAsyncTimeout: '100', validateResponses: 'true', logLevel: 'debug', logFormat: 'pretty', seed: '7',
  cors: 'off', journalMax: '5', journalBodyCap: '100', watch: 'false', faults: 'GET /x=fault:503', externalUsers: '/srv/flowmock/directory.json',
};

describe('settings table', () => {
  it('every setting has a flag, an environment variable, a config key, help and a sample here; keys and names are unique', () => {
    expect(new Set(SETTINGS.map((s) => s.key)).size).toBe(SETTINGS.length);
    expect(new Set(SETTINGS.map((s) => s.name)).size).toBe(SETTINGS.length);
    for (const s of SETTINGS) {
      expect(s.flag, s.name).toMatch(/^--[a-z-]+$/);
      expect(s.env.length, s.name).toBeGreaterThan(0);
      expect(s.help.length, s.name).toBeGreaterThan(5);
      expect(SAMPLE[s.name], `a sample for ${s.name}`).toBeDefined();
    }
  });

  it('every configuration field with a default is a setting (only printStartup, an embedding switch, is not)', () => {
    const settings = new Set<string>(SETTINGS.map((s) => s.key));
    expect(Object.keys(DEFAULT_CONFIG).filter((k) => !settings.has(k))).toEqual(['printStartup']);
  });

  it('--help names, for every setting, its environment variable, its config key and its default', () => {
    for (const s of SETTINGS) {
      const help = settingOption(s).description;
      expect(help, s.name).toContain(`env ${s.env.join(' or ')}; config ${s.name}; default: `);
      expect(help.split('default: ')[1]?.replace(/\)$/, '').trim(), `${s.name} shows a default`).not.toBe('');
    }
  });

  it('the environment and the config file give the same values for every setting; resolveConfig accepts them', () => {
    const env = Object.fromEntries(SETTINGS.map((s) => [s.env[0], SAMPLE[s.name]]));
    const fromEnv = settingsFromEnv(env, err);
    const file = path.join(dir, 'all.yaml');
    writeFileSync(file, SETTINGS.map((s) => `${s.name}: ${JSON.stringify(SAMPLE[s.name])}`).join('\n'));
    const fromFile = settingsFromFile(file, err).values;
    expect(Object.keys(fromEnv).sort()).toEqual(SETTINGS.map((s) => s.key).sort());
    expect({ ...fromFile, flowsDir: 'flows' }).toEqual({ ...fromEnv, flowsDir: 'flows' }); // the file's paths are made absolute
    expect(fromFile.flowsDir).toBe(path.join(dir, 'flows'));
    expect(fromEnv).toMatchObject({ port: 9001, speed: 0.5, validateResponses: true, watch: false, faults: ['GET /x=fault:503'], cors: 'off', journalMaxEntries: 5 });
    expect(() => resolveConfig(fromEnv)).not.toThrow();
  });

  it('a bad value names its source in one line; secrets are not echoed', () => {
    expect(() => configFromEnv({ FLOWMOCK_LOG_LEVEL: 'verbose' })).toThrow('FLOWMOCK_LOG_LEVEL must be one of fatal, error, warn, info, debug, silent; got "verbose"');
    expect(() => configFromEnv({ FLOWMOCK_BODY_LIMIT: 'lots' })).toThrow('FLOWMOCK_BODY_LIMIT must be a whole number, got "lots"');
    expect(() => configFromEnv({ PORT: '70000' })).toThrow('PORT must be 0-65535, got 70000');
    let message = '';
    try { configFromEnv({ FLOWMOCK_ADMIN_KEY: 'short-secret' }); } catch (e) { message = (e as Error).message; }
    expect(message).toBe('FLOWMOCK_ADMIN_KEY must be at least 32 characters');
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'faults: "nonsense"\n');
    expect(() => settingsFromFile(file, err)).toThrow(/^config file .*bad\.yaml: faults /);
    writeFileSync(file, '- port\n');
    expect(() => settingsFromFile(file, err)).toThrow('must be a mapping of settings');
  });

  it('--store: a postgres:// URL selects PostgreSQL (also from DATABASE_URL); a path is the SQLite file; other URLs are refused without echoing them', () => {
    expect(storeTarget({ db: 'a.db', store: 'postgresql://u:secret@db:5432/fm' })).toEqual({ kind: 'postgres', url: 'postgresql://u:secret@db:5432/fm' });
    expect(storeTarget({ db: 'a.db', store: 'other.db' })).toEqual({ kind: 'sqlite', file: 'other.db' });
    expect(storeTarget({ db: 'a.db' })).toEqual({ kind: 'sqlite', file: 'a.db' });
    expect(configFromEnv({ DATABASE_URL: 'postgres://h/db' }).store).toBe('postgres://h/db');
    expect(configFromEnv({ FLOWMOCK_STORE: 'postgres://h/one', DATABASE_URL: 'postgres://h/two' }).store).toBe('postgres://h/one');
    let message = '';
    try { configFromEnv({ DATABASE_URL: 'mysql://root:hunter2@h/db' }); } catch (e) { message = (e as Error).message; }
    expect(message).toBe('DATABASE_URL must be a postgres:// URL or a SQLite file; mysql:// databases are not supported');
    const file = path.join(dir, 'store.yaml');
    writeFileSync(file, 'store: state/flowmock.db\n');
    expect(settingsFromFile(file, err).values.store).toBe(path.join(dir, 'state', 'flowmock.db'));
    writeFileSync(file, 'store: postgres://h/db\n');
    expect(settingsFromFile(file, err).values.store).toBe('postgres://h/db');
  });

  it("the README's settings table is the one generated from the settings table", () => {
    const readme = readFileSync(path.resolve('README.md'), 'utf8');
    const m = /<!-- settings-table:[^\n]*-->\n([\s\S]*?)\n<!-- \/settings-table -->/.exec(readme);
    expect(m, 'README has the settings-table markers').not.toBeNull();
    expect(m![1]).toBe(settingsTableMarkdown());
  });

  it('--flows defaults to ./flows where it exists, else the bundled demo flows', () => {
    expect(defaultFlowsDir(path.resolve('.'))).toBe('flows');
    expect(defaultFlowsDir(dir)).toBe(BUNDLED_FLOWS_DIR);
    expect(DEFAULT_CONFIG.flowsDir).toBe('flows');
  });
});
