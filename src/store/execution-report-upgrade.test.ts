/** Proves that execution records saved before the vendor-shaped report stay readable, in the new shape. */
import { describe, expect, it } from 'vitest';
import { upgradeExecutionReport } from './execution-report-upgrade.js';
import type { ExecutionRecord } from './types.js';

describe('upgradeExecutionReport (records from older databases)', () => {
  it.each([
    ['Success', { status: 'Output', start: 's', end: 'e', output: { message: 'm' } }],
    ['Warning', { status: 'Error', start: 's', end: 'e', output: { message: 'm' } }],
    ['Error', { status: 'Error', start: 's', end: 'e', output: { message: 'm' } }],
    ['Skipped', { status: 'Skipped', start: 's', end: 'e', output: { message: 'm' } }],
  ])('a flat block with status %s becomes a block with a step state', (status, step) => {
    const old = { report: [{ id: 'main', displayName: 'Main', blocks: [{ id: 'b', type: 'progress', displayName: 'B', status, message: 'm', start: 's', end: 'e' }] }], iterations: [] };
    const rec = upgradeExecutionReport(old as unknown as ExecutionRecord);
    expect(rec.report).toEqual([{ id: 'main', blocks: [{ id: 'b', displayName: 'B', step }] }]);
    expect(rec.warnings).toEqual([]);
    expect(rec.errors).toEqual([]);
  });

  it('an open block of a waiting step gets the waiting status; iterations are upgraded too; new-shape blocks are kept', () => {
    const old = {
      report: [{ id: 'main', blocks: [{ id: 'ask', type: 'userInput', start: 's' }, { id: 'cb', type: 'waitForCallback', start: 's' }, { id: 'x', step: { status: 'Output' } }] }],
      iterations: [{ id: 'r1', report: [{ id: 'main', blocks: [{ id: 'b', type: 'document', status: 'Success' }] }] }],
    };
    const rec = upgradeExecutionReport(old as unknown as ExecutionRecord);
    expect(rec.report[0].blocks).toEqual([
      { id: 'ask', step: { status: 'UserInput', start: 's' } },
      { id: 'cb', step: { status: 'Waiting', start: 's' } },
      { id: 'x', step: { status: 'Output' } },
    ]);
    expect(rec.iterations[0].report[0].blocks).toEqual([{ id: 'b', step: { status: 'Output' } }]);
  });
});
