/**
 * Rows of the PostgreSQL store and the records they hold: the same split as the SQLite backend
 * (queried fields in columns, the rest as JSON text), so both answer with identical records.
 */
import { upgradeExecutionReport } from '../execution-report-upgrade.js';
import type {
  ActionflowLogRecord, ApiKeyRecord, DataRecord, DocumentRecord, ExecutionProgressView, ExecutionRecord, ExecutionStatus,
  PrinterRecord, ProcessRecord, RoleRecord, UserRecord,
} from '../types.js';

export interface RoleRow { id: string; name: string; display_name: string; description: string; permissions: string; privileges: string }
export interface UserRow {
  id: string; username: string; display_name: string; email: string | null; enabled: number;
  role_ids: string; password_hash: string | null; created_at: string;
  first_name: string; last_name: string; description: string | null; modified_at: string | null;
  last_login: string | null; login_count: number; settings: string;
}
export interface ApiKeyRow {
  id: string; user_id: string; name: string; hash: string; last4: string;
  created_at: string; last_used_at: string | null; revoked_at: string | null;
  description: string | null; created_by: string | null;
}
export interface PrinterRow {
  id: string; display_name: string; description: string | null; definition: string; flavor: string | null;
  default_printer: number; properties: string | null; created_at: string; created_by: string;
  modified_at: string; modified_by: string;
}
export interface ExecutionRow {
  id: string; flow_id: string; flow_name: string; status: string; created_at: string; created_by: string;
  modified_at: string; queue_seq: number | null; version: number; progress: string; data: string;
}
export interface ProgressRow { id: string; status: string; created_by: string; version: number; progress: string }
export interface DocumentRow {
  id: string; execution_id: string | null; display_name: string; description: string | null; created_at: string;
  created_by: string; template_id: string | null; language: string | null; finished: number;
  expiration: string | null; content_type: string; size: number; source: string | null;
}
export interface ProcessRow {
  id: string; application: string; actionflow: string; status: string; user_id: string | null;
  created_at: string; finished_at: string | null; http_status: number | null; envelope: string | null;
  records_done: number; message: string | null;
}
export interface LogRow {
  id: string; process_id: string; application: string; actionflow: string; kind: string; at: string; content: string;
}
export interface DataRow {
  id: string; execution_id: string | null; usage: string; display_name: string; description: string | null;
  created_at: string; created_by: string; modified_at: string; modified_by: string; expiration: string | null;
  content_type: string; size: number;
}

/** JSON text for a column; `undefined` (not representable in JSON) is stored as null. */
export const toJson = (v: unknown): string => JSON.stringify(v === undefined ? null : v);
export const toJsonOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
export const fromJsonOrNull = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

export const roleFromRow = (r: RoleRow): RoleRecord => ({
  id: r.id, name: r.name, displayName: r.display_name, description: r.description,
  permissions: JSON.parse(r.permissions), privileges: JSON.parse(r.privileges),
});
export const userFromRow = (r: UserRow): UserRecord => ({
  id: r.id, username: r.username, displayName: r.display_name, email: r.email, enabled: r.enabled === 1,
  roleIds: JSON.parse(r.role_ids), passwordHash: r.password_hash, createdAt: r.created_at,
  firstName: r.first_name, lastName: r.last_name, description: r.description, modifiedAt: r.modified_at,
  lastLogin: r.last_login, loginCount: r.login_count, settings: JSON.parse(r.settings),
});
export const apiKeyFromRow = (r: ApiKeyRow): ApiKeyRecord => ({
  id: r.id, userId: r.user_id, name: r.name, hash: r.hash, last4: r.last4,
  createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
  description: r.description, createdBy: r.created_by,
});
export const printerFromRow = (r: PrinterRow): PrinterRecord => ({
  id: r.id, displayName: r.display_name, description: r.description, definition: JSON.parse(r.definition),
  flavor: r.flavor, defaultPrinter: r.default_printer === 1, properties: fromJsonOrNull(r.properties),
  createdAt: r.created_at, createdBy: r.created_by, modifiedAt: r.modified_at, modifiedBy: r.modified_by,
});
/** The printer's columns in table order (id first), as statement parameters. */
export const printerValues = (p: PrinterRecord): unknown[] => [
  p.id, p.displayName, p.description, toJson(p.definition), p.flavor, p.defaultPrinter ? 1 : 0, toJsonOrNull(p.properties),
  p.createdAt, p.createdBy, p.modifiedAt, p.modifiedBy,
];

