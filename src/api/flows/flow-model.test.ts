/**
 * Proves that GetFlow's vendor body of every demo flow without `iterate` (which has no vendor
 * block) translates back into the same program: what GetFlow shows of a file flow can be sent to
 * CreateFlow and runs the same steps, constructs and zones.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDefinitions } from '../../engine/definitions/load.js';
import { translateVendorFlow } from '../../engine/definitions/vendor-body.js';
import { compileProgram, type Op } from '../../engine/flows/program.js';
import { presentFlow } from './flow-model.js';

const defs = await loadDefinitions(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../flows'));
const shape = (ops: Op[]) => ops.map((op) => ('step' in op ? `${op.op}:${op.step.id}@${op.zone}` : `${op.op}:${op.owner}`));
const runnable = defs.flows.filter((f) => !compileProgram(f.def).iterates);

describe('GetFlow body -> CreateFlow translation', () => {
  it('covers most demo flows', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(defs.flows.length - 1);
  });
  it.each(runnable.map((f) => [f.def.displayName, f] as const))('%s translates into the same program', (_name, f) => {
    const vendor = presentFlow(f, '2026-12-03T10:00:00.000Z') as unknown as Record<string, unknown>;
    const back = translateVendorFlow(vendor, f.def.id);
    expect(shape(compileProgram(back.def).ops)).toEqual(shape(compileProgram(f.def).ops));
  });
});
