/**
 * CreateBackup and RestoreBackup (issue 13): the project's configuration as one gzip'd JSON
 * archive. It holds every object of the regular collections (src/engine/resources) with its
 * references and content (every revision with includeHistory, else the newest), the printers and
 * the flows created over the API. It never holds users, keys or passwords (a restore cannot lock
 * anyone out), nor executions and documents (runs, not configuration). A restore checks the whole
 * archive first, then, in one transaction, makes each of those collections equal to the archive.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ApiFlowRecord, PrinterRecord, ResourceContentRecord, ResourceRecord, ResourceReference, Store, StoreCollections } from '../../store/types.js';
import type { ResourceCollection } from '../resources/collections.js';

export const BACKUP_FORMAT = 'flowmock-backup';
export const BACKUP_VERSION = 1;
/** What an archive may unpack to at most (a gzip of a few KiB could otherwise unpack to gigabytes). */
export const MAX_BACKUP_UNPACKED_BYTES = 64 * 1024 * 1024;
const PAGE = 500;

export interface ArchivedContent extends Omit<ResourceContentRecord, 'type' | 'id' | 'size'> { data: string }
export interface ArchivedObject {
  record: ResourceRecord;
  references: Array<Pick<ResourceReference, 'field' | 'toType' | 'toId'>>;
  contents: ArchivedContent[];
}
export interface BackupArchive {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: string;
  includeHistory: boolean;
  resources: ArchivedObject[];
  printers: PrinterRecord[];
  apiFlows: ApiFlowRecord[];
}
export interface BackupCounts { resources: number; contents: number; printers: number; apiFlows: number }

/** A backup the server cannot take: what is wrong, where (a JSON pointer into the archive), and whether it is only too big. */
export class BackupError extends Error {
  constructor(message: string, readonly pointer: string, readonly tooLarge = false) { super(message); }
}

export async function allOf(store: StoreCollections, c: ResourceCollection): Promise<ResourceRecord[]> {
  const out: ResourceRecord[] = [];
  const properties = { ...c.properties, id: { path: 'id', kind: 'text' as const } };
  for (let page = 0; ; page++) {
    const p = await store.resources.query({ type: c.objectType, properties, sort: { field: 'id', direction: 'asc' }, page, size: PAGE });
    out.push(...p.content);
    if (p.content.length < PAGE) return out;
  }
}

export async function createBackup(store: Store, collections: ResourceCollection[], opts: { includeHistory: boolean; now: Date }): Promise<{ bytes: Buffer; counts: BackupCounts }> {
  const archive = await store.transaction(async (tx): Promise<BackupArchive> => {
    const resources: ArchivedObject[] = [];
    for (const c of collections) {
      for (const record of await allOf(tx, c)) resources.push(await archivedObject(tx, record, opts.includeHistory));
    }
    return {
      format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: opts.now.toISOString(), includeHistory: opts.includeHistory,
      resources, printers: await tx.printers.list(), apiFlows: await tx.apiFlows.list(),
    };
  });
  return { bytes: gzipSync(JSON.stringify(archive)), counts: countsOf(archive) };
}

/** One object with its references and content (every revision with includeHistory, else the newest). */
export async function archivedObject(tx: StoreCollections, record: ResourceRecord, includeHistory: boolean): Promise<ArchivedObject> {
  const references = (await tx.resources.referencesFrom(record.type, record.id)).map(({ field, toType, toId }) => ({ field, toType, toId }));
  const contents: ArchivedContent[] = [];
  for (const slot of await tx.resources.contentSlots(record.type, record.id)) {
    const history = await tx.resources.contentHistory(record.type, record.id, slot); // newest first
    for (const rev of (includeHistory ? history : history.slice(0, 1)).reverse()) {
      const got = await tx.resources.content(record.type, record.id, slot, rev.revision);
      if (!got) continue;
      const { type: _t, id: _i, size: _s, ...meta } = got.record;
      contents.push({ ...meta, data: got.content.toString('base64') });
    }
  }
  return { record, references, contents };
}

