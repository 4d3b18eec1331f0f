/**
 * Records the store keeps and the interface every part of flowmock uses to reach them.
 * Handlers and engines depend on this interface only; `sqlite-store.ts` implements it.
 * Times are ISO-8601 strings (UTC, milliseconds). JSON-typed fields are stored as JSON text.
 */
import type { components } from '../../generated/openapi-types.js';
import type { ApiFlowStore } from './api-flows-store.js';
import type { JournalStore, OverviewStore } from './journal-store.js';
import type { ServerSecrets } from './server-secrets.js';
import type { StoreHealth, StoreHealthState } from './store-health.js';

/** A reference to an object by id, as the vendor's IdWithName (its `type` one of the vendor's ObjectType values). */
export type IdRef = { id: string; displayName?: string; type?: components['schemas']['ObjectType'] };

export const EXECUTION_STATUSES = [
  'Success', 'Warning', 'Error', 'Interrupted', 'Canceled',
  'Running', 'Waiting', 'Queued', 'UserInput', 'SelectFlow',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
/** Stable statuses never change again. */
export const STABLE_STATUSES: readonly ExecutionStatus[] = ['Success', 'Warning', 'Error', 'Interrupted', 'Canceled'];
export const isStable = (s: ExecutionStatus): boolean => STABLE_STATUSES.includes(s);

export interface RoleRecord {
  id: string;            // 'administrator' | 'super-user' | 'user' | 'api'
  name: string;          // 'Administrator', 'Super User', 'User'
  displayName: string;
  description: string;
  permissions: string[]; // Smart Flows scopes, e.g. 'execute:flows'
  privileges: string[];  // PhixFlow privileges, e.g. 'Use API Key', 'Run Actions'
}

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  enabled: boolean;
  roleIds: string[];
  passwordHash: string | null; // scrypt, see src/store/secrets.ts
  createdAt: string;
  /** The vendor's User fields (migration 30); optional on create: '' / null / 0 / {}. */
  firstName?: string;
  lastName?: string;
  description?: string | null;
  modifiedAt?: string | null;
  lastLogin?: string | null;
  loginCount?: number;
  settings?: Record<string, unknown>;
}

/** A pending password reset: the SHA-256 of the token mailed to the user. */
export interface PasswordResetRecord {
  userId: string;
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
}

export interface ApiKeyRecord {
  id: string;
  userId: string;
  name: string;
  hash: string;          // HMAC-SHA256 (hex) of the full key under the server's key pepper
  last4: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** The vendor's UserToken fields (migration 30). */
  description?: string | null;
  createdBy?: string | null;  // user id
}

export interface PrinterRecord {
  id: string;
  displayName: string;
  description: string | null;
  definition: IdRef;
  flavor: string | null;
  defaultPrinter: boolean;
  properties: Record<string, unknown> | null;
  createdAt: string;
  createdBy: string;     // user id
  modifiedAt: string;
  modifiedBy: string;
}

/** One progress snapshot, shaped like the API's FlowExecutionProgress. */
export interface ProgressSnapshot {
  percentage: number;
  message: string;
  status: ExecutionStatus;
  currentData?: IdRef;
  schema?: Record<string, unknown>;
  model?: Record<string, unknown>;
  form?: Array<{ key: string; title: string; type: string; description?: string; required?: boolean }>;
}

export interface StageRecord {
  start: string;
  end: string | null;
  input: unknown;
  lastProgress: ProgressSnapshot | null;
}

/**
 * The execution report as the vendor's FlowExecutionState.report: zones of blocks, each block
 * holding the state of exactly one of step, condition, try or switch. Nested bodies are zone lists.
 */
export type StepStateStatus = 'Output' | 'Error' | 'Waiting' | 'UserInput' | 'Skipped';
export interface FlowDoStepState { status?: StepStateStatus; start?: string; end?: string; input?: unknown; output?: unknown }
export interface FlowConditionState { result: boolean; body: FlowZoneState[] }
export interface FlowTryState { bodyTry: FlowZoneState[]; error?: string; bodyCatch: FlowZoneState[] }
export interface FlowSwitchState { caseValue: string | null; caseBody: FlowZoneState[] }
export interface FlowBlockState {
  id: string;
  displayName?: string;
  step?: FlowDoStepState;
  condition?: FlowConditionState;
  try?: FlowTryState;
  switch?: FlowSwitchState;
}
export interface FlowZoneState { id: string; blocks: FlowBlockState[] }
export interface IterationRecord { id: string; displayName?: string; report: FlowZoneState[] }
/** The vendor's FlowException: an entry of state.warnings or state.errors. */
export interface FlowException { error: string; message: string; causes?: string[]; stackTrace?: string }

export interface WaitingFor {
  type: 'callback' | 'userInput';
  callbackId?: string;
  callbackUrl?: string;
  since: string;
}

