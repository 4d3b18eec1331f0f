/**
 * The regular collections (ResourceStore in types.ts) on SQLite: objects as JSON bodies keyed by
 * (type, id), the references between objects, and revisions of binary content.
 */
import type Database from 'better-sqlite3';
import type { Page, ResourceContentRecord, ResourceRecord, ResourceReference, ResourceStore } from './types.js';
import type { Synchronous } from './synchronous.js';
import { resourceQuerySql, SQLITE_RESOURCE_DIALECT } from './resource-query.js';
import { contentFromRow, refFromRow, resourceFromRow, type ResourceContentRow, type ResourceRefRow, type ResourceRow } from './resource-rows.js';

export const RESOURCES_MIGRATION_SQL = `
  CREATE TABLE resources (
    type        TEXT NOT NULL,
    id          TEXT NOT NULL,
    body        TEXT NOT NULL,  -- JSON: the model's client-set fields
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    PRIMARY KEY (type, id)
  );
  CREATE TABLE resource_refs (
    from_type TEXT NOT NULL,
    from_id   TEXT NOT NULL,
    field     TEXT NOT NULL,
    to_type   TEXT NOT NULL,
    to_id     TEXT NOT NULL,
    PRIMARY KEY (from_type, from_id, field, to_type, to_id)
  );
  CREATE INDEX resource_refs_to ON resource_refs (to_type, to_id);
  CREATE TABLE resource_contents (
    type         TEXT NOT NULL,
    id           TEXT NOT NULL,
    slot         TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    description  TEXT,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    content      BLOB NOT NULL,
    PRIMARY KEY (type, id, slot, revision)
  );
`;

