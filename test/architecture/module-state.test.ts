/**
 * No module of src/ keeps state of its own (GUIDE: one composition root owns every long-lived
 * service). The scan is test/architecture/module-state.ts; a deliberate violation proves it reports
 * what it must and nothing it must not. What stays, stays by name, with the reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findModuleState } from './module-state.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Module-level state that stays, `file:name` → why. Each is a memo of a pure function of
 * immutable input (a deep-frozen definition, a source text, the package's own files): every server
 * would compute the same value, so sharing it shares no state between servers.
 */
const ALLOWED: Record<string, string> = {
  'src/engine/definitions/load.ts:validators':
    'the definition JSON Schemas compiled once, lazily: a constant of the module (the schemas are module constants).',
  'src/contract/spec-index.ts:shared':
    "the contract kit's index of the package's own bundled spec (validators compiled once): a constant of the installed package.",
  'src/contract/harness/processes.ts:live':
    'child processes (Prism) to kill when the process exits: the exit hook is the process\'s, so is the list.',
  'src/contract/harness/processes.ts:hooked':
    'whether that process exit hook is installed (once per process).',
  'src/http/openapi-document.ts:cached':
    "the package's own generated/openapi.json, read once: a constant of the installed package (a server's spec, which reloads, is SpecHolder's).",
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every finding in src/, scanned once for both tests below. */
const findingsInSrc = () => sourceFiles(path.join(ROOT, 'src')).flatMap((f) => findModuleState(path.relative(ROOT, f).split(path.sep).join('/'), readFileSync(f, 'utf8')));
const scanned = findingsInSrc();

describe('module-level state', () => {
  it('the check reports a deliberate violation: WeakMap, let, a Set and an object mutated by a function; not constant tables', () => {
    const text = readFileSync(path.join(ROOT, 'test/architecture/fixtures/module-singleton.ts.txt'), 'utf8');
    const found = findModuleState('fixture.ts', text).map((f) => `${f.name}: ${f.why}`).sort();
    expect(found).toEqual([
      'counters: top-level literal mutated by a function',
      'journals: top-level new WeakMap()',
      'requests: top-level let',
      'seen: top-level new Set() mutated by a function',
    ]);
  });

  it('reports the engine memo caches as they were written before EngineCaches owned them (a new one fails the check)', () => {
    const text = [
      'const cache = new WeakMap<FlowDef, Program>();',
      'const holdSteps = new WeakSet<StepDef>();',
      'const ajv = new Ajv2020({ allErrors: true });',
      'const templateCache = new Map<string, CompiledTemplate>();',
      'function cached<T>(c: Map<string, T>, s: string, f: (s: string) => T): T { let hit = c.get(s); if (!hit) { hit = f(s); c.set(s, hit); } return hit; }',
      'export const render = (s: string) => cached(templateCache, s, compileTemplate);',
    ].join('\n');
    expect(findModuleState('engine-cache.ts', text).map((f) => `${f.name}: ${f.why}`).sort()).toEqual([
      'ajv: top-level new Ajv2020()',
      'cache: top-level new WeakMap()',
      'holdSteps: top-level new WeakSet()',
      'templateCache: top-level new Map() mutated by a function',
    ]);
  });

  it('no module of src/ keeps state beyond the allow-list', () => {
    const unexpected = scanned.filter((f) => !(`${f.file}:${f.name}` in ALLOWED)).map((f) => `${f.file}:${f.line} ${f.name}: ${f.why}`);
    expect(unexpected, 'module-level state: make it a service built and closed by src/services.ts, or name it in ALLOWED with the reason').toEqual([]);
  });

  it('every allow-list entry still exists (a stale entry would hide a new singleton of the same name)', () => {
    const findings = new Set(scanned.map((f) => `${f.file}:${f.name}`));
    expect(Object.keys(ALLOWED).filter((k) => !findings.has(k))).toEqual([]);
  });
});
