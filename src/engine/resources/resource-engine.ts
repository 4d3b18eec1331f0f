/**
 * The resource engine: the vendor's regular collections (assets, connectors, data sets, data
 * sources, languages, tag groups, templates, ...) done once, as the spec declares them
 * (collections.ts). No HTTP: it takes checked values, returns records and throws ResourceError.
 *
 * State is consistent: an object names others only when they exist (400 naming the field), the
 * store keeps who uses what (references), a delete of something in use is a conflict naming the
 * users unless the caller asks to remove those references (deleteInbound, force), and flows count
 * as users of the templates, data sets and languages they name.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { LoadedFlow } from '../definitions/load.js';
import type {
  ConditionGroup, Page, ResourceContentRecord, ResourceRecord, ResourceReference, Store, StoreCollections,
} from '../../store/types.js';
import type { ResourceCollection } from './collections.js';

export type ResourceProblem = { in: 'body' | 'query' | 'path'; pointer: string; rule: string; message: string };

/** What went wrong, without an HTTP status (src/http/error-problems.ts maps it). */
/** The vendor's ObjectType (reference/smart-flows-vendor-contract.json): what GetDependencies accepts. */
export const VENDOR_OBJECT_TYPES: readonly string[] = [
  'asset', 'connector', 'connectorType', 'datasource', 'data', 'dataset', 'document', 'entityReference', 'flow', 'language',
  'printer', 'tag', 'tagGroup', 'template', 'templateLibrary', 'user', 'portalLibrary', 'portalGroup', 'portalTemplate',
];

export class ResourceError extends Error {
  constructor(readonly kind: 'notFound' | 'invalid' | 'conflict', message: string, readonly problems: ResourceProblem[] = []) {
    super(message);
    this.name = 'ResourceError';
  }
}

/** An object with what the server computes for it (content type and length, languages with content). */
export interface ResourceView { record: ResourceRecord; computed: Record<string, unknown> }

export interface DependencyNode { loaded: 'eager' | 'lazy'; target: ObjectRef; children: DependencyNode[] }
export interface ObjectRef { id: string; displayName: string; type: string }
export interface DependencyTree { object: ObjectRef; inbound: DependencyNode[]; outbound: DependencyNode[]; users: string[] }