export const EXECUTION_COLUMNS = 'id, flow_id, flow_name, status, created_at, created_by, modified_at, queue_seq, version, progress, data';
type ExecutionData = Omit<ExecutionRecord, 'id' | 'flowId' | 'flowName' | 'status' | 'createdAt' | 'createdBy' | 'modifiedAt' | 'queueSeq' | 'version' | 'progress'>;

/** The execution's columns in EXECUTION_COLUMNS order (no field stored twice). */
export function executionValues(e: ExecutionRecord): unknown[] {
  const { id, flowId, flowName, status, createdAt, createdBy, modifiedAt, queueSeq, version, progress, ...rest } = e;
  return [id, flowId, flowName, status, createdAt, createdBy, modifiedAt, queueSeq, version, JSON.stringify(progress), JSON.stringify(rest)];
}
export const executionFromRow = (r: ExecutionRow): ExecutionRecord => upgradeExecutionReport({
  ...(JSON.parse(r.data) as ExecutionData),
  id: r.id, flowId: r.flow_id, flowName: r.flow_name, status: r.status as ExecutionStatus,
  progress: JSON.parse(r.progress) as ExecutionRecord['progress'],
  createdAt: r.created_at, createdBy: r.created_by, modifiedAt: r.modified_at,
  queueSeq: r.queue_seq, version: r.version,
});
export const progressFromRow = (row: ProgressRow): ExecutionProgressView => ({
  id: row.id, status: row.status as ExecutionStatus, createdBy: row.created_by, version: row.version,
  progress: JSON.parse(row.progress) as ExecutionProgressView['progress'],
});

/** Metadata columns only: the content is read by documents.content() alone. */
export const DOCUMENT_COLUMNS =
  'id, execution_id, display_name, description, created_at, created_by, template_id, language, finished, expiration, content_type, size, source';
export const documentFromRow = (r: DocumentRow): DocumentRecord => ({
  id: r.id, executionId: r.execution_id, displayName: r.display_name, description: r.description,
  createdAt: r.created_at, createdBy: r.created_by, templateId: r.template_id, language: r.language,
  finished: r.finished === 1, expiration: r.expiration, contentType: r.content_type, size: r.size,
  source: fromJsonOrNull(r.source) as DocumentRecord['source'],
});

export const PROCESS_COLUMNS = 'id, application, actionflow, status, user_id, created_at, finished_at, http_status, envelope, records_done, message';
export const processFromRow = (r: ProcessRow): ProcessRecord => ({
  id: r.id, application: r.application, actionflow: r.actionflow, status: r.status as ProcessRecord['status'],
  userId: r.user_id, createdAt: r.created_at, finishedAt: r.finished_at, httpStatus: r.http_status,
  envelope: fromJsonOrNull(r.envelope), recordsDone: r.records_done, message: r.message,
});
export const processValues = (p: ProcessRecord): unknown[] => [
  p.id, p.application, p.actionflow, p.status, p.userId, p.createdAt, p.finishedAt, p.httpStatus,
  toJsonOrNull(p.envelope), p.recordsDone, p.message,
];

export const logFromRow = (r: LogRow): ActionflowLogRecord => ({
  id: r.id, processId: r.process_id, application: r.application, actionflow: r.actionflow,
  kind: r.kind as ActionflowLogRecord['kind'], at: r.at, content: JSON.parse(r.content),
});

export const DATA_COLUMNS = 'id, execution_id, usage, display_name, description, created_at, created_by, modified_at, modified_by, expiration, content_type, size';
export const dataFromRow = (r: DataRow): DataRecord => ({
  id: r.id, executionId: r.execution_id, usage: r.usage as DataRecord['usage'], displayName: r.display_name,
  description: r.description, createdAt: r.created_at, createdBy: r.created_by, modifiedAt: r.modified_at,
  modifiedBy: r.modified_by, expiration: r.expiration, contentType: r.content_type, size: r.size,
});

/** `$1, $2, …, $n` from `from`. */
export const placeholders = (n: number, from = 1): string => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');
