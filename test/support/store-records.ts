/**
 * Records for store tests: one factory per collection, each a complete, valid record that a test
 * overrides field by field. Shared by the store contract suite and the SQLite backend's own tests.
 */
import type {
  ActionflowLogRecord, ApiKeyRecord, DocumentRecord, ExecutionQuery, ExecutionRecord,
  PrinterRecord, ProcessRecord, RoleRecord, UserRecord,
} from '../../src/store/types.js';

export const role = (id: string, over: Partial<RoleRecord> = {}): RoleRecord => ({
  id, name: id, displayName: id.toUpperCase(), description: `the ${id} role`,
  permissions: ['execute:flows', 'read:ownFlowExecutions'], privileges: ['Use API Key'], ...over,
});

export const user = (id: string, over: Partial<UserRecord> = {}): UserRecord => ({
  id, username: `name-${id}`, displayName: `User ${id}`, email: `${id}@example.test`, enabled: true,
  roleIds: ['user'], passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA', createdAt: '2026-01-01T00:00:00.000Z',
  firstName: `First ${id}`, lastName: `Last ${id}`, description: null, modifiedAt: null, lastLogin: null, loginCount: 0, settings: {}, ...over,
});

export const apiKey = (id: string, userId: string, over: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id, userId, name: `key ${id}`, hash: 'ab'.repeat(32), last4: 'wxyz',
  createdAt: '2026-01-02T00:00:00.000Z', lastUsedAt: null, revokedAt: null, description: null, createdBy: userId, ...over,
});

export const printer = (id: string, over: Partial<PrinterRecord> = {}): PrinterRecord => ({
  id, displayName: `Printer ${id}`, description: 'second floor', definition: { id: 'generic-pdf', displayName: 'Generic' },
  flavor: 'jps', defaultPrinter: false, properties: { duplex: true, copies: 2 },
  createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'u1', modifiedAt: '2026-01-01T00:00:00.000Z', modifiedBy: 'u1', ...over,
});

export const execution = (id: string, over: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  id, flowId: 'flow-a', flowName: 'Invoice', status: 'Success',
  progress: { percentage: 100, message: 'done', status: over.status ?? 'Success', currentData: { id: 'blk', type: 'data' } },
  createdAt: '2026-01-01T10:00:00.000Z', createdBy: 'u1', modifiedAt: '2026-01-01T10:00:00.000Z', modifiedBy: 'u1',
  inputKind: 'xml', inputData: { xml: '<order/>' }, skipUserInput: false,
  stages: [{ start: '2026-01-01T10:00:00.000Z', end: null, input: { a: 1 }, lastProgress: null }],
  iterations: [{ id: 'it1', report: [{ id: 'z1', blocks: [{ id: 'b1', step: { status: 'Output' } }] }] }],
  report: [{ id: 'z1', blocks: [] }],
  warnings: [],
  errors: [],
  output: { model: { total: 120.5 } },
  waitingFor: null,
  cursor: { step: 3, values: { x: 'y' } },
  version: 0,
  queueSeq: null,
  ...over,
});

export const documentRecord = (id: string, executionId: string, over: Partial<DocumentRecord> = {}): DocumentRecord => ({
  id, executionId, displayName: `doc ${id}`, description: null, createdAt: '2026-01-01T10:00:01.000Z', createdBy: 'u1',
  templateId: 'tpl', language: 'en', finished: true, expiration: null, contentType: 'application/pdf', size: 4, source: null, ...over,
});

export const processRecord = (id: string, over: Partial<ProcessRecord> = {}): ProcessRecord => ({
  id, application: 'app', actionflow: 'af', status: 'Running', userId: 'u1', createdAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null, httpStatus: null, envelope: null, recordsDone: 0, message: null, ...over,
});

export const logEntry = (id: string, over: Partial<ActionflowLogRecord> = {}): ActionflowLogRecord => ({
  id, processId: 'p1', application: 'app', actionflow: 'af', kind: 'request', at: '2026-01-01T00:00:00.000Z',
  content: { body: { n: 1 } }, ...over,
});

export const baseQuery = (over: Partial<ExecutionQuery> = {}): ExecutionQuery => ({
  ownerId: null, sort: { field: 'createdAt', direction: 'asc' }, page: 0, size: 100, ...over,
});
export const ids = (page: { content: Array<{ id: string }> }) => page.content.map((e) => e.id);
export const cond = (key: string, operator: string, ...values: string[]) =>
  ({ condition: { key, operator, values } });