export interface ResourceEngineOptions {
  store: Store;
  collections: Map<string, ResourceCollection>;
  /** The flows (file and API) by id: users of templates, data sets and languages. */
  flows: () => Map<string, LoadedFlow>;
  now: () => Date;
  newId?: () => string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every concrete pointer a pattern (`/datasets/*\/id`) matches in `body`, with its string value. */
export function matchPointer(body: unknown, pattern: string): Array<{ pointer: string; value: string }> {
  const segments = pattern.split('/').slice(1);
  const out: Array<{ pointer: string; value: string }> = [];
  const walk = (v: unknown, i: number, at: string) => {
    if (i === segments.length) {
      if (typeof v === 'string' && v !== '') out.push({ pointer: at, value: v });
      return;
    }
    const seg = segments[i];
    if (seg === '*') {
      if (Array.isArray(v)) v.forEach((x, j) => walk(x, i + 1, `${at}/${j}`));
    } else if (isObj(v) && Object.hasOwn(v, seg)) {
      walk(v[seg], i + 1, `${at}/${esc(seg)}`);
    }
  };
  walk(body, 0, '');
  return out;
}

/**
 * The part of `body` a reference lives in, removed: the array item of the last `*` of the
 * pattern (`/datasets/3`), else the object holding the id (`/connector`).
 */
function removeHolder(body: Obj, pattern: string, pointer: string): void {
  const pat = pattern.split('/').slice(1);
  const segs = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const lastStar = pat.lastIndexOf('*');
  const holderLength = lastStar >= 0 ? lastStar + 1 : Math.max(pat.length - 1, 1);
  const parentSegs = segs.slice(0, holderLength - 1);
  const key = segs[holderLength - 1];
  let parent: unknown = body;
  for (const s of parentSegs) parent = Array.isArray(parent) ? parent[Number(s)] : isObj(parent) ? parent[s] : undefined;
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (isObj(parent)) delete parent[key];
}

const getPath = (o: unknown, dotted: string): unknown => dotted.split('.').reduce<unknown>((acc, k) => (isObj(acc) ? acc[k] : undefined), o);
function setPath(o: Obj, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let at = o;
  for (const k of keys.slice(0, -1)) at = (isObj(at[k]) ? at[k] : (at[k] = {})) as Obj;
  at[keys[keys.length - 1]] = value;
}

/** What a flow names: the templates and languages of its document steps, the data set of its XML input. */
export function flowReferences(flow: LoadedFlow): Array<Pick<ResourceReference, 'field' | 'toType' | 'toId'>> {
  const out: Array<Pick<ResourceReference, 'field' | 'toType' | 'toId'>> = [];
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) { v.forEach((x, i) => walk(x, `${at}/${i}`)); return; }
    if (!isObj(v)) return;
    if (typeof v.templateId === 'string') {
      out.push({ field: `${at}/templateId`, toType: 'template', toId: v.templateId });
      if (typeof v.language === 'string') out.push({ field: `${at}/language`, toType: 'language', toId: v.language });
    }
    for (const [k, x] of Object.entries(v)) if (typeof x === 'object') walk(x, `${at}/${esc(k)}`);
  };
  const def = flow.def as unknown as Obj;
  walk(def.steps, '/steps');
  walk(def.zones, '/zones');
  if (isObj(def.input) && def.input.kind === 'xml') out.push({ field: '/input/dataset/id', toType: 'dataset', toId: `${flow.def.id}-dataset` });
  return out;
}

export class ResourceEngine {
  private readonly store: Store;
  private readonly byName: Map<string, ResourceCollection>;
  private readonly byType = new Map<string, ResourceCollection>();
  private readonly flows: () => Map<string, LoadedFlow>;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(opts: ResourceEngineOptions) {
    this.store = opts.store;
    this.byName = opts.collections;
    for (const c of opts.collections.values()) this.byType.set(c.objectType, c);
    this.flows = opts.flows;
    this.now = opts.now;
    this.newId = opts.newId ?? randomUUID;
  }

  collection(name: string): ResourceCollection {
    const c = this.byName.get(name);
    if (!c) throw new Error(`no resource collection ${name}`);
    return c;
  }

  collections(): ResourceCollection[] {
    return [...this.byName.values()];
  }

  /**
   * Puts each collection's seed objects in the store, once per collection and database (a
   * collection added later is seeded on an existing database; a seeded object the user deleted
   * stays deleted). Returns how many objects were added.
   */
  async seed(userId: string): Promise<number> {
    return this.store.transaction(async (tx) => {
      let added = 0;
      const at = this.now().toISOString();
      const pending: Array<{ c: ResourceCollection; body: Obj; id: string }> = [];
      for (const c of this.byName.values()) {
        const key = `resources.seeded.${c.name}`;
        if (await tx.meta.get(key)) continue;
        await tx.meta.set(key, at);
        for (const s of c.seed) {
          const { id, ...rest } = structuredClone(s) as Obj;
          if (await tx.resources.byId(c.objectType, id as string)) continue;
          pending.push({ c, body: this.clientFields(c, rest), id: id as string });
        }
      }
      // All inserted first, then references: seeds may name each other in any order.
      for (const p of pending) {
        await tx.resources.insert({ type: p.c.objectType, id: p.id, body: p.body, createdAt: at, createdBy: userId, modifiedAt: at, modifiedBy: userId });
        added++;
      }
      for (const p of pending) {
        await this.checkReferences(tx, p.c, p.body);
        await tx.resources.setReferences(p.c.objectType, p.id, this.referencesOf(p.c, p.body));
      }
      return added;
    });
  }

