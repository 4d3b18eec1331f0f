/**
 * The server compiles an operation's validators at its first request (start-up time), so this
 * test is what proves every request and response schema of the bundled spec compiles with Ajv —
 * what start-up used to prove — and that compiling is lazy and cached.
 */
import { describe, expect, it } from 'vitest';
import { listOperations, loadBundledSpec } from '../../src/http/openapi-document.js';
import { SpecValidator } from '../../src/http/validation.js';

describe('the bundled spec\'s validators', () => {
  const doc = loadBundledSpec();
  const ops = listOperations(doc);

  it(`every operation's parameter, body and response schemas compile (${ops.length} operations)`, () => {
    const validator = new SpecValidator(doc, ops, { responses: true });
    const failed: string[] = [];
    for (const op of ops) {
      try { validator.get(op.operationId); } catch (err) { failed.push(`${op.operationId}: ${(err as Error).message}`); }
    }
    expect(failed).toEqual([]);
  });

  it('compiles an operation once, at its first use, and refuses an unknown one', () => {
    const validator = new SpecValidator(doc, ops);
    const first = validator.get(ops[0].operationId);
    expect(validator.get(ops[0].operationId)).toBe(first);
    expect(() => validator.get('NoSuchOperation')).toThrow(/No validators for NoSuchOperation/);
  });

  it('compileAll surfaces a schema Ajv refuses (what a reload of an edited spec relies on)', () => {
    const broken = structuredClone(doc) as Record<string, unknown>;
    const pointer = ops.flatMap((op) => op.requestBody?.media ?? []).map((m) => m.schemaPointer).find(Boolean)!;
    const keys = pointer.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const parent = keys.slice(0, -1).reduce<any>((o, k) => o[k], broken); // eslint-disable-line @typescript-eslint/no-explicit-any
    parent[keys.at(-1)!] = { type: 'object', properties: { x: { $ref: '#/components/schemas/DoesNotExist' } } };
    const validator = new SpecValidator(broken as Record<string, unknown>, listOperations(broken as Record<string, unknown>));
    expect(() => validator.compileAll()).toThrow();
  });
});
