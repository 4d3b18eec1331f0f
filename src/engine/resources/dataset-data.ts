/**
 * Data objects of a data set (CreateDatasetData, GetDatasetDatas). A data object is a record of
 * the store's data (the same the executions' inputs are: GetData, GetDataContent and DeleteData
 * serve it), `userCreated`, and names its data set by a reference of the store (`data` ->
 * `dataset`, field `/dataset/id`), so GetDependencies shows it and deleting the data set is a 409
 * while it holds data (deleteInbound takes the link out, the data stays). No HTTP: it throws
 * ResourceError.
 */
import { randomUUID } from 'node:crypto';
import type { DataRecord, Store, StoreCollections } from '../../store/types.js';
import { ResourceError, type ResourceProblem } from './resource-engine.js';
import { loadXml } from '../flows/input.js'; // fast-xml-parser when first needed, not at start-up (issue 17)
import type { ResourceCollection } from './collections.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The media types a data object may hold (what the flows' inputs hold). */
export const DATA_CONTENT_TYPES = ['application/json', 'application/xml', 'text/xml'] as const;
export const DATA_NAME_MAX = 200;
export const DATA_DESCRIPTION_MAX = 2000;
const DATASET_FIELD = '/dataset/id';

export interface NewDatasetData { record: DataRecord; content: Buffer }

const invalid = (problems: ResourceProblem[]) => new ResourceError('invalid', problems.map((p) => `body ${p.pointer}: ${p.message}`).join('; '), problems);
const field = (pointer: string, rule: string, message: string): ResourceProblem => ({ in: 'body', pointer, rule, message });

/** Checks a vendor Data body and turns it into a record and its bytes (throws naming every field that breaks a rule). */
export function dataFromBody(body: Obj, datasetName: string, ids: { id: string; userId: string; at: string }): NewDatasetData {
  const problems: ResourceProblem[] = [];
  if (body.type !== undefined && body.type !== 'value') problems.push(field('/type', 'enum', 'must be value: flowmock stores the data, it never queries a data source'));
  if (body.reference !== undefined && body.reference !== null) problems.push(field('/reference', 'unsupported', 'flowmock stores values, not references to a data source'));
  const value = isObj(body.value) ? body.value : undefined;
  if (!value || value.content === undefined || value.content === null) problems.push(field('/value/content', 'required', 'the data: a JSON value, or XML text'));
  const contentType = (value?.contentType ?? body.contentType ?? (typeof value?.content === 'string' ? 'application/xml' : 'application/json')) as unknown;
  if (typeof contentType !== 'string' || !(DATA_CONTENT_TYPES as readonly string[]).includes(contentType)) {
    problems.push(field(value?.contentType !== undefined ? '/value/contentType' : '/contentType', 'enum', `must be one of: ${DATA_CONTENT_TYPES.join(', ')}`));
  }
  if (body.displayName !== undefined && (typeof body.displayName !== 'string' || body.displayName.trim() === '' || body.displayName.length > DATA_NAME_MAX)) {
    problems.push(field('/displayName', 'maxLength', `a non-empty text of at most ${DATA_NAME_MAX} characters`));
  }
  if (body.description !== undefined && body.description !== null && (typeof body.description !== 'string' || body.description.length > DATA_DESCRIPTION_MAX)) {
    problems.push(field('/description', 'maxLength', `a text of at most ${DATA_DESCRIPTION_MAX} characters`));
  }
  if (body.expiration !== undefined && body.expiration !== null && (typeof body.expiration !== 'string' || Number.isNaN(Date.parse(body.expiration)))) {
    problems.push(field('/expiration', 'format', 'an ISO 8601 date-time'));
  }
  let bytes = Buffer.alloc(0);
  if (!problems.length) {
    const content = value!.content;
    if (contentType === 'application/json') {
      bytes = Buffer.from(JSON.stringify(content), 'utf8');
    } else if (typeof content !== 'string') {
      problems.push(field('/value/content', 'type', 'XML data is its text (a string)'));
    } else {
      const ok = loadXml().XMLValidator.validate(content);
      if (ok !== true) problems.push(field('/value/content', 'xml', `not well-formed XML: ${ok.err.msg} (line ${ok.err.line})`));
      bytes = Buffer.from(content, 'utf8');
    }
  }
  if (problems.length) throw invalid(problems);
  return {
    record: {
      id: ids.id, executionId: null, usage: 'userCreated',
      displayName: typeof body.displayName === 'string' ? body.displayName : `Data of ${datasetName}`,
      description: typeof body.description === 'string' ? body.description : null,
      createdAt: ids.at, createdBy: ids.userId, modifiedAt: ids.at, modifiedBy: ids.userId,
      expiration: typeof body.expiration === 'string' ? new Date(body.expiration).toISOString() : null,
      contentType: contentType as string, size: bytes.length,
    },
    content: bytes,
  };
}

export class DatasetData {
  constructor(private readonly opts: { store: Store; datasets: ResourceCollection; now: () => Date; newId?: () => string }) {}

  /** Stores a data object in the data set (404 for an unknown data set, 409 for a read-only one). */
  async create(datasetId: string, body: Obj, userId: string): Promise<DataRecord> {
    const { store, datasets } = this.opts;
    return store.transaction(async (tx) => {
      const ds = await this.dataset(tx, datasetId);
      if (ds.body.readOnly === true) {
        throw new ResourceError('conflict', `Data set ${datasetId} is read-only: it takes no new data.`, [{ in: 'path', pointer: '/datasetId', rule: 'readOnly', message: 'the data set is read-only' }]);
      }
      const made = dataFromBody(body, String(ds.body.displayName ?? datasetId), { id: (this.opts.newId ?? randomUUID)(), userId, at: this.opts.now().toISOString() });
      await tx.data.insert(made.record, made.content);
      await tx.resources.setReferences('data', made.record.id, [{ field: DATASET_FIELD, toType: datasets.objectType, toId: datasetId }]);
      return made.record;
    });
  }

  /** The data objects of a data set (404 for an unknown data set), in no particular order. */
  async list(datasetId: string): Promise<DataRecord[]> {
    const { store } = this.opts;
    await this.dataset(store, datasetId);
    const refs = (await store.resources.referencesTo(this.opts.datasets.objectType, datasetId)).filter((r) => r.fromType === 'data');
    const out: DataRecord[] = [];
    for (const r of refs) {
      const d = await store.data.byId(r.fromId);
      if (d) out.push(d);
    }
    return out;
  }

  private async dataset(tx: StoreCollections, id: string) {
    const rec = await tx.resources.byId(this.opts.datasets.objectType, id);
    if (!rec) throw new ResourceError('notFound', `No ${this.opts.datasets.objectType} ${id}.`);
    return rec;
  }
}

/** The data set a data object belongs to (its reference), or null. */
export async function datasetOfData(tx: StoreCollections, dataId: string): Promise<{ id: string; displayName: string } | null> {
  const ref = (await tx.resources.referencesFrom('data', dataId)).find((r) => r.field === DATASET_FIELD);
  if (!ref) return null;
  const ds = await tx.resources.byId(ref.toType, ref.toId);
  return ds ? { id: ds.id, displayName: typeof ds.body.displayName === 'string' ? ds.body.displayName : ds.id } : null;
}