  async list(c: ResourceCollection, q: { filter?: ConditionGroup; sort?: { field: string; direction: 'asc' | 'desc' }; page: number; size: number }): Promise<Page<ResourceView>> {
    const page = await this.store.resources.query({
      type: c.objectType, properties: c.properties, filter: q.filter, sort: q.sort ?? c.defaultSort, page: q.page, size: q.size,
    });
    return { ...page, content: await Promise.all(page.content.map((r) => this.view(this.store, c, r))) };
  }

  async get(c: ResourceCollection, id: string): Promise<ResourceView> {
    return this.view(this.store, c, await this.mustGet(this.store, c, id));
  }

  async create(c: ResourceCollection, input: Obj, userId: string): Promise<ResourceView> {
    const body = this.clientFields(c, input);
    const inline = c.content?.inlineField && typeof input[c.content.inlineField] === 'string' ? input[c.content.inlineField] as string : null;
    const at = this.now().toISOString();
    const rec: ResourceRecord = { type: c.objectType, id: this.newId(), body, createdAt: at, createdBy: userId, modifiedAt: at, modifiedBy: userId };
    return this.store.transaction(async (tx) => {
      await this.checkReferences(tx, c, body);
      await this.checkUnique(tx, c, body, null);
      if (c.defaultFlag && body[c.defaultFlag] === true) await this.clearDefault(tx, c, null, userId, at);
      await tx.resources.insert(rec);
      await tx.resources.setReferences(c.objectType, rec.id, this.referencesOf(c, body));
      if (inline !== null) {
        const typeField = c.content!.typeField;
        const contentType = typeField && typeof input[typeField] === 'string' ? input[typeField] as string : 'application/octet-stream';
        await tx.resources.putContent({ type: c.objectType, id: rec.id, slot: '', description: null, contentType, createdAt: at, createdBy: userId },
          Buffer.from(inline, 'base64'));
      }
      return this.view(tx, c, rec);
    });
  }

  async update(c: ResourceCollection, id: string, input: Obj, userId: string): Promise<ResourceView> {
    const body = this.clientFields(c, input);
    return this.store.transaction(async (tx) => {
      const old = await this.mustGet(tx, c, id);
      await this.checkReferences(tx, c, body);
      await this.checkUnique(tx, c, body, id);
      const at = this.now().toISOString();
      if (c.defaultFlag && body[c.defaultFlag] === true) await this.clearDefault(tx, c, id, userId, at);
      const rec = { ...old, body, modifiedAt: at, modifiedBy: userId };
      await tx.resources.update(rec);
      await tx.resources.setReferences(c.objectType, id, this.referencesOf(c, body));
      return this.view(tx, c, rec);
    });
  }

  /**
   * Puts objects with ids of their own (what the plugins provide: SyncPluginTagGroups) into the
   * collection in one transaction: each missing one created, each that differs updated, the rest
   * left as they are (a second sync changes nothing). The same checks as a create: references,
   * unique fields (a user's object with the same name is a conflict). Answers each object as stored.
   */
  async sync(c: ResourceCollection, items: Array<{ id: string; body: Obj }>, userId: string): Promise<Array<{ view: ResourceView; outcome: 'created' | 'updated' | 'unchanged' }>> {
    return this.store.transaction(async (tx) => {
      const out: Array<{ view: ResourceView; outcome: 'created' | 'updated' | 'unchanged' }> = [];
      const at = this.now().toISOString();
      for (const item of items) {
        const body = this.clientFields(c, item.body);
        const old = await tx.resources.byId(c.objectType, item.id);
        if (old && isDeepStrictEqual(old.body, body)) {
          out.push({ view: await this.view(tx, c, old), outcome: 'unchanged' });
          continue;
        }
        await this.checkReferences(tx, c, body);
        await this.checkUnique(tx, c, body, item.id);
        const rec: ResourceRecord = old
          ? { ...old, body, modifiedAt: at, modifiedBy: userId }
          : { type: c.objectType, id: item.id, body, createdAt: at, createdBy: userId, modifiedAt: at, modifiedBy: userId };
        if (old) await tx.resources.update(rec);
        else await tx.resources.insert(rec);
        await tx.resources.setReferences(c.objectType, item.id, this.referencesOf(c, body));
        out.push({ view: await this.view(tx, c, rec), outcome: old ? 'updated' : 'created' });
      }
      return out;
    });
  }