function countsOf(a: BackupArchive): BackupCounts {
  return { resources: a.resources.length, contents: a.resources.reduce((n, r) => n + r.contents.length, 0), printers: a.printers.length, apiFlows: a.apiFlows.length };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** The JSON of a gzip'd archive; BackupError when it is not one (`what` answers it: CreateBackup, CreateExport). */
export function unpackArchive(bytes: Buffer, what: string): unknown {
  if (bytes.length === 0) throw new BackupError(`the body is empty; send the bytes ${what} answered`, '');
  let text: string;
  try {
    text = gunzipSync(bytes, { maxOutputLength: MAX_BACKUP_UNPACKED_BYTES }).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BackupError(`the archive unpacks to more than ${MAX_BACKUP_UNPACKED_BYTES} bytes`, '', true);
    throw new BackupError(`the body is not a gzip archive (${what} answers one)`, '');
  }
  try { return JSON.parse(text); } catch { throw new BackupError('the archive does not hold JSON', ''); }
}

/** The archive in `bytes`, checked; BackupError names the first thing that is wrong. */
export function readBackup(bytes: Buffer, collections: ResourceCollection[]): BackupArchive {
  const a = unpackArchive(bytes, 'CreateBackup');
  if (!isObj(a) || a.format !== BACKUP_FORMAT) throw new BackupError(`the archive is not a ${BACKUP_FORMAT}`, '/format');
  if (a.version !== BACKUP_VERSION) throw new BackupError(`the archive is version ${String(a.version)}; this server reads version ${BACKUP_VERSION}`, '/version');
  checkArchiveParts(a, collections, '');
  return a as unknown as BackupArchive;
}

/**
 * Checks the resources, printers and API flows of an archive (a backup, or an export's `content`
 * at `base`); BackupError names the first thing that is wrong.
 */
export function checkArchiveParts(a: Record<string, unknown>, collections: ResourceCollection[], base: string): void {
  const byType = new Map(collections.map((c) => [c.objectType, c]));
  const seen = new Set<string>();
  const once = (key: string, what: string, at: string) => {
    if (seen.has(key)) throw new BackupError(`${what} is in the archive twice`, at);
    seen.add(key);
  };
  if (!Array.isArray(a.resources)) throw new BackupError('resources must be an array', `${base}/resources`);
  a.resources.forEach((o: unknown, i) => {
    const at = `${base}/resources/${i}`;
    if (!isObj(o) || !isObj(o.record) || !isStr(o.record.id) || !isStr(o.record.type) || !isObj(o.record.body)
      || !isStr(o.record.createdAt) || !isStr(o.record.createdBy) || !isStr(o.record.modifiedAt) || !isStr(o.record.modifiedBy)) {
      throw new BackupError('each resource needs a record {type, id, body, createdAt, createdBy, modifiedAt, modifiedBy}', `${at}/record`);
    }
    const c = byType.get(o.record.type);
    if (!c) throw new BackupError(`no collection of this server holds objects of type ${o.record.type}`, `${at}/record/type`);
    const stray = Object.keys(o.record.body).find((k) => !c.fields.includes(k));
    if (stray !== undefined) throw new BackupError(`${stray} is not a field of ${c.model} (the vendor's models are closed)`, `${at}/record/body/${stray}`);
    once(`resource ${o.record.type} ${o.record.id}`, `${o.record.type} ${o.record.id}`, `${at}/record/id`);
    if (!Array.isArray(o.references) || !o.references.every((r) => isObj(r) && isStr(r.field) && isStr(r.toType) && isStr(r.toId))) {
      throw new BackupError('references must be an array of {field, toType, toId}', `${at}/references`);
    }
    if (!Array.isArray(o.contents) || !o.contents.every((c) => isObj(c) && isStr(c.slot) && isStr(c.contentType) && isStr(c.data) && isStr(c.createdAt) && isStr(c.createdBy))) {
      throw new BackupError('contents must be an array of {slot, contentType, createdAt, createdBy, data (base64)}', `${at}/contents`);
    }
  });
  const audit = (r: Record<string, unknown>) => isStr(r.id) && isStr(r.createdAt) && isStr(r.createdBy) && isStr(r.modifiedAt) && isStr(r.modifiedBy);
  const RECORDS = {
    printers: { ok: (r: Record<string, unknown>) => audit(r) && isStr(r.displayName) && isObj(r.definition) && isStr(r.definition.id) && typeof r.defaultPrinter === 'boolean',
      needs: 'id, displayName, definition {id}, defaultPrinter, createdAt, createdBy, modifiedAt, modifiedBy' },
    apiFlows: { ok: (r: Record<string, unknown>) => audit(r) && isObj(r.flow), needs: 'id, flow, createdAt, createdBy, modifiedAt, modifiedBy' },
  };
  for (const key of ['printers', 'apiFlows'] as const) {
    const list = a[key];
    if (!Array.isArray(list)) throw new BackupError(`${key} must be an array`, `${base}/${key}`);
    list.forEach((r: unknown, i) => {
      if (!isObj(r) || !RECORDS[key].ok(r)) throw new BackupError(`each of ${key} needs ${RECORDS[key].needs}`, `${base}/${key}/${i}`);
      once(`${key} ${String(r.id)}`, `${key} ${String(r.id)}`, `${base}/${key}/${i}/id`);
    });
  }
}

/** Makes the archive's collections of the store equal to the archive, in one transaction. */
export async function restoreBackup(store: Store, collections: ResourceCollection[], archive: BackupArchive): Promise<BackupCounts> {
  await store.transaction(async (tx) => {
    for (const c of collections) for (const r of await allOf(tx, c)) await tx.resources.delete(r.type, r.id);
    for (const p of await tx.printers.list()) await tx.printers.delete(p.id);
    for (const f of await tx.apiFlows.list()) await tx.apiFlows.delete(f.id);
    for (const o of archive.resources) await tx.resources.insert(o.record);
    for (const o of archive.resources) {
      await tx.resources.setReferences(o.record.type, o.record.id, o.references);
      const bySlot = [...o.contents].sort((x, y) => (x.revision ?? 0) - (y.revision ?? 0));
      for (const c of bySlot) {
        await tx.resources.putContent({ type: o.record.type, id: o.record.id, slot: c.slot, description: c.description ?? null, contentType: c.contentType, createdAt: c.createdAt, createdBy: c.createdBy },
          Buffer.from(c.data, 'base64'));
      }
    }
    for (const p of archive.printers) await tx.printers.insert({ ...p, description: p.description ?? null, flavor: p.flavor ?? null, properties: p.properties ?? null });
    for (const f of archive.apiFlows) await tx.apiFlows.insert(f);
  });
  return countsOf(archive);
}
