/**
 * Proves the engine's memo caches belong to one EngineCaches (one per server, built by
 * src/services.ts): a memo is shared within it, never between two of them, and `clear()` (the
 * server closes) drops it.
 */
import { describe, expect, it } from 'vitest';
import type { FlowDef } from '../definitions/types.js';
import { EngineCaches } from './caches.js';
import { programOf } from './program.js';
import { scenarioFlow } from './scenarios.js';
import { validateFormValues } from './user-input.js';

const def: FlowDef = {
  kind: 'flow', id: 'f', displayName: 'F', input: { kind: 'none' }, sourceFile: 'test',
  steps: [
    { id: 'a', type: 'progress', durationMs: 10, percentage: 50 },
    { id: 'form', type: 'userInput', fields: [{ key: 'day', title: 'Day', type: 'date', required: true }] },
  ],
};
const flow = { def, conditions: new Map(), templates: new Map() };

describe('EngineCaches', () => {
  it('memoizes programs, scenario views and compiled text within one cache, not across two', () => {
    const one = new EngineCaches();
    const two = new EngineCaches();
    expect(programOf(def, one)).toBe(programOf(def, one));
    expect(programOf(def, two)).not.toBe(programOf(def, one));
    expect(programOf(def, two)).toEqual(programOf(def, one));
    expect(scenarioFlow(flow, 'stuck', one)).toBe(scenarioFlow(flow, 'stuck', one));
    expect(scenarioFlow(flow, 'stuck', two)).not.toBe(scenarioFlow(flow, 'stuck', one));
    const compile = (s: string) => ({ isStatic: true, render: async () => s }) as never;
    expect(one.template('x', compile)).toBe(one.template('x', compile));
    expect(two.template('x', compile)).not.toBe(one.template('x', compile));
  });

  it('knows the hold step the stuck scenario inserted only in the cache that made it', () => {
    const one = new EngineCaches();
    const hold = scenarioFlow(flow, 'stuck', one).def.steps.find((s) => s.id === 'flowmock-stuck');
    expect(hold).toBeDefined();
    expect(one.isHold(hold)).toBe(true);
    expect(new EngineCaches().isHold(hold)).toBe(false);
    expect(one.isHold(def.steps[0])).toBe(false);
  });

  it('validates form values with a validator compiled once per step, and clear() drops everything', () => {
    const caches = new EngineCaches();
    const form = def.steps[1] as Extract<FlowDef['steps'][number], { type: 'userInput' }>;
    expect(validateFormValues(form, { day: '2026-12-03' }, caches)).toEqual({ day: '2026-12-03' });
    expect(() => validateFormValues(form, { day: '2026-02-30' }, caches)).toThrow(/must be a date/);
    const program = programOf(def, caches);
    const view = scenarioFlow(flow, 'stuck', caches);
    caches.clear();
    expect(programOf(def, caches)).not.toBe(program);
    expect(scenarioFlow(flow, 'stuck', caches)).not.toBe(view);
    expect(validateFormValues(form, { day: '2026-12-03' }, caches)).toEqual({ day: '2026-12-03' });
  });
});