  /**
   * Deletes an object. Used by others (objects of the collections, flows), it is a conflict naming
   * each user, unless `removeInbound`: then the references to it are taken out of the objects that
   * hold them (the array item or the field), and flows, whose definitions are files or stored
   * flows, keep theirs (a document step renders from its own template text).
   */
  async delete(c: ResourceCollection, id: string, opts: { removeInbound: boolean; flag: string }, userId: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const rec = await this.mustGet(tx, c, id);
      const users = await this.inboundOf(tx, c.objectType, id);
      if (users.length && !opts.removeInbound) {
        const names = await Promise.all(users.map(async (u) => `${u.fromType} ${(await this.refOf(tx, u.fromType, u.fromId)).displayName} (${u.fromId}) in ${u.field}`));
        throw new ResourceError('conflict', `${c.objectType} ${id} is used by ${names.join('; ')}; delete with ${opts.flag}=true to remove those references.`,
          users.map((u, i) => ({ in: 'query', pointer: `/${opts.flag}`, rule: 'inUse', message: `used by ${names[i]}` })));
      }
      const at = this.now().toISOString();
      for (const [key, refs] of groupBy(users.filter((u) => this.byType.has(u.fromType)), (u) => `${u.fromType}\n${u.fromId}`)) {
        const [fromType, fromId] = key.split('\n');
        const uc = this.byType.get(fromType)!;
        const holder = await tx.resources.byId(fromType, fromId);
        if (!holder) continue;
        // Deepest (and last array item) first, so earlier pointers stay valid.
        const sorted = [...refs].sort((a, b) => comparePointers(b.field, a.field));
        for (const r of sorted) {
          const pattern = uc.references.find((f) => matchPointer(holder.body, f.pointer).some((m) => m.pointer === r.field))?.pointer;
          if (pattern) removeHolder(holder.body, pattern, r.field);
        }
        await tx.resources.update({ ...holder, modifiedAt: at, modifiedBy: userId });
        await tx.resources.setReferences(fromType, fromId, this.referencesOf(uc, holder.body));
      }
      // Users outside the collections and flows (a data set's data objects) keep existing without the link.
      for (const u of users.filter((x) => x.fromType !== 'flow' && !this.byType.has(x.fromType))) {
        const keep = (await tx.resources.referencesFrom(u.fromType, u.fromId)).filter((r) => !(r.toType === c.objectType && r.toId === id));
        await tx.resources.setReferences(u.fromType, u.fromId, keep.map(({ field, toType, toId }) => ({ field, toType, toId })));
      }
      await tx.resources.delete(rec.type, rec.id);
    });
  }

  async getDefault(c: ResourceCollection): Promise<ResourceView> {
    const flag = c.defaultFlag!;
    const page = await this.store.resources.query({
      type: c.objectType, properties: { ...c.properties, [flag]: { path: flag, kind: 'boolean' } },
      filter: { type: 'and', nodes: [{ condition: { key: flag, operator: 'isTrue' } }] }, sort: c.defaultSort, page: 0, size: 1,
    });
    if (!page.content.length) throw new ResourceError('notFound', `No ${c.objectType} is the default.`);
    return this.view(this.store, c, page.content[0]);
  }

  async setDefault(c: ResourceCollection, id: string, userId: string): Promise<ResourceView> {
    const flag = c.defaultFlag!;
    return this.store.transaction(async (tx) => {
      const rec = await this.mustGet(tx, c, id);
      const at = this.now().toISOString();
      await this.clearDefault(tx, c, id, userId, at);
      const next = rec.body[flag] === true ? rec : { ...rec, body: { ...rec.body, [flag]: true }, modifiedAt: at, modifiedBy: userId };
      if (next !== rec) await tx.resources.update(next);
      return this.view(tx, c, next);
    });
  }

  /** The content slot a request means: its language, else the default language's code. */
  async slotFor(c: ResourceCollection, lang: string | undefined): Promise<string> {
    const spec = c.content;
    if (!spec) throw new Error(`${c.name} has no content`);
    if (spec.slots === 'single') return '';
    if (lang !== undefined && lang !== '') return lang;
    const dl = spec.defaultLanguage;
    if (!dl) return '';
    try {
      const def = await this.getDefault(this.collection(dl.collection));
      const code = def.record.body[dl.code];
      return typeof code === 'string' && code ? code : dl.fallback;
    } catch (err) {
      if (err instanceof ResourceError) return dl.fallback;
      throw err;
    }
  }

  async content(c: ResourceCollection, id: string, slot: string, version?: string): Promise<{ record: ResourceContentRecord; content: Buffer }> {
    await this.mustGet(this.store, c, id);
    let revision: number | undefined;
    if (version !== undefined && version !== '') {
      revision = Number(version);
      if (!Number.isInteger(revision) || revision < 1) {
        throw new ResourceError('invalid', `version must be a revision number (1, 2, ...), got ${version}.`, [{ in: 'query', pointer: '/version', rule: 'pattern', message: 'a revision number: 1, 2, ...' }]);
      }
    }
    const found = await this.store.resources.content(c.objectType, id, slot, revision);
    if (!found) {
      const what = `${slot ? `language ${slot} of ` : ''}${c.objectType} ${id}${revision ? ` has no version ${revision}` : ' has no content'}`;
      throw new ResourceError('notFound', `The ${what}.`);
    }
    return found;
  }

  async putContent(c: ResourceCollection, id: string, slot: string, bytes: Buffer, meta: { description: string | null; contentType: string }, userId: string): Promise<ResourceContentRecord> {
    return this.store.transaction(async (tx) => {
      const rec = await this.mustGet(tx, c, id);
      const at = this.now().toISOString();
      const typeField = c.content?.typeField;
      // An asset keeps the media type it was given unless the upload names a more precise one.
      const contentType = meta.contentType !== 'application/octet-stream' ? meta.contentType
        : typeField && typeof rec.body[typeField] === 'string' ? rec.body[typeField] as string : meta.contentType;
      const stored = await tx.resources.putContent({ type: c.objectType, id, slot, description: meta.description, contentType, createdAt: at, createdBy: userId }, bytes);
      await tx.resources.update({ ...rec, modifiedAt: at, modifiedBy: userId });
      return stored;
    });
  }

  async deleteContent(c: ResourceCollection, id: string, slot: string, userId: string): Promise<number> {
    return this.store.transaction(async (tx) => {
      const rec = await this.mustGet(tx, c, id);
      const n = await tx.resources.deleteContent(c.objectType, id, slot);
      if (!n) throw new ResourceError('notFound', `${c.objectType} ${id} has no content${slot ? ` in language ${slot}` : ''}.`);
      const at = this.now().toISOString();
      await tx.resources.update({ ...rec, modifiedAt: at, modifiedBy: userId });
      return n;
    });
  }

  async history(c: ResourceCollection, id: string, slot: string): Promise<ResourceContentRecord[]> {
    await this.mustGet(this.store, c, id);
    return this.store.resources.contentHistory(c.objectType, id, slot);
  }

  async contentSlots(c: ResourceCollection, id: string): Promise<string[]> {
    await this.mustGet(this.store, c, id);
    return this.store.resources.contentSlots(c.objectType, id);
  }

  /**
   * What an object uses (outbound) and what uses it (inbound), `depth` levels deep (nodes at the
   * last level are `lazy`: their own links are not listed); `users` are the ids of the users
   * who created and last changed it. Object types: the collections' and `flow`.
   */
  async dependencies(objectType: string, id: string, opts: { direction: 'inbound' | 'outbound' | 'both'; depth: number }): Promise<DependencyTree> {
    const store = this.store;
    let users: string[] = [];
    if (objectType === 'flow') {
      if (!this.flows().has(id)) throw new ResourceError('notFound', `No flow ${id}.`);
    } else {
      const c = this.byType.get(objectType);
      if (c) {
        const rec = await this.mustGet(store, c, id);
        users = [...new Set([rec.createdBy, rec.modifiedBy])];
      } else if (VENDOR_OBJECT_TYPES.includes(objectType)) {
        // A vendor object type outside the collections: answered from the object where flowmock keeps
        // such objects (nothing in the reference table points at them yet), else flowmock has none: 404.
        const other = await this.otherObject(store, objectType, id);
        if (!other) throw new ResourceError('notFound', `No ${objectType} ${id}.`);
        users = other.users;
      } else {
        throw new ResourceError('invalid', `objectType must be one of the vendor's object types: ${VENDOR_OBJECT_TYPES.join(', ')}.`,
          [{ in: 'path', pointer: '/objectType', rule: 'enum', message: `must be one of: ${VENDOR_OBJECT_TYPES.join(', ')}` }]);
      }
    }
    const expand = async (type: string, oid: string, dir: 'inbound' | 'outbound', level: number, seen: Set<string>): Promise<DependencyNode[]> => {
      const links = dir === 'inbound'
        ? (await this.inboundOf(store, type, oid)).map((r) => ({ type: r.fromType, id: r.fromId }))
        : (await this.outboundOf(store, type, oid)).map((r) => ({ type: r.toType, id: r.toId }));
      const unique = [...new Map(links.map((l) => [`${l.type}\n${l.id}`, l])).values()];
      const nodes: DependencyNode[] = [];
      for (const l of unique) {
        const key = `${l.type}\n${l.id}`;
        const deeper = level < opts.depth && !seen.has(key);
        nodes.push({
          loaded: deeper ? 'eager' : 'lazy', target: await this.refOf(store, l.type, l.id),
          children: deeper ? await expand(l.type, l.id, dir, level + 1, new Set([...seen, key])) : [],
        });
      }
      return nodes;
    };
    const self = new Set([`${objectType}\n${id}`]);
    return {
      object: await this.refOf(store, objectType, id),
      inbound: opts.direction === 'outbound' ? [] : await expand(objectType, id, 'inbound', 1, self),
      outbound: opts.direction === 'inbound' ? [] : await expand(objectType, id, 'outbound', 1, self),
      users,
    };
  }

  // ---- inside

  private async mustGet(tx: StoreCollections, c: ResourceCollection, id: string): Promise<ResourceRecord> {
    const rec = await tx.resources.byId(c.objectType, id);
    if (!rec) throw new ResourceError('notFound', `No ${c.objectType} ${id}.`);
    return rec;
  }

  /** The fields a client sets: the model's, without id, times, creators and computed fields. */
  private clientFields(c: ResourceCollection, input: Obj): Obj {
    const missing = c.required.filter((f) => input[f] === undefined || input[f] === null || input[f] === '');
    if (missing.length) {
      throw new ResourceError('invalid', missing.map((f) => `body /${f}: a ${c.objectType} needs a ${f}`).join('; '),
        missing.map((f) => ({ in: 'body', pointer: `/${f}`, rule: 'required', message: `a ${c.objectType} needs a ${f}` })));
    }
    const body = structuredClone(input);
    for (const k of Object.keys(body)) if (!c.fields.includes(k)) delete body[k];
    for (const k of ['id', 'createdAt', 'createdBy', 'modifiedAt', 'modifiedBy', ...c.outputOnly]) delete body[k];
    if (c.content?.inlineField) delete body[c.content.inlineField];
    if (c.content?.lengthField) delete body[c.content.lengthField];
    if (c.content?.languagesField) setPathDeleted(body, c.content.languagesField);
    if (c.content?.linkField) setPathDeleted(body, c.content.linkField);
    return body;
  }

  private referencesOf(c: ResourceCollection, body: Obj): Array<Pick<ResourceReference, 'field' | 'toType' | 'toId'>> {
    return c.references.flatMap((r) => matchPointer(body, r.pointer).map((m) => ({ field: m.pointer, toType: this.collection(r.collection).objectType, toId: m.value })));
  }

  private async checkReferences(tx: StoreCollections, c: ResourceCollection, body: Obj): Promise<void> {
    const problems: ResourceProblem[] = [];
    for (const r of c.references) {
      const target = this.collection(r.collection);
      for (const m of matchPointer(body, r.pointer)) {
        if (!(await tx.resources.byId(target.objectType, m.value))) {
          problems.push({ in: 'body', pointer: m.pointer, rule: 'reference', message: `no ${target.objectType} ${m.value}` });
        }
      }
    }
    if (problems.length) throw new ResourceError('invalid', problems.map((p) => `body ${p.pointer}: ${p.message}`).join('; '), problems);
  }

  private async checkUnique(tx: StoreCollections, c: ResourceCollection, body: Obj, exceptId: string | null): Promise<void> {
    for (const field of c.unique) {
      const value = body[field];
      if (typeof value !== 'string') continue;
      const page = await tx.resources.query({
        type: c.objectType, properties: { ...c.properties, [field]: { path: field, kind: 'text' } },
        filter: { type: 'and', nodes: [{ condition: { key: field, operator: 'equalTo', values: [value] } }] }, sort: { field: 'id', direction: 'asc' }, page: 0, size: 2,
      });
      const other = page.content.find((r) => r.id !== exceptId);
      if (other) {
        throw new ResourceError('conflict', `A ${c.objectType} with ${field} "${value}" exists already (${other.id}).`,
          [{ in: 'body', pointer: `/${field}`, rule: 'unique', message: `${c.objectType} ${other.id} has it` }]);
      }
    }
  }

  private async clearDefault(tx: StoreCollections, c: ResourceCollection, exceptId: string | null, userId: string, at: string): Promise<void> {
    const flag = c.defaultFlag!;
    const page = await tx.resources.query({
      type: c.objectType, properties: { ...c.properties, [flag]: { path: flag, kind: 'boolean' } },
      filter: { type: 'and', nodes: [{ condition: { key: flag, operator: 'isTrue' } }] }, sort: { field: 'id', direction: 'asc' }, page: 0, size: 1000,
    });
    for (const r of page.content) {
      if (r.id !== exceptId) await tx.resources.update({ ...r, body: { ...r.body, [flag]: false }, modifiedAt: at, modifiedBy: userId });
    }
  }

  /** Who uses an object: objects of the collections (stored references) and flows (from their definitions). */
  private async inboundOf(tx: StoreCollections, type: string, id: string): Promise<ResourceReference[]> {
    const stored = await tx.resources.referencesTo(type, id);
    const fromFlows: ResourceReference[] = [];
    for (const f of [...this.flows().values()].sort((a, b) => a.def.id.localeCompare(b.def.id))) {
      for (const r of flowReferences(f)) if (r.toType === type && r.toId === id) fromFlows.push({ fromType: 'flow', fromId: f.def.id, ...r });
    }
    return [...stored, ...fromFlows];
  }

  private async outboundOf(tx: StoreCollections, type: string, id: string): Promise<ResourceReference[]> {
    if (type === 'flow') {
      const f = this.flows().get(id);
      return f ? flowReferences(f).map((r) => ({ fromType: 'flow', fromId: id, ...r })) : [];
    }
    return tx.resources.referencesFrom(type, id);
  }

  /** An object of a vendor type flowmock keeps outside the collections: its name and the users who created and changed it. */
  private async otherObject(tx: StoreCollections, type: string, id: string): Promise<{ displayName: string; users: string[] } | null> {
    const named = (displayName: string, ...users: Array<string | null | undefined>) =>
      ({ displayName, users: [...new Set(users.filter((u): u is string => typeof u === 'string' && u !== ''))] });
    switch (type) {
      case 'printer': { const r = await tx.printers.byId(id); return r && named(r.displayName, r.createdBy, r.modifiedBy); }
      case 'user': { const r = await tx.users.byId(id); return r && named(r.displayName); }
      case 'document': { const r = await tx.documents.byId(id); return r && named(r.displayName, r.createdBy); }
      case 'data': { const r = await tx.data.byId(id); return r && named(r.displayName, r.createdBy, r.modifiedBy); }
      default: return null;
    }
  }

  private async refOf(tx: StoreCollections, type: string, id: string): Promise<ObjectRef> {
    if (type === 'flow') return { id, displayName: this.flows().get(id)?.def.displayName ?? id, type };
    if (!this.byType.has(type)) return { id, displayName: (await this.otherObject(tx, type, id))?.displayName ?? id, type };
    const rec = await tx.resources.byId(type, id);
    const name = rec?.body.displayName;
    return { id, displayName: typeof name === 'string' ? name : id, type };
  }

  private async view(tx: StoreCollections, c: ResourceCollection, rec: ResourceRecord): Promise<ResourceView> {
    const computed: Obj = {};
    const spec = c.content;
    if (spec) {
      if (spec.slots === 'single' && (spec.typeField || spec.lengthField)) {
        const latest = await tx.resources.contentHistory(c.objectType, rec.id, '');
        if (latest.length) {
          if (spec.typeField) computed[spec.typeField] = latest[0].contentType;
          if (spec.lengthField) computed[spec.lengthField] = latest[0].size;
        } else if (spec.lengthField) {
          computed[spec.lengthField] = 0;
        }
      }
      if (spec.slots === 'language' && (spec.languagesField || spec.linkField)) {
        const slots = await tx.resources.contentSlots(c.objectType, rec.id);
        const extra: Obj = {};
        if (spec.languagesField) setPath(extra, spec.languagesField, slots);
        if (spec.linkField && slots.length) setPath(extra, spec.linkField, `${c.path}/${encodeURIComponent(rec.id)}/content`);
        Object.assign(computed, mergeDeep(structuredClone(rec.body), extra));
      }
    }
    return { record: rec, computed };
  }
}

function setPathDeleted(o: Obj, dotted: string): void {
  const keys = dotted.split('.');
  const parent = getPath(o, keys.slice(0, -1).join('.')) ?? (keys.length === 1 ? o : undefined);
  if (isObj(parent)) delete parent[keys[keys.length - 1]];
}

/** `extra`'s fields over `base`'s, object by object; returns the top-level fields `extra` touched. */
function mergeDeep(base: Obj, extra: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(extra)) {
    out[k] = isObj(v) && isObj(base[k]) ? { ...(base[k] as Obj), ...mergeDeep(base[k] as Obj, v) } : v;
  }
  return out;
}

/** JSON pointers in document order, array indexes as numbers. */
function comparePointers(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    const nx = /^\d+$/.test(x[i]) ? Number(x[i]) : NaN;
    const ny = /^\d+$/.test(y[i]) ? Number(y[i]) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = out.get(k);
    if (list) list.push(i);
    else out.set(k, [i]);
  }
  return out;
}
