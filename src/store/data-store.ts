/**
 * Data objects (the vendor's Data): the input an execution received, stored with its media type
 * so that `state.inputData` can name it and `/data/{dataId}/content` can give it back unchanged.
 */
import type Database from 'better-sqlite3';
import type { DataRecord, DataStore } from './types.js';
import type { Synchronous } from './synchronous.js';

export const DATA_MIGRATION_SQL = `
  CREATE TABLE data_objects (
    id           TEXT PRIMARY KEY,
    execution_id TEXT REFERENCES executions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    usage        TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description  TEXT,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    modified_at  TEXT NOT NULL,
    modified_by  TEXT NOT NULL,
    expiration   TEXT,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    content      BLOB NOT NULL    -- only read by data.content()
  );
  CREATE INDEX data_objects_execution_id ON data_objects (execution_id);
  CREATE INDEX data_objects_created_by ON data_objects (created_by, created_at);
`;

interface DataRow {
  id: string; execution_id: string | null; usage: string; display_name: string; description: string | null;
  created_at: string; created_by: string; modified_at: string; modified_by: string; expiration: string | null;
  content_type: string; size: number;
}
const COLUMNS = 'id, execution_id, usage, display_name, description, created_at, created_by, modified_at, modified_by, expiration, content_type, size';

const fromRow = (r: DataRow): DataRecord => ({
  id: r.id, executionId: r.execution_id, usage: r.usage as DataRecord['usage'], displayName: r.display_name,
  description: r.description, createdAt: r.created_at, createdBy: r.created_by, modifiedAt: r.modified_at,
  modifiedBy: r.modified_by, expiration: r.expiration, contentType: r.content_type, size: r.size,
});

export function createDataStore(db: Database.Database): Synchronous<DataStore> {
  const s = {
    insert: db.prepare(`INSERT INTO data_objects (${COLUMNS}, content) VALUES
      (@id, @execution_id, @usage, @display_name, @description, @created_at, @created_by, @modified_at, @modified_by, @expiration, @content_type, @size, @content)`),
    byId: db.prepare(`SELECT ${COLUMNS} FROM data_objects WHERE id = ?`),
    content: db.prepare('SELECT content FROM data_objects WHERE id = ?').pluck(),
    inputOf: db.prepare(`SELECT ${COLUMNS} FROM data_objects WHERE execution_id = ? AND usage = 'flowExecutionInput' ORDER BY created_at LIMIT 1`),
    update: db.prepare(`UPDATE data_objects SET display_name = @display_name, description = @description, expiration = @expiration,
      modified_at = @modified_at, modified_by = @modified_by WHERE id = @id`),
    delete: db.prepare('DELETE FROM data_objects WHERE id = ?'),
    deleteByExecution: db.prepare('DELETE FROM data_objects WHERE execution_id = @execution_id AND usage IN (SELECT value FROM json_each(@usages))'),
    list: db.prepare(`SELECT ${COLUMNS} FROM data_objects WHERE (@owner IS NULL OR created_by = @owner) ORDER BY created_at DESC, id DESC LIMIT @limit`),
  };
  return {
    insert: (d, content) => {
      s.insert.run({
        id: d.id, execution_id: d.executionId, usage: d.usage, display_name: d.displayName, description: d.description,
        created_at: d.createdAt, created_by: d.createdBy, modified_at: d.modifiedAt, modified_by: d.modifiedBy,
        expiration: d.expiration, content_type: d.contentType, size: content.length, content,
      });
    },
    byId: (id) => {
      const row = s.byId.get(id) as DataRow | undefined;
      return row ? fromRow(row) : null;
    },
    content: (id) => (s.content.get(id) as Buffer | undefined) ?? null,
    inputOf: (executionId) => {
      const row = s.inputOf.get(executionId) as DataRow | undefined;
      return row ? fromRow(row) : null;
    },
    update: (d) => {
      const { changes } = s.update.run({
        id: d.id, display_name: d.displayName, description: d.description, expiration: d.expiration,
        modified_at: d.modifiedAt, modified_by: d.modifiedBy,
      });
      if (changes === 0) throw new Error(`data ${d.id} not found`);
    },
    delete: (id) => s.delete.run(id).changes > 0,
    deleteByExecution: (executionId, usages) => s.deleteByExecution.run({ execution_id: executionId, usages: JSON.stringify(usages) }).changes,
    list: (ownerId, limit) => (s.list.all({ owner: ownerId, limit }) as DataRow[]).map(fromRow),
  };
}
