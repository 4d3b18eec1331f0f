/**
 * Records the store keeps and the interface every part of flowmock uses to reach them.
 * Handlers and engines depend on this interface only; `sqlite-store.ts` implements it, and a
 * PostgreSQL backend can: nothing here is SQLite-shaped. Times are ISO-8601 strings (UTC,
 * milliseconds). JSON-typed fields are stored as JSON text (or the backend's JSON type).
 *
 * Every method that reads or writes returns a Promise: a backend may answer over the network.
 * What stays synchronous is either local to the process (the key file, `secrets`) or a value the
 * backend keeps current on its own (`health.state()`, `credentialsVersion()`), said at each one.
 * `test/store-contract/store-contract.ts` states what every backend must guarantee.
 */
import type { components } from '../../generated/openapi-types.js';
import type { ServerSecrets } from './server-secrets.js';
import type { StoreHealthState } from './store-health.js';

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
  passwordHash: string | null; // scrypt, see src/auth/secrets.ts
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

/** The user list (users.query): filter keys and sort fields are the vendor's User names (src/store/user-query.ts). */
export interface UserQuery {
  filter?: ConditionGroup;
  sort: { field: string; direction: 'asc' | 'desc' };
  page: number;
  size: number;
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

// ---------------------------------------------------------------------------------------------
// The journal and the dashboard's read models (SQLite: journal-store.ts)

/** How a journaled body is shown: text up to the cap, or a summary of a binary body. */
export interface JournalBody {
  contentType: string | null;
  size: number;
  truncated: boolean;
  binary?: boolean;
  text?: string;
  note?: string;
}

export interface JournalEntry {
  id: number;
  at: string;
  durationMs: number;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
  operationId: string | null;
  client: string;
  apiKeyId: string | null;
  user: string | null;
  tokenSubject: string | null;
  executionId: string | null;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  requestBody: JournalBody | null;
  responseBody: JournalBody | null;
}

export type NewJournalEntry = Omit<JournalEntry, 'id' | 'at' | 'client'> & { atMs: number };

export interface JournalFilter {
  method?: string;
  /** Exact path, or a template whose `{name}` segments match one segment. */
  path?: string;
  pathPrefix?: string;
  status?: number;
  user?: string;
  operationId?: string;
  sinceMs?: number;
  untilMs?: number;
}

export interface PollingRow {
  executionId: string;
  polls: number;
  spanSeconds: number;
  ratePerSecond: number;
  suggestedIntervalSeconds: number;
  tooFast: boolean;
}

export interface ClientReportRow {
  client: string;
  kind: 'apiKey' | 'token' | 'anonymous';
  apiKeyId: string | null;
  user: string | null;
  tokenSubject: string | null;
  requests: number;
  firstSeen: string;
  lastSeen: string;
  clientErrors: { total: number; byStatus: Array<{ status: number; count: number }> };
  polling: { tooFast: number; executions: PollingRow[] };
  executionsStarted: number;
  executionsUnread: { count: number; executionIds: string[] };
  documentsBeforeSuccess: number;
}

export interface JournalStore {
  /** Inserts entries in one transaction and deletes the oldest beyond `maxEntries` (ids grow by one per entry). */
  insertMany(entries: NewJournalEntry[], maxEntries: number): Promise<void>;
  /** Newest first (time, then id). */
  query(filter: JournalFilter, page: number, size: number): Promise<Page<JournalEntry>>;
  count(filter: JournalFilter): Promise<number>;
  clear(): Promise<void>;
  /** The id of the newest entry, 0 when empty. */
  latestId(): Promise<number>;
  clientReport(opts: { sinceMs?: number; defaultPollIntervalSeconds: number; tooFastTolerance: number }): Promise<ClientReportRow[]>;
}

export interface ExecutionChange { id: string; version: number; modifiedAt: string }
export interface ProcessListing extends ProcessRecord { username: string | null }

export interface OverviewStore {
  /** Processes newest first, with the caller's user name. */
  processes(page: number, size: number): Promise<Page<ProcessListing>>;
  processById(id: string): Promise<ProcessListing | null>;
  /** Executions modified at or after `sinceIso` (ISO text compare, as stored), oldest change first. */
  executionsChangedSince(sinceIso: string): Promise<ExecutionChange[]>;
  /** The latest `modifiedAt` of any execution ('' when none): a cursor in the engines' own time. */
  latestExecutionChange(): Promise<string>;
  /** Running processes and those created or finished at or after `sinceIso`. */
  processesActiveSince(sinceIso: string): Promise<Array<{ id: string; status: string; recordsDone: number }>>;
  /** The latest `createdAt` or `finishedAt` of any process ('' when none). */
  latestProcessChange(): Promise<string>;
}

// ---------------------------------------------------------------------------------------------
// Data objects and API flows (SQLite: data-store.ts, api-flows-store.ts)

export interface DataStore {
  insert(d: DataRecord, content: Buffer): Promise<void>;
  byId(id: string): Promise<DataRecord | null>;
  content(id: string): Promise<Buffer | null>;
  /** The input data object of an execution, if it has one. */
  inputOf(executionId: string): Promise<DataRecord | null>;
  /** Display name, description and expiration only; the rest is the server's. Throws when there is no such object. */
  update(d: Pick<DataRecord, 'id' | 'displayName' | 'description' | 'expiration' | 'modifiedAt' | 'modifiedBy'>): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Deletes the execution's data objects of these usages; how many there were. */
  deleteByExecution(executionId: string, usages: DataRecord['usage'][]): Promise<number>;
  /** Newest first, at most `limit`; `ownerId` null: everyone's. */
  list(ownerId: string | null, limit: number): Promise<DataRecord[]>;
}

/**
 * A flow created over the API (CreateFlow): the vendor Flow as sent, with who made and changed
 * it when. The file-defined flows are not here; src/engine/definitions/api-flows.ts merges both.
 */
export interface ApiFlowRecord {
  id: string;
  /** The vendor Flow as sent (without id, createdAt/By, modifiedAt/By: the columns hold those). */
  flow: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
  modifiedAt: string;
  modifiedBy: string;
}

export interface ApiFlowStore {
  /** Oldest first. */
  list(): Promise<ApiFlowRecord[]>;
  byId(id: string): Promise<ApiFlowRecord | null>;
  insert(r: ApiFlowRecord): Promise<void>;
  /** Replaces flow, modifiedAt and modifiedBy; false when there is no such flow. */
  update(r: ApiFlowRecord): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Resources: the vendor's regular collections (assets, connectors, data sets, ...), one generic
// store driven by the spec's x-flowmock-resources (src/engine/resources). SQLite: resource-store.ts.

/** One object of a regular collection: the model's client-set fields as JSON, the rest in columns. */
export interface ResourceRecord {
  /** The vendor ObjectType of the collection ('asset', 'template', ...). */
  type: string;
  id: string;
  /** The model's fields other than id, createdAt/By and modifiedAt/By (those are the columns). */
  body: Record<string, unknown>;
  createdAt: string;
  createdBy: string;               // user id
  modifiedAt: string;
  modifiedBy: string;              // user id
}

/** "`from` uses `to`": an object names another in one of its fields (a JSON pointer into its body). */
export interface ResourceReference { fromType: string; fromId: string; field: string; toType: string; toId: string }

/** One stored revision of a binary content slot of an object (a template's content per language, an asset's content). */
export interface ResourceContentRecord {
  type: string;
  id: string;
  /** '' for the object's only content; a language code for a template's. */
  slot: string;
  /** 1, 2, ... per (type, id, slot); given by the store. */
  revision: number;
  description: string | null;
  contentType: string;
  size: number;
  createdAt: string;
  createdBy: string;
}

/**
 * Where a list property lives: `id`, `createdAt`, `createdBy`, `modifiedAt`, `modifiedBy` are
 * columns; any other path (dot-separated identifiers, e.g. `connectorType.id`) is a field of the body.
 * Booleans compare as `true`/`false` (isTrue, isFalse, equalTo `true`); dates as ISO-8601 text.
 */
export interface ResourceProperty { path: string; kind: 'text' | 'date' | 'enum' | 'boolean' }
export const RESOURCE_COLUMNS = ['id', 'createdAt', 'createdBy', 'modifiedAt', 'modifiedBy'] as const;

export interface ResourceQuery {
  type: string;
  /** The list's properties by name (filter keys and sort fields must be among them). */
  properties: Readonly<Record<string, ResourceProperty>>;
  filter?: ConditionGroup;
  /** Then by id in the same direction. */
  sort: { field: string; direction: 'asc' | 'desc' };
  page: number;
  size: number;
}

export interface ResourceStore {
  /** Throws on a duplicate (type, id). */
  insert(r: ResourceRecord): Promise<void>;
  byId(type: string, id: string): Promise<ResourceRecord | null>;
  /** Replaces body, modifiedAt and modifiedBy; false when there is no such object. */
  update(r: ResourceRecord): Promise<boolean>;
  /** Deletes the object with its outbound references and its contents; false when there was none. */
  delete(type: string, id: string): Promise<boolean>;
  /** Filtered (17 operators, nested groups), sorted and paged; StoreQueryError for an unknown property or bad paging. */
  query(q: ResourceQuery): Promise<Page<ResourceRecord>>;
  count(type: string): Promise<number>;
  /** Replaces every reference the object makes (any type may refer: a flow too). */
  setReferences(fromType: string, fromId: string, refs: Array<Pick<ResourceReference, 'field' | 'toType' | 'toId'>>): Promise<void>;
  /** What the object uses, by field then target. */
  referencesFrom(type: string, id: string): Promise<ResourceReference[]>;
  /** Who uses the object, by user type, id and field. */
  referencesTo(type: string, id: string): Promise<ResourceReference[]>;
  /** Stores a new revision (the previous ones stay, as history) and returns its record. */
  putContent(c: Omit<ResourceContentRecord, 'revision' | 'size'>, content: Buffer): Promise<ResourceContentRecord>;
  /** The newest revision, or the one asked for; null when there is none. */
  content(type: string, id: string, slot: string, revision?: number): Promise<{ record: ResourceContentRecord; content: Buffer } | null>;
  /** Every revision of the slot, newest first (no bytes). */
  contentHistory(type: string, id: string, slot: string): Promise<ResourceContentRecord[]>;
  /** The slots that hold content, in name order. */
  contentSlots(type: string, id: string): Promise<string[]>;
  /** Deletes every revision of the slot; how many there were. */
  deleteContent(type: string, id: string, slot: string): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Change notification

/**
 * What the store reports after a change was committed (never before, never for a rolled-back
 * one). Changes made through this store instance are described exactly. Those committed by
 * another instance on the same database (another server, a `flowmock` CLI command) are reported
 * too, within the backend's notification delay (SQLite: ~100 ms while anyone listens;
 * PostgreSQL: LISTEN/NOTIFY), either exactly or as `external` ("something changed: re-read what
 * you watch") when the backend cannot tell what.
 */
export type StoreChange =
  | { kind: 'execution'; id: string; version: number }
  | { kind: 'process'; id: string }
  | { kind: 'credentials' }
  | { kind: 'journal' }
  | { kind: 'external' };

/** Whether the store can be written, as last seen; the backend refreshes it on its own (see store-health.ts). */
export interface StoreHealthView {
  /** Cached: never waits for the database. `probeWritable()` looks now. */
  state(): StoreHealthState;
}

// ---------------------------------------------------------------------------------------------
// The store

/** The collections: the same on the store and on a transaction's view of it. */
export interface StoreCollections {
  meta: {
    get(key: string): Promise<string | null>;
    set(key: string, value: string): Promise<void>;
  };

