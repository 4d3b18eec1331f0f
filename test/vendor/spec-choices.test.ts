/** Proves the collection of flowmock choices and the README table that generate writes and generate:check guards. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { choicesTable, collectChoices, describePointer, readmeWithChoices } from '../../scripts/spec-choices.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const doc = {
  paths: {
    '/api/v1/flows/executions/{execution}/progress': {
      get: {
        'x-flowmock-choice': 'timeout=-1 waits for the longest allowed time',
        responses: { '404': { description: 'unknown', 'x-flowmock-choice': 'an unknown id | a foreign one' } },
      },
    },
  },
  components: { schemas: { Problem: { 'x-flowmock-choice': 'RFC 9457\nproblem details', properties: {} } } },
};

describe('collectChoices', () => {
  it('finds every x-flowmock-choice with the JSON pointer of its element, in document order', () => {
    expect(collectChoices(doc)).toEqual({
      choices: [
        { pointer: '/paths/~1api~1v1~1flows~1executions~1{execution}~1progress/get', reason: 'timeout=-1 waits for the longest allowed time' },
        { pointer: '/paths/~1api~1v1~1flows~1executions~1{execution}~1progress/get/responses/404', reason: 'an unknown id | a foreign one' },
        { pointer: '/components/schemas/Problem', reason: 'RFC 9457\nproblem details' },
      ],
      problems: [],
    });
  });

  it.each([['an empty string', ''], ['blanks', '  '], ['true', true], ['an object', { why: 'x' }], ['null', null]])('refuses %s as a choice, naming where', (_n, value) => {
    const { choices, problems } = collectChoices({ paths: { '/a': { get: { 'x-flowmock-choice': value } } } });
    expect(choices).toEqual([]);
    expect(problems).toEqual([`/paths/~1a/get: x-flowmock-choice must be a non-empty string (the reason), got ${JSON.stringify(value)}`]);
  });
});

describe('the README table', () => {
  it('names the element readably, escapes table cells and keeps the pointer', () => {
    const table = choicesTable(collectChoices(doc).choices);
    expect(table.split('\n')).toEqual([
      '| where | flowmock choice | JSON pointer |',
      '|---|---|---|',
      '| GET /api/v1/flows/executions/{execution}/progress | timeout=-1 waits for the longest allowed time | `/paths/~1api~1v1~1flows~1executions~1{execution}~1progress/get` |',
      '| GET /api/v1/flows/executions/{execution}/progress › responses › 404 | an unknown id \\| a foreign one | `/paths/~1api~1v1~1flows~1executions~1{execution}~1progress/get/responses/404` |',
      '| schema Problem | RFC 9457 problem details | `/components/schemas/Problem` |',
    ]);
    expect(describePointer('/components/schemas/Flow/properties/type')).toBe('schema Flow › properties › type');
  });

  it('replaces only what is between the markers, and refuses a README without them', () => {
    const readme = 'before\n<!-- choices:start -->\nold table\n<!-- choices:end -->\nafter\n';
    const next = readmeWithChoices(readme, collectChoices(doc).choices);
    expect(next.startsWith('before\n<!-- choices:start -->\n')).toBe(true);
    expect(next.endsWith('\n<!-- choices:end -->\nafter\n')).toBe(true);
    expect(next).not.toContain('old table');
    expect(readmeWithChoices(next, collectChoices(doc).choices)).toBe(next);
    expect(() => readmeWithChoices('no markers', [])).toThrow(/choices:start/);
  });

  it('is current in README.md for the bundled spec (what generate:check also enforces)', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const spec = JSON.parse(readFileSync(path.join(root, 'generated', 'openapi.json'), 'utf8'));
    const { choices, problems } = collectChoices(spec);
    expect(problems).toEqual([]);
    expect(readmeWithChoices(readme, choices)).toBe(readme);
  });
});