/** Everything about one flow execution. The engine owns `cursor`; the API never shows it. */
export interface ExecutionRecord {
  id: string;
  flowId: string;
  flowName: string;
  status: ExecutionStatus;
  progress: ProgressSnapshot;      // the latest progress (status duplicated for queries)
  createdAt: string;
  createdBy: string;               // user id
  modifiedAt: string;
  modifiedBy: string;              // user id
  inputKind: 'none' | 'xml' | 'plugin';
  inputData: unknown;              // as shown in state.inputData
  skipUserInput: boolean;          // started with /start
  stages: StageRecord[];
  iterations: IterationRecord[];
  report: FlowZoneState[];
  /** Caught failures and warnings (a catch that fired, a Warning step), oldest first. */
  warnings: FlowException[];
  /** What ended the execution Error or Interrupted. */
  errors: FlowException[];
  output: { model: Record<string, unknown> };
  waitingFor: WaitingFor | null;
  /** Engine bookkeeping: next step index, values collected so far, callback data, etc. */
  cursor: Record<string, unknown>;
  /** Monotonic counter bumped on every saved change; long-polls compare it. */
  version: number;
  queueSeq: number | null;         // set while Queued; lower runs first
}

/** The columns of an execution a progress poll reads (see `executions.progressById`). */
export type ExecutionProgressView = Pick<ExecutionRecord, 'id' | 'status' | 'createdBy' | 'version' | 'progress'>;

/** What a document was rendered from: enough to render it again in another format. */
export interface DocumentSource {
  title: string;
  flowName: string;
  executionId: string;
  createdAt: string;
  body: string;
  inputValues: Array<{ label: string; value: string }>;
}

export interface DocumentRecord {
  id: string;
  /** null for a document made by CreateDocument (no execution). */
  executionId: string | null;
  displayName: string;
  description: string | null;
  createdAt: string;
  createdBy: string;               // user id
  templateId: string | null;
  language: string | null;
  finished: boolean;
  expiration: string | null;
  contentType: string;
  size: number;
  source?: DocumentSource | null;
}

/** A stored data object (the vendor's Data); today the input of an execution. */
export interface DataRecord {
  id: string;
  executionId: string | null;
  usage: 'flowExecutionInput' | 'flowExecutionInternal' | 'flowExecutionOutput' | 'userCreated';
  displayName: string;
  description: string | null;
  createdAt: string;
  createdBy: string;               // user id
  modifiedAt: string;
  modifiedBy: string;              // user id
  expiration: string | null;
  contentType: string;
  size: number;
}

export type ProcessStatus = 'Running' | 'Success' | 'Fail';

/** One PhixFlow actionflow run. */
export interface ProcessRecord {
  id: string;
  application: string;
  actionflow: string;
  status: ProcessStatus;
  userId: string | null;           // null = the system user (anonymous endpoint)
  createdAt: string;
  finishedAt: string | null;
  httpStatus: number | null;       // the status the final answer has (200, 201, 504)
  envelope: Record<string, unknown> | null; // the final answer's body
  recordsDone: number;
  /** Set by the crash/restart path and by aborts. */
  message: string | null;
}

export interface ActionflowLogRecord {
  id: string;
  processId: string;
  application: string;
  actionflow: string;
  kind: 'request' | 'response';
  at: string;
  content: unknown;
}

export interface Page<T> { content: T[]; number: number; size: number; totalElements: number; totalPages: number }

export type SortField = 'createdAt' | 'modifiedAt' | 'status' | 'id';
export interface ExecutionQuery {
  /** Only executions created by this user (null: all). */
  ownerId: string | null;
  flowId?: string;
  filter?: ConditionGroup;
  sort: { field: SortField; direction: 'asc' | 'desc' };
  page: number;
  size: number;
}
/** The vendor's FilterCondition operators. */
export const FILTER_OPERATORS = [
  'between', 'notBetween', 'equalTo', 'notEqualTo', 'like', 'notLike', 'greaterThan', 'lessThan',
  'greaterThanOrEqualTo', 'lessThanOrEqualTo', 'isTrue', 'isFalse', 'isBlank', 'notIsBlank', 'in', 'isNull', 'isNotNull',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];
/** A condition on a list property (the list's filter properties name them); values as text. */
export interface Condition { key: string; operator: FilterOperator | string; values?: string[] }
export interface ConditionNode { id?: string; condition?: Condition; group?: ConditionGroup }
export interface ConditionGroup { type: 'and' | 'or'; nodes: ConditionNode[] }

export type TimeGrouping = 'hour' | 'day' | 'month' | 'year';
export interface ExecutionStatistics {
  total: number;
  /** Per period (UTC, labelled by its prefix of the ISO time), with the count per status. */
  perTime: Array<{ label: string; perStatus: Array<{ status: ExecutionStatus; count: number }>; totalCount: number }>;
  perObject: Array<{ flowId: string; flowName: string; count: number }>;
  perUser: Array<{ userId: string; count: number }>;
}

export interface Store {
  /** Runs fn in one SQLite transaction (synchronous). */
  transaction<T>(fn: () => T): T;
  close(): void;

