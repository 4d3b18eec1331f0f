import { describe, expect, it } from 'vitest';
import { compareRuns, compareScenario, occurrences } from '../../src/contract/compare/compare.js';
import { formatComparison } from '../../src/contract/compare/table.js';
import type { RunTrace, TracedCall } from '../../src/contract/compare/trace.js';

const S = 'phixflow: async';
const call = (operationId: string, status: number, extra: Partial<TracedCall> = {}): TracedCall => ({
  scenario: S, operationId, method: 'GET', status, mediaType: 'application/json', headers: {}, answeredBy: 'server', ...extra,
});
const trace = (label: string, calls: TracedCall[], over: Partial<RunTrace> = {}): RunTrace => ({
  label, scenarios: [{ name: S }], calls, lifecycle: {}, ...over,
});

describe('occurrences', () => {
  it('counts a poll loop once, by its last answer; every other call is an occurrence of its own', () => {
    const occ = occurrences([
      call('Poll', 200, { poll: 1, headers: { 'retry-after': true } }), call('Poll', 200, { poll: 1, headers: { 'retry-after': false } }),
      call('Poll', 200), call('Poll', 200), call('Poll', 404, { poll: 2 }), call('Poll', 200, { poll: 3 }),
    ]);
    expect(occ.get('Poll')!.map((o) => [o.status, o.headers['retry-after'] ?? null, o.calls])).toEqual([[200, false, 2], [200, null, 1], [200, null, 1], [404, null, 1], [200, null, 1]]);
  });
});

describe('compareScenario', () => {
  it('finds nothing when both sides answered alike, whatever the length of a poll loop and the interleaving of operations', () => {
    const a = [call('Trigger', 202, { method: 'POST' }), call('TriggerV10', 202, { method: 'POST' }),
      call('Status', 200, { poll: 1 }), call('Status', 200, { poll: 1 }), call('Status', 200, { poll: 1 }), call('Status', 404)];
    const b = [call('TriggerV10', 202, { method: 'POST' }), call('Trigger', 202, { method: 'POST' }), call('Status', 200, { poll: 7 }), call('Status', 404)];
    const r = compareScenario(S, a, b);
    expect(r.disagreements).toEqual([]);
    expect(r.aligned).toBe(4);
    expect(r.calls).toEqual({ primary: 6, compare: 4 });
  });

  it('compares the answer a poll loop stopped on', () => {
    const r = compareScenario(S,
      [call('Progress', 200, { poll: 1, headers: { 'retry-after': true } }), call('Progress', 200, { poll: 1, headers: { 'retry-after': false } })],
      [call('Progress', 200, { poll: 1, headers: { 'retry-after': true } }), call('Progress', 200, { poll: 1, headers: { 'retry-after': true } })]);
    expect(r.disagreements.map((d) => [d.kind, d.what, d.primary, d.compare])).toEqual([['header', 'Progress #1 retry-after', 'absent', 'present']]);
  });

  it('names a different status, with the occurrence', () => {
    const r = compareScenario(S, [call('Trigger', 200), call('Trigger', 201), call('Other', 200)], [call('Trigger', 200), call('Other', 200), call('Trigger', 404)]);
    expect(r.disagreements).toEqual([
      { scenario: S, kind: 'status', what: 'Trigger #2', operationId: 'Trigger', occurrence: 2, primary: '201 application/json', compare: '404 application/json' },
    ]);
  });

  it('a repeated call outside a poll loop is an occurrence of its own', () => {
    const r = compareScenario(S, [call('Status', 200), call('Status', 404), call('Status', 200)], [call('Status', 200), call('Status', 404)]);
    expect(r.disagreements.map((d) => [d.kind, d.what, d.primary, d.compare])).toEqual([['one-side-call', 'Status #3', '200 application/json', '(no call)']]);
  });

  it('an answer Prism made differs from the same status made by the server', () => {
    const r = compareScenario(S, [call('Create', 401)], [call('Create', 401, { answeredBy: 'prism-refused-request', mediaType: 'application/problem+json' })]);
    expect(r.disagreements).toHaveLength(1);
    expect(r.disagreements[0]).toMatchObject({ kind: 'status', compare: '401 (made by Prism) application/problem+json' });
  });

  it('names a different media type and a documented header present on one side only', () => {
    const r = compareScenario(S,
      [call('CreatePrinter', 201, { headers: { location: true } }), call('Me', 200)],
      [call('CreatePrinter', 201, { headers: { location: false } }), call('Me', 200, { mediaType: 'text/plain' })]);
    expect(r.disagreements.map((d) => [d.kind, d.what, d.primary, d.compare])).toEqual([
      ['header', 'CreatePrinter #1 location', 'present', 'absent'],
      ['content-type', 'Me #1', 'application/json', 'text/plain'],
    ]);
  });

  it('names calls made on one side only', () => {
    const r = compareScenario(S, [call('Logs', 200)], []);
    expect(r.disagreements).toEqual([{ scenario: S, kind: 'one-side-call', what: 'Logs #1', operationId: 'Logs', occurrence: 1, primary: '200 application/json', compare: '(no call)' }]);
  });

  it('names lifecycle statuses and transitions seen on one side only', () => {
    const r = compareScenario(S, [], [], {
      primary: { executions: { seen: ['Running', 'Success'], transitions: ['Running → Success'] }, processes: { seen: [], transitions: [] } },
      compare: { executions: { seen: ['Running'], transitions: [] }, processes: { seen: ['Running'], transitions: [] } },
    });
    expect(r.disagreements.map((d) => [d.kind, d.what, d.primary, d.compare])).toEqual([
      ['lifecycle-status', 'execution status Success', 'seen', 'not seen'],
      ['lifecycle-transition', 'execution transition Running → Success', 'seen', 'not seen'],
      ['lifecycle-status', 'process status Running', 'not seen', 'seen'],
    ]);
  });
});

