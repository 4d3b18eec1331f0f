import { describe, expect, it } from 'vitest';
import { describeVendorShape, vendorShapeVerdict } from '../../src/contract/vendor/shape-check.js';
import { VendorValidator } from '../../src/contract/vendor/vendor-schemas.js';
import { miniContract } from './fixtures/mini-contract.js';
import { loadVendorContract } from '../../src/contract/vendor/contract.js';
import { Recorder } from '../../src/contract/recorder.js';

const mini = new VendorValidator(miniContract);
const item = { id: 'i1', status: 'Open', owner: { id: 'u', name: 'Ann' } };

describe('vendorShapeVerdict', () => {
  it('passes a conforming answer of a vendor operation', () => {
    expect(vendorShapeVerdict(mini, 'GET', '/api/v1/items', 200, 'application/json', [item])).toEqual({ operation: 'GetItems', violations: [] });
  });

  it('fails a non-conforming answer, naming the operation, the JSON pointer and the rule', () => {
    const v = vendorShapeVerdict(mini, 'GET', '/api/v1/items', 200, 'application/json', { content: [item], totalElements: 1 })!;
    expect(v.violations.map((x) => `${x.pointer} ${x.rule}`)).toEqual(['/ type array']);
    const w = vendorShapeVerdict(mini, 'GET', '/api/v1/items/{item}', 200, 'application/json', { ...item, username: 'x', status: 'Done' })!;
    expect(describeVendorShape(w, 'GET /api/v1/items/i1 → 200')).toBe(
      "GetItem (GET /api/v1/items/i1 → 200) differs from the vendor's answer: /username additionalProperties (a field the vendor model does not have); /status enum [Open, Closed]",
    );
  });

  it.each([
    ['an error answer (the vendor publishes no error bodies)', 'GET', '/api/v1/items', 404, 'application/problem+json', { title: 'x' }],
    ['a binary answer', 'GET', '/api/v1/items/{item}/content', 200, 'application/pdf', undefined],
    ['an operation the vendor does not have', 'GET', '/__flowmock/health', 200, 'application/json', { ok: true }],
  ])('does not apply to %s', (_n, method, path, status, media, json) => {
    expect(vendorShapeVerdict(mini, method, path, status, media, json)).toBeUndefined();
  });

  it('feeds the named check, counted in passed/total like the others', () => {
    const recorder = new Recorder();
    for (const answer of [[item], { content: [item] }]) {
      const v = vendorShapeVerdict(mini, 'GET', '/api/v1/items', 200, 'application/json', answer)!;
      recorder.record('vendor_shape_conformance', v.violations.length === 0, describeVendorShape(v, 'GET /api/v1/items → 200'));
    }
    expect(recorder.summary().find((s) => s.check === 'vendor_shape_conformance')).toEqual({ check: 'vendor_shape_conformance', passed: 1, failed: 1, known: 0, total: 2 });
  });

  it('judges against the real contract: a page object for GET /api/v1/flows fails, a vendor Flow list passes', () => {
    const real = new VendorValidator(loadVendorContract());
    const flow = { id: 'f1', displayName: 'Invoice', type: 'simple', input: { type: 'user', dataset: null } };
    expect(vendorShapeVerdict(real, 'GET', '/api/v1/flows', 200, 'application/json', [flow])?.violations).toEqual([]);
    expect(vendorShapeVerdict(real, 'GET', '/api/v1/flows', 200, 'application/json', { content: [flow], number: 0 })?.violations.map((x) => x.rule)).toEqual(['type array']);
  });
});