  users: {
    /** In insertion order (the seeded roles' order). */
    listRoles(): Promise<RoleRecord[]>;
    upsertRole(role: RoleRecord): Promise<void>;
    /** Throws on a duplicate id or user name. */
    create(user: UserRecord): Promise<void>;
    byId(id: string): Promise<UserRecord | null>;
    byUsername(username: string): Promise<UserRecord | null>;
    /** Resolves a path parameter: id or user name. */
    resolve(idOrName: string): Promise<UserRecord | null>;
    /** Oldest first (createdAt, then user name). */
    list(): Promise<UserRecord[]>;
    /** Throws when there is no such user (also setEnabled, recordLogin). */
    setPassword(userId: string, passwordHash: string): Promise<void>;
    setEnabled(userId: string, enabled: boolean): Promise<void>;
    /**
     * Saves the user's fields (user name, names, email, description, enabled, roles, password hash,
     * settings, modifiedAt); createdAt, lastLogin and loginCount stay as stored. Throws when there is
     * no such user and on a user name another user has.
     */
    update(user: UserRecord): Promise<void>;
    /** A page of users, filtered and sorted (a user query, src/store/user-query.ts). */
    query(q: UserQuery): Promise<Page<UserRecord>>;
    /** Removes the user with its API keys and pending password reset; false when there was none. */
    delete(userId: string): Promise<boolean>;
    /** Counts a login: loginCount + 1, lastLogin = at. */
    recordLogin(userId: string, at: string): Promise<void>;
    count(): Promise<number>;
  };