describe('compareRuns', () => {
  it('lists a scenario skipped on either side as not compared, without disagreements', () => {
    const a = trace('reference', [call('Trigger', 200)]);
    const b = trace('prism-mock', [], { scenarios: [{ name: S, skipped: 'needs keys.user' }] });
    const c = compareRuns(a, b);
    expect(c.disagreements).toEqual([]);
    expect(c.scenarios).toEqual([{ scenario: S, notCompared: 'skipped on prism-mock: needs keys.user', calls: { primary: 0, compare: 0 }, aligned: 0, disagreements: [] }]);
  });

  it('compares each scenario with its own calls and lifecycle, and prints a table grouped by scenario', () => {
    const other = 'phixflow: sync';
    const a = trace('reference', [call('Trigger', 201), { ...call('Trigger', 200), scenario: other }], {
      scenarios: [{ name: S }, { name: other }],
      lifecycle: { [S]: { executions: { seen: [], transitions: [] }, processes: { seen: ['Fail'], transitions: [] } } },
    });
    const b = trace('prism-mock', [call('Trigger', 200), { ...call('Trigger', 200), scenario: other }], { scenarios: [{ name: S }, { name: other }] });
    const c = compareRuns(a, b);
    expect(c.disagreements.map((d) => `${d.scenario}: ${d.kind} ${d.what}`)).toEqual([`${S}: status Trigger #1`, `${S}: lifecycle-status process status Fail`]);
    const table = formatComparison(c);
    expect(table).toContain('Comparison: reference vs prism-mock — 2 disagreements in 1 of 2 compared scenarios');
    expect(table).toContain('✗ phixflow: async (2 disagreements; calls 1 | 1, 1 answers aligned)');
    expect(table).toMatch(/status\s+Trigger #1\s+201 application\/json\s+200 application\/json/);
    expect(table).toMatch(/lifecycle\s+process status Fail\s+seen\s+not seen/);
    expect(table).toContain('✓ phixflow: sync (calls 1 | 1, 1 answers aligned)');
  });
});
