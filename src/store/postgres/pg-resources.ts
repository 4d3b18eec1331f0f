/**
 * The regular collections (ResourceStore in ../types.ts) on PostgreSQL. Each method is one
 * statement (data-modifying CTEs where several tables change), so it is atomic on the pool as in
 * a transaction. Same tables and the same query translation (../resource-query.ts) as SQLite.
 */
import type pg from 'pg';
import type { Page, ResourceRecord, ResourceStore } from '../types.js';
import { POSTGRES_RESOURCE_DIALECT, resourceQuerySql } from '../resource-query.js';
import { CONTENT_META, contentFromRow, refFromRow, resourceFromRow, type ResourceContentRow, type ResourceRefRow, type ResourceRow } from '../resource-rows.js';

interface Querier {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export function createPgResourceStore(q: Querier): ResourceStore {
  const all = async <R extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<R[]> => (await q.query<R>(sql, values)).rows;
  return {
    insert: async (r) => {
      await q.query(`INSERT INTO resources (type, id, body, created_at, created_by, modified_at, modified_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [r.type, r.id, JSON.stringify(r.body), r.createdAt, r.createdBy, r.modifiedAt, r.modifiedBy]);
    },
    byId: async (type, id) => {
      const [r] = await all<ResourceRow>('SELECT * FROM resources WHERE type = $1 AND id = $2', [type, id]);
      return r ? resourceFromRow(r) : null;
    },
    update: async (r) => ((await q.query('UPDATE resources SET body = $3, modified_at = $4, modified_by = $5 WHERE type = $1 AND id = $2',
      [r.type, r.id, JSON.stringify(r.body), r.modifiedAt, r.modifiedBy])).rowCount ?? 0) > 0,
    delete: async (type, id) => (await all(`WITH refs AS (DELETE FROM resource_refs WHERE from_type = $1 AND from_id = $2),
        contents AS (DELETE FROM resource_contents WHERE type = $1 AND id = $2)
      DELETE FROM resources WHERE type = $1 AND id = $2 RETURNING id`, [type, id])).length > 0,
    query: async (qy): Promise<Page<ResourceRecord>> => {
      const { where, orderBy, params } = resourceQuerySql(qy, POSTGRES_RESOURCE_DIALECT);
      const [{ n }] = await all<{ n: string }>(`SELECT COUNT(*) AS n FROM resources WHERE ${where}`, params);
      const total = Number(n);
      const rows = await all<ResourceRow>(`SELECT * FROM resources WHERE ${where} ORDER BY ${orderBy} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, qy.size, qy.page * qy.size]);
      return { content: rows.map(resourceFromRow), number: qy.page, size: qy.size, totalElements: total, totalPages: Math.ceil(total / qy.size) };
    },
    count: async (type) => Number((await all<{ n: string }>('SELECT COUNT(*) AS n FROM resources WHERE type = $1', [type]))[0].n),
    setReferences: async (fromType, fromId, refs) => {
      // One statement: the references that stay are kept, the others deleted, the new ones added.
      await q.query(`WITH wanted (field, to_type, to_id) AS (SELECT * FROM unnest($3::text[], $4::text[], $5::text[])),
          gone AS (DELETE FROM resource_refs r WHERE r.from_type = $1 AND r.from_id = $2
            AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.field = r.field AND w.to_type = r.to_type AND w.to_id = r.to_id))
        INSERT INTO resource_refs (from_type, from_id, field, to_type, to_id)
          SELECT DISTINCT $1, $2, field, to_type, to_id FROM wanted ON CONFLICT DO NOTHING`,
      [fromType, fromId, refs.map((r) => r.field), refs.map((r) => r.toType), refs.map((r) => r.toId)]);
    },
    referencesFrom: async (type, id) => (await all<ResourceRefRow>('SELECT * FROM resource_refs WHERE from_type = $1 AND from_id = $2 ORDER BY field, to_type, to_id', [type, id])).map(refFromRow),
    referencesTo: async (type, id) => (await all<ResourceRefRow>('SELECT * FROM resource_refs WHERE to_type = $1 AND to_id = $2 ORDER BY from_type, from_id, field', [type, id])).map(refFromRow),
    putContent: async (c, content) => {
      const [row] = await all<ResourceContentRow>(`INSERT INTO resource_contents (type, id, slot, revision, description, content_type, size, created_at, created_by, content)
        SELECT $1, $2, $3, COALESCE(MAX(revision), 0) + 1, $4, $5, $6, $7, $8, $9 FROM resource_contents WHERE type = $1 AND id = $2 AND slot = $3
        RETURNING ${CONTENT_META}`,
      [c.type, c.id, c.slot, c.description, c.contentType, content.length, c.createdAt, c.createdBy, content]);
      return contentFromRow(row);
    },
    content: async (type, id, slot, revision) => {
      const [r] = revision === undefined
        ? await all<ResourceContentRow>('SELECT * FROM resource_contents WHERE type = $1 AND id = $2 AND slot = $3 ORDER BY revision DESC LIMIT 1', [type, id, slot])
        : await all<ResourceContentRow>('SELECT * FROM resource_contents WHERE type = $1 AND id = $2 AND slot = $3 AND revision = $4', [type, id, slot, revision]);
      return r ? { record: contentFromRow(r), content: r.content! } : null;
    },
    contentHistory: async (type, id, slot) => (await all<ResourceContentRow>(`SELECT ${CONTENT_META} FROM resource_contents
      WHERE type = $1 AND id = $2 AND slot = $3 ORDER BY revision DESC`, [type, id, slot])).map(contentFromRow),
    contentSlots: async (type, id) => (await all<{ slot: string }>('SELECT DISTINCT slot FROM resource_contents WHERE type = $1 AND id = $2 ORDER BY slot', [type, id])).map((r) => r.slot),
    deleteContent: async (type, id, slot) => (await q.query('DELETE FROM resource_contents WHERE type = $1 AND id = $2 AND slot = $3', [type, id, slot])).rowCount ?? 0,
  };
}