  passwordResets: {
    /** Replaces the user's pending reset. */
    put(r: PasswordResetRecord): Promise<void>;
    byUser(userId: string): Promise<PasswordResetRecord | null>;
    /** Spends it: false when there was none. */
    delete(userId: string): Promise<boolean>;
  };

  apiKeys: {
    create(key: ApiKeyRecord): Promise<void>;
    byId(id: string): Promise<ApiKeyRecord | null>;
    /** Not revoked, oldest first. */
    listActive(userId: string): Promise<ApiKeyRecord[]>;
    /** false when unknown or already revoked. */
    revoke(id: string, at: string): Promise<boolean>;
    /** lastUsedAt; an unknown id is harmless. */
    touch(id: string, at: string): Promise<void>;
  };

  printers: {
    /** By display name, then id. */
    list(): Promise<PrinterRecord[]>;
    byId(id: string): Promise<PrinterRecord | null>;
    /** The oldest printer with this display name. */
    byName(displayName: string): Promise<PrinterRecord | null>;
    insert(p: PrinterRecord): Promise<void>;
    /** Throws when there is no such printer. */
    update(p: PrinterRecord): Promise<void>;
    delete(id: string): Promise<boolean>;
  };

  executions: {
    insert(e: ExecutionRecord): Promise<void>;
    /**
     * Saves the record (flowId, flowName, createdAt and createdBy are fixed at insert, except a
     * SelectFlow execution's flow); the database bumps `version` (monotonic even when a stale copy
     * is saved), sets it on `e` and returns it. Throws when there is no such execution.
     * A read-modify-write that must not lose a concurrent change runs in `transaction`.
     */
    save(e: ExecutionRecord): Promise<number>;
    /**
     * An optimistic save: as `save`, but only when the stored version is still `expectedVersion`
     * (the one the caller read); null, and nothing changed, when another save came first (or there
     * is no such execution).
     */
    saveIf(e: ExecutionRecord, expectedVersion: number): Promise<number | null>;
    byId(id: string): Promise<ExecutionRecord | null>;
    /** Only what a progress poll needs, without reading the whole record: polling is the API's hottest call. */
    progressById(id: string): Promise<ExecutionProgressView | null>;
    /** Sorted by the field, then id in the same direction; `filter` as FilterGroup (17 operators, nested groups). */
    query(q: ExecutionQuery): Promise<Page<ExecutionRecord>>;
    statistics(ownerId: string | null, filter?: ConditionGroup, groupTimeBy?: TimeGrouping): Promise<ExecutionStatistics>;
    /** Live executions (Running, Waiting, Queued, UserInput), oldest first. */
    listLive(): Promise<ExecutionRecord[]>;
    /** The Waiting execution whose callback id this is, if any. */
    waitingOnCallback(callbackId: string): Promise<ExecutionRecord | null>;
    /** Queued executions by queueSeq (then createdAt, id); the first `limit` only when given. */
    listQueued(limit?: number): Promise<ExecutionRecord[]>;
    /** Executions with this status (an index count: no record is read). */
    countByStatus(status: ExecutionStatus): Promise<number>;
    /** The highest queueSeq among Queued executions, 0 when none is Queued. */
    maxQueueSeq(): Promise<number>;
    count(): Promise<number>;
    /** Deletes the execution with its documents and data objects (RunCleanup); false when there was none. */
    delete(id: string): Promise<boolean>;
  };

