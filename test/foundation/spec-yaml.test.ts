/**
 * generated/openapi.yaml is read by tools we do not control: Dredd and yaml-js parse YAML 1.1,
 * js-yaml its own default schema, Prism and Redocly YAML 1.2. Every one of them must read the same
 * document as generated/openapi.json.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { specYaml } from '../../scripts/spec-yaml.js';

// js-yaml ships no types and comes with the spec tooling (swagger-parser); only `load` is used.
const jsYaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

const root = path.resolve(import.meta.dirname, '../..');
const json = JSON.parse(readFileSync(path.join(root, 'generated/openapi.json'), 'utf8')) as unknown;
const text = readFileSync(path.join(root, 'generated/openapi.yaml'), 'utf8');

describe('generated/openapi.yaml reads the same in every YAML parser', () => {
  it('yaml (YAML 1.2) reads the JSON document', () => {
    expect(YAML.parse(text)).toEqual(json);
  });

  it('yaml in YAML 1.1 mode (what Dredd and yaml-js read) reads the JSON document', () => {
    expect(YAML.parse(text, { version: '1.1' })).toEqual(json);
  });

  it('js-yaml reads the JSON document (no dates, no numbers where the JSON has strings)', () => {
    expect(jsYaml.load(text)).toEqual(json);
  });

  it('quotes the scalars a YAML 1.1 parser would misread, and only single-line ones', () => {
    const sample = {
      scopes: ['execute:flows', 'read:flows'],
      when: '2026-11-22T10:00:00.000Z',
      day: '2026-11-22',
      flags: ['yes', 'off', 'y'],
      big: '1_000',
      clock: '1:30',
      plain: 'Invoice',
      block: 'line one: with a colon\nline two\n',
    };
    const out = specYaml(sample);
    expect(out).toContain('- "execute:flows"');
    expect(out).toContain('when: "2026-11-22T10:00:00.000Z"');
    expect(out).toContain('plain: Invoice');
    expect(out).toMatch(/block: \|/);
    expect(YAML.parse(out, { version: '1.1' })).toEqual(sample);
    expect(jsYaml.load(out)).toEqual(sample);
  });
});
