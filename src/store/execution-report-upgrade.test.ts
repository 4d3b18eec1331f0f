/** Proves that execution records saved before the vendor-shaped report stay readable, in the new shape. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { FlowEngine } from '../engine/flows/flow-engine.js';
import { upgradeExecutionReport } from './execution-report-upgrade.js';
import { openStore } from './sqlite-store.js';
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

  it('an open block of a waiting step gets the waiting status; iterations are upgraded too; new-shape blocks are kept', async () => {
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

describe('an old database row, read through the store and recovered by the engine', () => {
  it('a Running execution saved with the flat report is read in the new shape and Interrupted on restart, its open step closed with Error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowmock-legacy-'));
    const file = path.join(dir, 'old.db');
    try {
      await openStore(file).close(); // the schema
      const data = {
        inputKind: 'none', inputData: null, skipUserInput: false, modifiedBy: 'u1',
        stages: [{ start: '2026-01-01T10:00:00.000Z', end: null, input: null, lastProgress: null }],
        iterations: [], output: { model: {} }, waitingFor: null,
        report: [{ id: 'main', displayName: 'Old flow', blocks: [
          { id: 'a', type: 'progress', status: 'Success', start: '2026-01-01T10:00:00.000Z', end: '2026-01-01T10:00:01.000Z' },
          { id: 'b', type: 'progress', start: '2026-01-01T10:00:01.000Z' },
        ] }],
        cursor: { stepIndex: 1, input: null, form: {}, callback: null, activeMs: 0, runningSince: '2026-01-01T10:00:01.000Z' },
      };
      const raw = new Database(file);
      raw.prepare(`INSERT INTO executions (id, flow_id, flow_name, status, created_at, created_by, modified_at, queue_seq, version, progress, data)
        VALUES ('old', 'f', 'Old flow', 'Running', '2026-01-01T10:00:00.000Z', 'u1', '2026-01-01T10:00:01.000Z', NULL, 3, ?, ?)`)
        .run(JSON.stringify({ percentage: 50, message: 'b', status: 'Running' }), JSON.stringify(data));
      raw.close();

      const store = openStore(file);
      try {
        const read = (await store.executions.byId('old'))!;
        expect(read.report).toEqual([{ id: 'main', blocks: [
          { id: 'a', step: { status: 'Output', start: '2026-01-01T10:00:00.000Z', end: '2026-01-01T10:00:01.000Z' } },
          { id: 'b', step: { start: '2026-01-01T10:00:01.000Z' } },
        ] }]);
        const engine = new FlowEngine({ store, flows: () => new Map(), speed: 0, now: () => new Date('2026-01-02T00:00:00.000Z') });
        expect(await engine.recoverOnStartup()).toEqual({ interrupted: 1 });
        engine.shutdown();
        const after = (await store.executions.byId('old'))!;
        expect(after.status).toBe('Interrupted');
        expect(after.report[0].blocks[1].step).toMatchObject({ status: 'Error', end: '2026-01-02T00:00:00.000Z', output: { message: expect.stringMatching(/server stopped/) } });
        expect(after.errors).toEqual([{ error: 'FlowInterrupted', message: expect.stringMatching(/server stopped/) }]);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