  documents: {
    insert(d: DocumentRecord, content: Buffer): Promise<void>;
    byId(id: string): Promise<DocumentRecord | null>;
    content(id: string): Promise<Buffer | null>;
    /** Oldest first. */
    byExecution(executionId: string): Promise<DocumentRecord[]>;
    /** Deletes the execution's documents; how many there were. */
    deleteByExecution(executionId: string): Promise<number>;
    /** Metadata of the documents `ownerId` may see (its executions' and its own; all for null), newest first, at most `limit`. */
    listVisible(ownerId: string | null, limit: number): Promise<Array<{ doc: DocumentRecord; flow: { id: string; name: string } | null }>>;
  };

  data: DataStore;

  processes: {
    insert(p: ProcessRecord): Promise<void>;
    /** Throws when there is no such process. */
    save(p: ProcessRecord): Promise<void>;
    byId(id: string): Promise<ProcessRecord | null>;
    /** Oldest first. */
    listRunning(): Promise<ProcessRecord[]>;
    /** Deletes finished anonymous runs (no user) that finished before `before`, with their logs (atomically); returns how many. */
    pruneAnonymous(before: string): Promise<number>;
  };

  actionflowLogs: {
    insert(entry: ActionflowLogRecord): Promise<void>;
    /** Newest first. */
    query(q: { application?: string; actionflow?: string; processId?: string; page: number; size: number }): Promise<Page<ActionflowLogRecord>>;
  };

