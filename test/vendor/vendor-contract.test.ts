/**
 * Issue 12's must-show: the spec (generated/openapi.json, the bundle of spec/) has the vendor's
 * method, path, operation name, query names and types, list-versus-object answer, and model field
 * names, types and enum values, for every operation of the flow-run surface; the only accepted
 * differences are the entries of spec/vendor-exceptions.yaml, each with its reason. One test per
 * vendor operation, so a failure names the operation and lists each difference (where, model.field,
 * vendor vs spec). `npx tsx scripts/vendor-diff.ts` prints the same list.
 *
 * The second part proves the checker itself: silent on a spec written from the contract, loud on
 * deliberately broken copies of it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadVendorContract, selectOperations, type OperationSet } from '../../src/contract/vendor/contract.js';
import { compareSpecWithContract, extraOperations, formatDifference, type VendorDifference } from '../../src/contract/vendor/compare-spec.js';
import { applyExceptions, exceptionCovers, loadVendorExceptions } from '../../src/contract/vendor/exceptions.js';
import { specFromContract } from '../../contract-tests/vendor/fixtures/spec-from-contract.js';

/** The operations this test holds to the vendor contract: all 166 (issue 13; issue 12 held the flow-run surface). */
const OPERATION_SET: OperationSet = 'all';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const contract = loadVendorContract();
const spec = JSON.parse(readFileSync(path.join(root, 'generated', 'openapi.json'), 'utf8')) as Record<string, unknown>;
const exceptions = loadVendorExceptions();
const operations = selectOperations(contract, OPERATION_SET);
const results = compareSpecWithContract(spec, contract, operations);

describe(`vendor contract: the spec has the vendor's shapes (${OPERATION_SET}: ${operations.length} operations)`, () => {
  for (const r of results) {
    it(`${r.operation.operation} ${r.operation.method} ${r.operation.path}`, () => {
      const { failing } = applyExceptions(r.differences, exceptions);
      expect(failing.map(formatDifference), `${r.operation.operation}: ${failing.length} difference(s) from the vendor contract not listed in spec/vendor-exceptions.yaml`).toEqual([]);
    });
  }

  it('no operation under /api/v1 that the vendor does not have', () => {
    const { failing } = applyExceptions(extraOperations(spec, contract), exceptions);
    expect(failing.map((d) => `${d.operation}: ${d.spec}`), 'spec operations the vendor does not have, not listed in spec/vendor-exceptions.yaml').toEqual([]);
  });

  it('every operation is served: none declares a 501 (issue 13: all 166 answer from real state)', () => {
    const paths = spec.paths as Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>;
    const declaring = Object.values(paths).flatMap((item) => Object.values(item)).filter((op) => op.responses?.['501']).map((op) => op.operationId);
    expect(declaring).toEqual([]);
  });

  it('every entry of spec/vendor-exceptions.yaml still covers a difference (no stale exceptions)', () => {
    const all = [...compareSpecWithContract(spec, contract, contract.operations).flatMap((r) => r.differences), ...extraOperations(spec, contract)];
    const stale = exceptions.filter((e) => !all.some((d) => exceptionCovers(e, d)));
    expect(stale, 'exceptions that cover no difference: remove them').toEqual([]);
  });
});

describe('the vendor comparison itself', () => {
  const conforming = () => specFromContract(contract) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const diffs = (doc: Record<string, unknown>): VendorDifference[] =>
    compareSpecWithContract(doc, contract, operations).flatMap((r) => r.differences);
  const brief = (d: VendorDifference) => `${d.operation} ${d.kind}${d.model ? ` ${d.model}.${d.field}` : d.field ? ` ${d.field}` : ''}`;

  it('finds no difference in a spec written from the contract, over all 166 operations', () => {
    expect(compareSpecWithContract(conforming(), contract, contract.operations).flatMap((r) => r.differences).map(formatDifference)).toEqual([]);
    expect(extraOperations(conforming(), contract)).toEqual([]);
  });

  it('reports an operation the vendor does not have (API keys beside the vendor\'s tokens)', () => {
    const doc = conforming();
    doc.paths['/api/v1/users/{user}/apikeys'] = { get: { operationId: 'GetApiKeys', responses: {} } };
    expect(extraOperations(doc, contract).map((d) => `${d.operation} ${d.kind} ${d.spec}`)).toEqual(['GetApiKeys operation-extra GET /api/v1/users/{user}/apikeys']);
  });

  it('a HEAD beside a GET is that GET (RFC 9110 9.3.2), not an extra operation; a HEAD without a GET is one', () => {
    const doc = conforming();
    const content = doc.paths['/api/v1/documents/{documentId}/content'];
    expect(content?.get, 'the contract has GetDocumentContent').toBeDefined();
    content.head = { operationId: 'HeadDocumentContent', responses: {} };
    doc.paths['/api/v1/documents/{documentId}/size'] = { head: { operationId: 'HeadDocumentSize', responses: {} } };
    expect(extraOperations(doc, contract).map((d) => `${d.operation} ${d.kind} ${d.spec}`)).toEqual(['HeadDocumentSize operation-extra HEAD /api/v1/documents/{documentId}/size']);
  });

  it('fails on a renamed field (FlowExecution.createdAt -> created), in every surface operation reaching FlowExecution', () => {
    const doc = conforming();
    const props = doc.components.schemas.FlowExecution.properties;
    props.created = props.createdAt;
    delete props.createdAt;
    const found = new Set(diffs(doc).map(brief));
    for (const op of ['GetFlowExecution', 'GetAllFlowExecutions', 'StartFlow', 'GetFlowExecutionStatus']) {
      expect(found).toContain(`${op} field-missing FlowExecution.createdAt`);
      expect(found).toContain(`${op} field-extra FlowExecution.created`);
    }
  });

  it('fails on an object (a page) where the vendor answers an array', () => {
    const doc = conforming();
    const content = doc.paths['/api/v1/flows'].get.responses['200'].content['application/json'];
    content.schema = { type: 'object', properties: { content: content.schema, total: { type: 'integer' } } };
    expect(diffs(doc).map(brief)).toEqual(['GetFlows list-vs-object']);
  });

  it('fails on a missing enum value (FlowExecutionStatus without SelectFlow)', () => {
    const doc = conforming();
    doc.components.schemas.FlowExecutionStatus.enum = doc.components.schemas.FlowExecutionStatus.enum.filter((v: string) => v !== 'SelectFlow');
    const found = diffs(doc);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.kind === 'enum-missing' && d.vendor === 'SelectFlow')).toBe(true);
    expect(found.map(brief)).toContain('GetFlowExecution enum-missing FlowExecution.status');
  });

  it('fails on a missing query parameter (progress without timeout)', () => {
    const doc = conforming();
    const op = doc.paths['/api/v1/flows/executions/{execution}/progress'].get;
    op.parameters = op.parameters.filter((p: { name: string }) => p.name !== 'timeout');
    expect(diffs(doc).map(brief)).toEqual(['GetFlowExecutionProgress query-missing timeout']);
  });
});
