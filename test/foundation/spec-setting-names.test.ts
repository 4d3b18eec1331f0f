/**
 * The spec's descriptions tell users how to configure the server (`--jwt-ttl`, `FLOWMOCK_CLOCK`,
 * `flowmock token --user`). Every flag and environment variable they name must exist: a setting of
 * src/settings.ts or an option the CLI declares in src/cli/main.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/settings.js';

const root = path.resolve(import.meta.dirname, '../..');
const specText = readFileSync(path.join(root, 'generated/openapi.json'), 'utf8');
const cliText = readFileSync(path.join(root, 'src/cli/main.ts'), 'utf8');

const flags = new Set<string>([
  ...SETTINGS.map((s) => s.flag),
  ...[...cliText.matchAll(/[Oo]ption\('(--[a-z][a-z-]*)/g)].map((m) => m[1]),
]);
const envs = new Set<string>(SETTINGS.flatMap((s) => s.env));

describe('settings named in the spec exist', () => {
  it('every --flag the spec names is a setting or a CLI option', () => {
    const named = new Set([...specText.matchAll(/(?<![\w-])(--[a-z][a-z-]*[a-z])/g)].map((m) => m[1]));
    expect(named.has('--jwt-ttl')).toBe(true); // the Login description's lifetime setting
    const unknown = [...named].filter((f) => !flags.has(f));
    expect(unknown).toEqual([]);
  });

  it('every FLOWMOCK_ variable the spec names is a setting\'s environment variable', () => {
    const named = new Set([...specText.matchAll(/FLOWMOCK_[A-Z_]*[A-Z]/g)].map((m) => m[0]));
    expect(named.has('FLOWMOCK_JWT_TTL')).toBe(true);
    expect([...named].filter((e) => !envs.has(e))).toEqual([]);
  });
});
