/**
 * Flows created over the API (CreateFlow), on SQLite (ApiFlowStore in types.ts).
 */
import type Database from 'better-sqlite3';
import type { ApiFlowRecord, ApiFlowStore } from './types.js';
import type { Synchronous } from './synchronous.js';

export const API_FLOWS_MIGRATION_SQL = `
  CREATE TABLE api_flows (
    id          TEXT PRIMARY KEY,
    flow        TEXT NOT NULL,  -- JSON: the vendor Flow as sent
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL
  );
`;

interface Row { id: string; flow: string; created_at: string; created_by: string; modified_at: string; modified_by: string }

const fromRow = (r: Row): ApiFlowRecord => ({
  id: r.id, flow: JSON.parse(r.flow) as Record<string, unknown>,
  createdAt: r.created_at, createdBy: r.created_by, modifiedAt: r.modified_at, modifiedBy: r.modified_by,
});

export function createApiFlowStore(db: Database.Database): Synchronous<ApiFlowStore> {
  const s = {
    list: db.prepare('SELECT * FROM api_flows ORDER BY created_at, id'),
    byId: db.prepare('SELECT * FROM api_flows WHERE id = ?'),
    insert: db.prepare(`INSERT INTO api_flows (id, flow, created_at, created_by, modified_at, modified_by)
      VALUES (@id, @flow, @createdAt, @createdBy, @modifiedAt, @modifiedBy)`),
    update: db.prepare('UPDATE api_flows SET flow = @flow, modified_at = @modifiedAt, modified_by = @modifiedBy WHERE id = @id'),
    delete: db.prepare('DELETE FROM api_flows WHERE id = ?'),
  };
  return {
    list: () => (s.list.all() as Row[]).map(fromRow),
    byId: (id) => {
      const r = s.byId.get(id) as Row | undefined;
      return r ? fromRow(r) : null;
    },
    insert: (r) => { s.insert.run({ ...r, flow: JSON.stringify(r.flow) }); },
    update: (r) => s.update.run({ id: r.id, flow: JSON.stringify(r.flow), modifiedAt: r.modifiedAt, modifiedBy: r.modifiedBy }).changes > 0,
    delete: (id) => s.delete.run(id).changes > 0,
  };
}
