/**
 * CreateExport, PrepareImport and ExecuteImport (issue 13): selected objects of the project with
 * what they use, as one gzip'd JSON file, and taking such a file in on another (or the same)
 * installation. The file:
 *
 *   { format: "flowmock-export", version: 1,
 *     archive: <the vendor's Archive: general {purpose "export", createdAt, createdBy} and one
 *               Archivable per object (explicit: named by the request; dependency: used by one)>,
 *     options: { includeHistory, includeSensitiveData, includeUserData },
 *     content: { resources, printers, apiFlows }   (as in a backup: src/engine/system/backup.ts)
 *     users:   [ ... ]                             (with includeUserData only) }
 *
 * PrepareImport checks a file and keeps it in the store keyed by its SHA-256 (the last prepared
 * one); ExecuteImport imports it (or the archive its RestoreContext carries) in one transaction.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ApiFlowRecord, PrinterRecord, ResourceRecord, Store, StoreCollections, UserRecord } from '../../store/types.js';
import type { ResourceCollection } from '../resources/collections.js';
import { BackupError, allOf, archivedObject, checkArchiveParts, unpackArchive, type ArchivedObject } from './backup.js';

export const EXPORT_FORMAT = 'flowmock-export';
export const EXPORT_VERSION = 1;
const PREPARED_KEY = 'system.import.prepared';

type Obj = Record<string, unknown>;
export interface IdWithName { id: string; displayName?: string; type?: string }
type ExportedUser = Omit<UserRecord, 'passwordHash'> & { passwordHash?: string | null };
interface Archivable {
  archiveType: 'explicit' | 'dependency';
  identifier: IdWithName;
  definition: string;
  checksum: string;
  contents: Array<{ id: string; description?: string; revision: number; checksum: string; language?: string }>;
  outboundDependencies: Array<{ loaded: 'eager'; target: IdWithName }>;
}
export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  archive: { general: { purpose: 'export'; createdAt: string; createdBy: IdWithName; defaultConnectors: [] }; items: Archivable[] };
  options: { includeHistory: boolean; includeSensitiveData: boolean; includeUserData: boolean };
  content: { resources: ArchivedObject[]; printers: PrinterRecord[]; apiFlows: ApiFlowRecord[] };
  users?: ExportedUser[];
}

/** A request or file the server refuses: where (`in` and a JSON pointer) and by which rule. */
export class ExchangeError extends Error {
  constructor(readonly where: 'body' | 'query', readonly pointer: string, readonly rule: string, message: string, readonly tooLarge = false) { super(message); }
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const nameOf = (body: Obj): string | undefined => (typeof body.displayName === 'string' ? body.displayName : undefined);
const key = (type: string, id: string) => `${type}\u0000${id}`;

export interface ExportOptions { includeHistory: boolean; includeSensitiveData: boolean; includeUserData: boolean; now: Date; by: IdWithName }

/** The export of `items` (empty: everything) with the objects they use, as the file's bytes. */
export async function createExport(store: Store, collections: ResourceCollection[], items: IdWithName[], opts: ExportOptions): Promise<{ bytes: Buffer; file: ExportFile }> {
  const byType = new Map(collections.map((c) => [c.objectType, c]));
  const file = await store.transaction(async (tx): Promise<ExportFile> => {
    const resources = new Map<string, { o: ArchivedObject; explicit: boolean }>();
    const printers = new Map<string, PrinterRecord>();
    const apiFlows = new Map<string, { f: ApiFlowRecord; explicit: boolean }>();
    const users = new Map<string, UserRecord>();

    const addResource = async (record: ResourceRecord, explicit: boolean): Promise<void> => {
      const k = key(record.type, record.id);
      const had = resources.get(k);
      if (had) { had.explicit ||= explicit; return; }
      const o = await archivedObject(tx, record, opts.includeHistory);
      resources.set(k, { o, explicit });
      for (const r of o.references) await addTarget(r.toType, r.toId);
    };
    const addFlow = async (f: ApiFlowRecord, explicit: boolean): Promise<void> => {
      const had = apiFlows.get(f.id);
      if (had) { had.explicit ||= explicit; return; }
      apiFlows.set(f.id, { f, explicit });
      for (const r of await tx.resources.referencesFrom('flow', f.id)) await addTarget(r.toType, r.toId);
    };
    const addTarget = async (type: string, id: string): Promise<void> => {
      const rec = byType.has(type) ? await tx.resources.byId(type, id) : null;
      if (rec) await addResource(rec, false);
      else if (type === 'flow') { const f = await tx.apiFlows.byId(id); if (f) await addFlow(f, false); }
    };

    if (items.length === 0) {
      for (const c of collections) for (const r of await allOf(tx, c)) await addResource(r, true);
      for (const f of await tx.apiFlows.list()) await addFlow(f, true);
      for (const p of await tx.printers.list()) printers.set(p.id, p);
      if (opts.includeUserData) for (const u of await tx.users.list()) users.set(u.id, u);
    }
    for (const [i, item] of items.entries()) {
      const at = `/items/${i}`;
      const types = item.type ? [item.type] : [...byType.keys(), 'flow', 'printer', 'user'];
      let found = false;
      for (const type of types) {
        if (byType.has(type)) {
          const rec = await tx.resources.byId(type, item.id);
          if (rec) { await addResource(rec, true); found = true; break; }
        } else if (type === 'flow') {
          const f = await tx.apiFlows.byId(item.id);
          if (f) { await addFlow(f, true); found = true; break; }
        } else if (type === 'printer') {
          const p = await tx.printers.byId(item.id);
          if (p) { printers.set(p.id, p); found = true; break; }
        } else if (type === 'user') {
          const u = await tx.users.byId(item.id);
          if (u) { users.set(u.id, u); found = true; break; }
        } else {
          throw new ExchangeError('body', `${at}/type`, 'exportable', `objects of type ${type} cannot be exported (the types: ${[...byType.keys(), 'flow', 'printer', 'user'].join(', ')})`);
        }
      }
      if (!found) throw new ExchangeError('body', `${at}/id`, 'reference', `there is no ${item.type ?? 'object'} ${item.id} to export${item.type === 'flow' ? ' (only flows created over the API are exported; file flows live in their files)' : ''}`);
    }

    const archivable = (identifier: IdWithName, explicit: boolean, definition: string, contents: Archivable['contents'], uses: IdWithName[]): Archivable => ({
      archiveType: explicit ? 'explicit' : 'dependency', identifier, definition, checksum: sha256(definition), contents,
      outboundDependencies: uses.map((target) => ({ loaded: 'eager' as const, target })),
    });
    const archiveItems: Archivable[] = [];
    for (const { o, explicit } of resources.values()) {
      const definition = JSON.stringify(o.record.body);
      const contents = o.contents.map((c) => ({
        id: c.slot || 'content', revision: c.revision, checksum: sha256(Buffer.from(c.data, 'base64')),
        ...(c.description ? { description: c.description } : {}), ...(c.slot ? { language: c.slot } : {}),
      }));
      archiveItems.push(archivable({ id: o.record.id, displayName: nameOf(o.record.body), type: o.record.type }, explicit, definition, contents,
        o.references.map((r) => ({ id: r.toId, type: r.toType }))));
    }
    for (const { f, explicit } of apiFlows.values()) {
      const uses = (await tx.resources.referencesFrom('flow', f.id)).map((r) => ({ id: r.toId, type: r.toType }));
      archiveItems.push(archivable({ id: f.id, displayName: nameOf(f.flow), type: 'flow' }, explicit, JSON.stringify(f.flow), [], uses));
    }
    for (const p of printers.values()) archiveItems.push(archivable({ id: p.id, displayName: p.displayName, type: 'printer' }, true, JSON.stringify({ ...p }), [], []));
    const exportedUsers = [...users.values()].map((u): ExportedUser => {
      const { passwordHash, ...rest } = u;
      return opts.includeSensitiveData ? { ...rest, passwordHash } : rest;
    });
    for (const u of exportedUsers) {
      const { passwordHash: _p, ...shown } = u;
      archiveItems.push(archivable({ id: u.id, displayName: u.displayName, type: 'user' }, true, JSON.stringify(shown), [], []));
    }
    return {
      format: EXPORT_FORMAT, version: EXPORT_VERSION,
      archive: { general: { purpose: 'export', createdAt: opts.now.toISOString(), createdBy: opts.by, defaultConnectors: [] }, items: archiveItems },
      options: { includeHistory: opts.includeHistory, includeSensitiveData: opts.includeSensitiveData, includeUserData: opts.includeUserData },
      content: { resources: [...resources.values()].map((r) => r.o), printers: [...printers.values()], apiFlows: [...apiFlows.values()].map((f) => f.f) },
      ...(users.size ? { users: exportedUsers } : {}),
    };
  });
  return { bytes: gzipSync(JSON.stringify(file)), file };
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The export file in `bytes`, checked; ExchangeError names the first thing that is wrong (pointers into the file). */
export function readExport(bytes: Buffer, collections: ResourceCollection[], where: { in: 'body'; base: string }): ExportFile {
  try {
    const f = unpackArchive(bytes, 'CreateExport');
    if (!isObj(f) || f.format !== EXPORT_FORMAT) throw new BackupError(`the archive is not a ${EXPORT_FORMAT} (CreateExport answers one)`, '/format');
    if (f.version !== EXPORT_VERSION) throw new BackupError(`the archive is version ${String(f.version)}; this server reads version ${EXPORT_VERSION}`, '/version');
    if (!isObj(f.archive) || !isObj(f.archive.general) || !Array.isArray(f.archive.items)) throw new BackupError('archive must be the vendor Archive {general, items}', '/archive');
    f.archive.items.forEach((it: unknown, i) => {
      if (!isObj(it) || !isObj(it.identifier) || typeof it.identifier.id !== 'string' || typeof it.identifier.type !== 'string'
        || (it.archiveType !== 'explicit' && it.archiveType !== 'dependency')) {
        throw new BackupError('each item needs archiveType (explicit or dependency) and identifier {id, type}', `/archive/items/${i}`);
      }
    });
    if (!isObj(f.content)) throw new BackupError('content must be an object {resources, printers, apiFlows}', '/content');
    checkArchiveParts(f.content, collections, '/content');
    if (f.users !== undefined) {
      if (!Array.isArray(f.users)) throw new BackupError('users must be an array', '/users');
      f.users.forEach((u: unknown, i) => {
        if (!isObj(u) || typeof u.id !== 'string' || typeof u.username !== 'string' || typeof u.displayName !== 'string' || typeof u.enabled !== 'boolean'
          || !Array.isArray(u.roleIds) || typeof u.createdAt !== 'string') {
          throw new BackupError('each user needs id, username, displayName, enabled, roleIds, createdAt', `/users/${i}`);
        }
      });
    }
    return f as unknown as ExportFile;
  } catch (err) {
    if (err instanceof BackupError) throw new ExchangeError(where.in, `${where.base}${err.pointer}`, 'archive', err.message, err.tooLarge);
    throw err;
  }
}

/** What an import of the file would bring (the vendor's ImportInformation), given this server's state. */
export async function importInformation(store: StoreCollections, collections: ResourceCollection[], file: ExportFile): Promise<Obj> {
  const byType = new Map(collections.map((c) => [c.objectType, c]));
  const inArchive = new Set(file.archive.items.map((it) => key(it.identifier.type!, it.identifier.id)));
  const exists = async (type: string, id: string): Promise<boolean> => {
    if (byType.has(type)) return (await store.resources.byId(type, id)) !== null;
    if (type === 'flow') return (await store.apiFlows.byId(id)) !== null;
    if (type === 'printer') return (await store.printers.byId(id)) !== null;
    if (type === 'user') return (await store.users.byId(id)) !== null;
    return false;
  };
  const suggestedMappings: Obj[] = [];
  const missingConnectors: Obj[] = [];
  for (const it of file.archive.items) {
    const { id, type, displayName } = it.identifier;
    const c = byType.get(type!);
    // An object the server lacks by id but has by name: the import could use that one instead.
    if (it.archiveType === 'dependency' && c && displayName !== undefined && !(await exists(type!, id))) {
      const page = await store.resources.query({
        type: c.objectType, properties: { displayName: { path: 'displayName', kind: 'text' } },
        filter: { type: 'and', nodes: [{ condition: { key: 'displayName', operator: 'equalTo', values: [displayName] } }] },
        sort: { field: 'displayName', direction: 'asc' }, page: 0, size: 20,
      });
      if (page.content.length) suggestedMappings.push({ source: it.identifier, targets: page.content.map((r) => ({ id: r.id, displayName: nameOf(r.body), type: r.type })) });
    }
    for (const dep of it.outboundDependencies) {
      const t = dep.target;
      if (t.type === 'connector' && !inArchive.has(key(t.type, t.id)) && !(await exists(t.type, t.id))) missingConnectors.push({ ofType: t });
    }
  }
  return {
    archive: file.archive,
    topLevelItems: file.archive.items.filter((it) => it.archiveType === 'explicit').map((it) => it.identifier),
    suggestedMappings, missingConnectors, missingConnectorTypes: [],
  };
}

/** Keeps the checked file as the one prepared for the next ExecuteImport, keyed by its SHA-256. */
export async function keepPrepared(store: StoreCollections, bytes: Buffer, now: Date): Promise<string> {
  const hash = sha256(bytes);
  await store.meta.set(PREPARED_KEY, JSON.stringify({ sha256: hash, preparedAt: now.toISOString(), archive: bytes.toString('base64') }));
  return hash;
}

/** The archive prepared last, or null. */
export async function preparedArchive(store: StoreCollections): Promise<{ sha256: string; bytes: Buffer } | null> {
  const text = await store.meta.get(PREPARED_KEY);
  if (!text) return null;
  const p = JSON.parse(text) as { sha256: string; archive: string };
  return { sha256: p.sha256, bytes: Buffer.from(p.archive, 'base64') };
}

export interface RestoreContext {
  includeType?: 'all' | 'listed' | 'allButListed';
  archive?: string;
  dependenciesMap?: Array<{ source?: IdWithName; target?: IdWithName }>;
  overwriteExisting?: boolean;
  listedItems?: IdWithName[];
}
export interface ImportCounts { resources: number; contents: number; printers: number; apiFlows: number; users: number }

function setAt(body: Obj, pointer: string, value: string): void {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let at: unknown = body;
  for (const p of parts.slice(0, -1)) at = (at as Obj)[p];
  if (isObj(at) || Array.isArray(at)) (at as Obj)[parts.at(-1)!] = value;
}

/**
 * Imports the file as the context says, in one transaction: which items (all, listed, all but
 * listed; an item brings the dependencies the archive holds for it), mapped dependencies (not
 * imported; what used them uses the target), objects that exist already (skipped, or replaced
 * with overwriteExisting). Users are only added, never changed. Every reference must resolve.
 */
export async function executeImport(store: Store, collections: ResourceCollection[], file: ExportFile, ctx: RestoreContext): Promise<{ imported: ImportCounts; skipped: IdWithName[] }> {
  const byType = new Map(collections.map((c) => [c.objectType, c]));
  const itemKeys = new Set(file.archive.items.map((it) => key(it.identifier.type!, it.identifier.id)));
  const listed = ctx.listedItems ?? [];
  listed.forEach((l, i) => {
    const hit = file.archive.items.find((it) => it.identifier.id === l.id && (!l.type || it.identifier.type === l.type));
    if (!hit) throw new ExchangeError('body', `/listedItems/${i}/id`, 'reference', `${l.type ?? 'object'} ${l.id} is not in the archive`);
  });
  const mapping = new Map<string, IdWithName>();
  for (const [i, m] of (ctx.dependenciesMap ?? []).entries()) {
    if (!m.source?.id || !m.target?.id) throw new ExchangeError('body', `/dependenciesMap/${i}`, 'required', 'each mapping needs source {id, type} and target {id}');
    const src = file.archive.items.find((it) => it.identifier.id === m.source!.id && (!m.source!.type || it.identifier.type === m.source!.type));
    if (!src) throw new ExchangeError('body', `/dependenciesMap/${i}/source/id`, 'reference', `${m.source.id} is not in the archive`);
    const type = src.identifier.type!;
    if (m.target.type && m.target.type !== type) throw new ExchangeError('body', `/dependenciesMap/${i}/target/type`, 'type', `a ${type} can only be mapped to a ${type}`);
    if (!byType.has(type)) throw new ExchangeError('body', `/dependenciesMap/${i}/source/type`, 'mappable', 'only objects of the regular collections can be mapped');
    mapping.set(key(type, src.identifier.id), { id: m.target.id, type });
  }

  // Which items: the selection, then what they use that the archive holds.
  const includeType = ctx.includeType ?? 'all';
  const isListed = (type: string, id: string) => listed.some((l) => l.id === id && (!l.type || l.type === type));
  const chosen = new Set<string>();
  const uses = new Map(file.archive.items.map((it) => [key(it.identifier.type!, it.identifier.id), it.outboundDependencies.map((d) => key(d.target.type!, d.target.id))]));
  const add = (k: string) => {
    if (chosen.has(k) || !itemKeys.has(k) || mapping.has(k)) return;
    chosen.add(k);
    for (const u of uses.get(k) ?? []) add(u);
  };
  for (const it of file.archive.items) {
    const { type, id } = it.identifier;
    const pick = includeType === 'all' ? true : includeType === 'listed' ? isListed(type!, id) : !isListed(type!, id) && it.archiveType === 'explicit';
    if (pick) add(key(type!, id));
  }

  const counts: ImportCounts = { resources: 0, contents: 0, printers: 0, apiFlows: 0, users: 0 };
  const skipped: IdWithName[] = [];
  await store.transaction(async (tx) => {
    const overwrite = ctx.overwriteExisting === true;
    for (const [, target] of mapping) {
      if (!(await tx.resources.byId(target.type!, target.id))) {
        const i = [...mapping.values()].indexOf(target);
        throw new ExchangeError('body', `/dependenciesMap/${i}/target/id`, 'reference', `there is no ${target.type} ${target.id} on this server`);
      }
    }
    const mapRef = (r: { field: string; toType: string; toId: string }) => mapping.get(key(r.toType, r.toId));
    const imported: Array<ArchivedObject & { at: number }> = [];
    for (const [at, o] of file.content.resources.entries()) {
      const k = key(o.record.type, o.record.id);
      if (!chosen.has(k)) continue;
      const exists = await tx.resources.byId(o.record.type, o.record.id);
      if (exists && !overwrite) { skipped.push({ id: o.record.id, displayName: nameOf(o.record.body), type: o.record.type }); continue; }
      if (exists) await tx.resources.delete(o.record.type, o.record.id);
      const body = structuredClone(o.record.body);
      const references = o.references.map((r) => {
        const to = mapRef(r);
        if (!to) return r;
        setAt(body, r.field, to.id);
        return { ...r, toId: to.id };
      });
      await tx.resources.insert({ ...o.record, body });
      imported.push({ ...o, record: { ...o.record, body }, references, at });
      counts.resources++;
    }
    // What must be unique in a collection (a display name, a language code) stays so.
    for (const o of imported) {
      const c = byType.get(o.record.type)!;
      for (const field of c.unique) {
        const value = o.record.body[field];
        if (typeof value !== 'string') continue;
        const page = await tx.resources.query({
          type: c.objectType, properties: { [field]: c.properties[field] ?? { path: field, kind: 'text' } },
          filter: { type: 'and', nodes: [{ condition: { key: field, operator: 'equalTo', values: [value] } }] },
          sort: { field, direction: 'asc' }, page: 0, size: 2,
        });
        const other = page.content.find((r) => r.id !== o.record.id);
        if (other) {
          throw new ExchangeError('body', `/archive/content/resources/${o.at}/record/body/${field}`, 'unique',
            `${o.record.type} ${o.record.id} has the ${field} "${value}" of ${other.id} on this server; map it to that one (dependenciesMap) or rename one of them`);
        }
      }
    }
    for (const o of imported) {
      for (const [j, r] of o.references.entries()) {
        const there = byType.has(r.toType) ? await tx.resources.byId(r.toType, r.toId) : r.toType === 'flow' ? await tx.apiFlows.byId(r.toId) : null;
        if (!there) {
          throw new ExchangeError('body', `/archive/content/resources/${o.at}/references/${j}`, 'dependency',
            `${o.record.type} ${o.record.id} uses ${r.toType} ${r.toId} (${r.field}), which neither this server nor the import has; import it too or map it (dependenciesMap)`);
        }
      }
      await tx.resources.setReferences(o.record.type, o.record.id, o.references);
      for (const c of [...o.contents].sort((x, y) => (x.revision ?? 0) - (y.revision ?? 0))) {
        await tx.resources.putContent({ type: o.record.type, id: o.record.id, slot: c.slot, description: c.description ?? null, contentType: c.contentType, createdAt: c.createdAt, createdBy: c.createdBy },
          Buffer.from(c.data, 'base64'));
        counts.contents++;
      }
    }
    for (const f of file.content.apiFlows) {
      if (!chosen.has(key('flow', f.id))) continue;
      const exists = await tx.apiFlows.byId(f.id);
      if (exists && !overwrite) { skipped.push({ id: f.id, displayName: nameOf(f.flow), type: 'flow' }); continue; }
      if (exists) await tx.apiFlows.update(f); else await tx.apiFlows.insert(f);
      counts.apiFlows++;
    }
    for (const p of file.content.printers) {
      if (!chosen.has(key('printer', p.id))) continue;
      const record = { ...p, description: p.description ?? null, flavor: p.flavor ?? null, properties: p.properties ?? null };
      const exists = await tx.printers.byId(p.id);
      if (exists && !overwrite) { skipped.push({ id: p.id, displayName: p.displayName, type: 'printer' }); continue; }
      if (exists) await tx.printers.update(record); else await tx.printers.insert(record);
      counts.printers++;
    }
    for (const u of file.users ?? []) {
      if (!chosen.has(key('user', u.id))) continue;
      if ((await tx.users.byId(u.id)) || (await tx.users.byUsername(u.username))) { skipped.push({ id: u.id, displayName: u.displayName, type: 'user' }); continue; }
      const roles = new Set((await tx.users.listRoles()).map((r) => r.id));
      await tx.users.create({ ...u, roleIds: u.roleIds.filter((r) => roles.has(r)), passwordHash: u.passwordHash ?? null });
      counts.users++;
    }
  });
  return { imported: counts, skipped };
}