  /** The request journal and the client report. */
  journal: JournalStore;
  /** Read models of the dashboard. */
  overview: OverviewStore;
  /** Flows created over the API. */
  apiFlows: ApiFlowStore;
  /** The regular collections (src/engine/resources). */
  resources: ResourceStore;
}

/**
 * The store's view bound to one open transaction: every call runs inside it (a PostgreSQL
 * backend: on the one pooled client that holds it). Use it only inside the `transaction`
 * callback; the store itself, called meanwhile, waits for the transaction to end.
 */
export interface StoreTransaction extends StoreCollections {
  /** Nested: runs `fn` in the same transaction (a savepoint: a throw undoes only `fn`'s writes, then propagates). */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
}

export interface Store extends StoreCollections {
  /**
   * Runs `fn` in one transaction: committed when its promise resolves, rolled back when it
   * rejects (and the error propagates). Everything `fn` reads and writes goes through `tx`, and
   * no other writer's change shows up half-way: concurrent calls on this store wait for it (or
   * are served as before or after it), another connection sees it all or nothing. Await no slow
   * non-store work inside: the transaction holds the database's write lock meanwhile.
   * Calling the store itself (not `tx`) from inside `fn` waits for `fn`, forever: use `tx`.
   * May fail at once with a transient lock error (another process writes): see store-retry.ts.
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Stops timers and listeners and closes the connection(s); waits for an open transaction to end first. Idempotent. */
  close(): Promise<void>;

  /** Whether the store can be written, and why not (src/store/store-health.ts). */
  health: StoreHealthView;
  /** Looks now: tries to take the write lock without waiting, and lets it go. */
  probeWritable(): Promise<StoreHealthState>;
  /**
   * The server's secrets, kept apart from the database in a key file (src/store/server-secrets.ts):
   * local to the process and synchronous, whatever the backend.
   */
  secrets: ServerSecrets;

  /**
   * Calls `fn` after every committed change (see StoreChange): for the long-polls, the dashboard's
   * live feed and the credential caches. Listeners run outside the writer's call (a microtask or
   * later); an exception in one is swallowed. Returns the unsubscribe.
   */
  onChange(fn: (change: StoreChange) => void): () => void;
  /**
   * Changes whenever a user, role or API key may have changed, through this store or another
   * instance on the same database (a `flowmock keys revoke` while the server runs): caches of
   * verified credentials compare it on every use. Synchronous: the backend keeps it current
   * (a local write changes it at once; SQLite reads its data_version at most once per turn of the
   * event loop; a network backend bumps it on a notification), so it lags another instance's
   * commit by at most the backend's notification delay.
   */
  credentialsVersion(): string;
}