  /** Whether the store can be written, and why not (src/store/store-health.ts). */
  health: StoreHealth;
  /** Tries to take the write lock without waiting (and lets it go): the health of the store now. */
  probeWritable(): StoreHealthState;
  /** The server's secrets, kept apart from the database (src/store/server-secrets.ts). */
  secrets: ServerSecrets;

  meta: {
    get(key: string): string | null;
    set(key: string, value: string): void;
  };

  /**
   * Changes whenever a user, role or API key may have changed, through this store or through
   * another connection to the same file (a `flowmock keys revoke` while the server runs): what
   * caches verified credentials compares it on every use.
   */
  /** Calls `fn` (in a microtask) after every credential write through this store; returns the unsubscribe. */
  onCredentialsChange(fn: () => void): () => void;
  credentialsVersion(): string;

  users: {
    listRoles(): RoleRecord[];
    upsertRole(role: RoleRecord): void;
    create(user: UserRecord): void;
    byId(id: string): UserRecord | null;
    byUsername(username: string): UserRecord | null;
    /** Resolves a path parameter: id or user name. */
    resolve(idOrName: string): UserRecord | null;
    list(): UserRecord[];
    setPassword(userId: string, passwordHash: string): void;
    setEnabled(userId: string, enabled: boolean): void;
    /** Counts a login: loginCount + 1, lastLogin = at. */
    recordLogin(userId: string, at: string): void;
    count(): number;
  };

  passwordResets: {
    /** Replaces the user's pending reset. */
    put(r: PasswordResetRecord): void;
    byUser(userId: string): PasswordResetRecord | null;
    /** Spends it: false when there was none. */
    delete(userId: string): boolean;
  };

  apiKeys: {
    create(key: ApiKeyRecord): void;
    byId(id: string): ApiKeyRecord | null;
    listActive(userId: string): ApiKeyRecord[];
    revoke(id: string, at: string): boolean;   // false when unknown or already revoked
    touch(id: string, at: string): void;        // lastUsedAt
  };

  printers: {
    list(): PrinterRecord[];
    byId(id: string): PrinterRecord | null;
    byName(displayName: string): PrinterRecord | null;
    insert(p: PrinterRecord): void;
    update(p: PrinterRecord): void;
    delete(id: string): boolean;
  };

  executions: {
    insert(e: ExecutionRecord): void;
    /** Saves the record (flowId, flowName, createdAt and createdBy are fixed at insert); bumps and returns the new `version`. */
    save(e: ExecutionRecord): number;
    byId(id: string): ExecutionRecord | null;
    /** Only what a progress poll needs, without reading the whole record: polling is the API's hottest call. */
    progressById(id: string): ExecutionProgressView | null;
    query(q: ExecutionQuery): Page<ExecutionRecord>;
    statistics(ownerId: string | null, filter?: ConditionGroup, groupTimeBy?: TimeGrouping): ExecutionStatistics;
    /** Live executions (Running, Waiting, Queued, UserInput), oldest first. */
    listLive(): ExecutionRecord[];
    /** The Waiting execution whose callback id this is, if any (one SQL lookup among the Waiting ones). */
    waitingOnCallback(callbackId: string): ExecutionRecord | null;
    /** Queued executions by queueSeq; the first `limit` only when given. */
    listQueued(limit?: number): ExecutionRecord[];
    /** Executions with this status (an index count: no record is read). */
    countByStatus(status: ExecutionStatus): number;
    /** The highest queueSeq among Queued executions, 0 when none is Queued. */
    maxQueueSeq(): number;
    count(): number;
  };

  documents: {
    insert(d: DocumentRecord, content: Buffer): void;
    byId(id: string): DocumentRecord | null;
    content(id: string): Buffer | null;
    byExecution(executionId: string): DocumentRecord[];
    /** Metadata of the documents `ownerId` may see (its executions' and its own; all for null), newest first, at most `limit`. */
    listVisible(ownerId: string | null, limit: number): Array<{ doc: DocumentRecord; flow: { id: string; name: string } | null }>;
  };

  data: import('./data-store.js').DataStore;

  processes: {
    insert(p: ProcessRecord): void;
    save(p: ProcessRecord): void;
    byId(id: string): ProcessRecord | null;
    listRunning(): ProcessRecord[];
    /** Deletes finished anonymous runs (no user) that finished before `before`, with their logs; returns how many. */
    pruneAnonymous(before: string): number;
  };

  actionflowLogs: {
    insert(entry: ActionflowLogRecord): void;
    query(q: { application?: string; actionflow?: string; processId?: string; page: number; size: number }): Page<ActionflowLogRecord>;
  };

  /** The request journal and the client report (src/store/journal-store.ts). */
  journal: JournalStore;
  /** Read models of the dashboard (src/store/journal-store.ts). */
  overview: OverviewStore;
  /** Flows created over the API (src/store/api-flows-store.ts). */
  apiFlows: ApiFlowStore;
}