export function createResourceStore(db: Database.Database): Synchronous<ResourceStore> {
  const s = {
    byId: db.prepare('SELECT * FROM resources WHERE type = ? AND id = ?'),
    insert: db.prepare(`INSERT INTO resources (type, id, body, created_at, created_by, modified_at, modified_by)
      VALUES (@type, @id, @body, @createdAt, @createdBy, @modifiedAt, @modifiedBy)`),
    update: db.prepare('UPDATE resources SET body = @body, modified_at = @modifiedAt, modified_by = @modifiedBy WHERE type = @type AND id = @id'),
    delete: db.prepare('DELETE FROM resources WHERE type = ? AND id = ?'),
    deleteRefsFrom: db.prepare('DELETE FROM resource_refs WHERE from_type = ? AND from_id = ?'),
    deleteContents: db.prepare('DELETE FROM resource_contents WHERE type = ? AND id = ?'),
    count: db.prepare('SELECT COUNT(*) FROM resources WHERE type = ?').pluck(),
    insertRef: db.prepare('INSERT OR IGNORE INTO resource_refs (from_type, from_id, field, to_type, to_id) VALUES (?, ?, ?, ?, ?)'),
    refsFrom: db.prepare('SELECT * FROM resource_refs WHERE from_type = ? AND from_id = ? ORDER BY field, to_type, to_id'),
    refsTo: db.prepare('SELECT * FROM resource_refs WHERE to_type = ? AND to_id = ? ORDER BY from_type, from_id, field'),
    nextRevision: db.prepare('SELECT COALESCE(MAX(revision), 0) + 1 FROM resource_contents WHERE type = ? AND id = ? AND slot = ?').pluck(),
    insertContent: db.prepare(`INSERT INTO resource_contents (type, id, slot, revision, description, content_type, size, created_at, created_by, content)
      VALUES (@type, @id, @slot, @revision, @description, @contentType, @size, @createdAt, @createdBy, @content)`),
    latestContent: db.prepare('SELECT * FROM resource_contents WHERE type = ? AND id = ? AND slot = ? ORDER BY revision DESC LIMIT 1'),
    revisionContent: db.prepare('SELECT * FROM resource_contents WHERE type = ? AND id = ? AND slot = ? AND revision = ?'),
    history: db.prepare(`SELECT type, id, slot, revision, description, content_type, size, created_at, created_by
      FROM resource_contents WHERE type = ? AND id = ? AND slot = ? ORDER BY revision DESC`),
    slots: db.prepare('SELECT DISTINCT slot FROM resource_contents WHERE type = ? AND id = ? ORDER BY slot').pluck(),
    deleteSlot: db.prepare('DELETE FROM resource_contents WHERE type = ? AND id = ? AND slot = ?'),
  };
  const params = (r: ResourceRecord) => ({ ...r, body: JSON.stringify(r.body) });
  // Several statements that belong together: one transaction (a savepoint inside an open one).
  const deleteAll = db.transaction((type: string, id: string): boolean => {
    s.deleteRefsFrom.run(type, id);
    s.deleteContents.run(type, id);
    return s.delete.run(type, id).changes > 0;
  });
  const replaceRefs = db.transaction((fromType: string, fromId: string, refs: Array<Pick<ResourceReference, 'field' | 'toType' | 'toId'>>) => {
    s.deleteRefsFrom.run(fromType, fromId);
    for (const r of refs) s.insertRef.run(fromType, fromId, r.field, r.toType, r.toId);
  });
  const addContent = db.transaction((c: Omit<ResourceContentRecord, 'revision' | 'size'>, content: Buffer): ResourceContentRecord => {
    const revision = s.nextRevision.get(c.type, c.id, c.slot) as number;
    const record: ResourceContentRecord = { ...c, revision, size: content.length };
    s.insertContent.run({ ...record, content });
    return record;
  });
  // The lists' statements, by SQL text (one per collection, filter shape and sort), prepared once:
  // preparing cost a list ~2% of its CPU (issue 17's workload 10). The oldest goes when full.
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let stmt = statements.get(sql);
    if (!stmt) {
      if (statements.size >= 100) statements.delete(statements.keys().next().value as string);
      statements.set(sql, stmt = db.prepare(sql));
    }
    return stmt;
  };
  const runQuery = db.transaction((q: Parameters<ResourceStore['query']>[0]): Page<ResourceRecord> => {
    const { where, orderBy, params: values } = resourceQuerySql(q, SQLITE_RESOURCE_DIALECT);
    // The total rides on the page's rows (a window count): the filter, a json_extract per object,
    // is evaluated in one scan instead of two. Only a page past the end has no row to carry it.
    const rows = prepared(`SELECT *, COUNT(*) OVER () AS total_count FROM resources WHERE ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`)
      .all(...values, q.size, q.page * q.size) as Array<ResourceRow & { total_count: number }>;
    const total = rows.length ? rows[0].total_count : prepared(`SELECT COUNT(*) FROM resources WHERE ${where}`).pluck().get(...values) as number;
    return { content: rows.map(resourceFromRow), number: q.page, size: q.size, totalElements: total, totalPages: Math.ceil(total / q.size) };
  });

  return {
    insert: (r) => { s.insert.run(params(r)); },
    byId: (type, id) => {
      const r = s.byId.get(type, id) as ResourceRow | undefined;
      return r ? resourceFromRow(r) : null;
    },
    update: (r) => s.update.run(params(r)).changes > 0,
    delete: (type, id) => deleteAll(type, id),
    query: (q) => runQuery(q),
    count: (type) => s.count.get(type) as number,
    setReferences: (fromType, fromId, refs) => { replaceRefs(fromType, fromId, refs); },
    referencesFrom: (type, id) => (s.refsFrom.all(type, id) as ResourceRefRow[]).map(refFromRow),
    referencesTo: (type, id) => (s.refsTo.all(type, id) as ResourceRefRow[]).map(refFromRow),
    putContent: (c, content) => addContent(c, content),
    content: (type, id, slot, revision) => {
      const r = (revision === undefined ? s.latestContent.get(type, id, slot) : s.revisionContent.get(type, id, slot, revision)) as ResourceContentRow | undefined;
      return r ? { record: contentFromRow(r), content: r.content! } : null;
    },
    contentHistory: (type, id, slot) => (s.history.all(type, id, slot) as ResourceContentRow[]).map(contentFromRow),
    contentSlots: (type, id) => s.slots.all(type, id) as string[],
    deleteContent: (type, id, slot) => s.deleteSlot.run(type, id, slot).changes,
  };
}
