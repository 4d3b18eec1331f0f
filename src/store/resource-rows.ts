/**
 * The rows of the regular collections' tables (resources, resource_refs, resource_contents) as
 * both backends read them, and how they become the store's records: one mapping for SQLite
 * (resource-store.ts) and PostgreSQL (postgres/pg-resources.ts), whose tables are the same.
 */
import type { ResourceContentRecord, ResourceRecord, ResourceReference } from './types.js';

export interface ResourceRow { type: string; id: string; body: string; created_at: string; created_by: string; modified_at: string; modified_by: string }
export interface ResourceRefRow { from_type: string; from_id: string; field: string; to_type: string; to_id: string }
/** `size` and `revision` may come back as text from PostgreSQL (BIGINT); they are numbers once mapped. */
export interface ResourceContentRow {
  type: string; id: string; slot: string; revision: number; description: string | null; content_type: string;
  size: number | string; created_at: string; created_by: string; content?: Buffer;
}

/** The content columns without the bytes (listings and history). */
export const CONTENT_META = 'type, id, slot, revision, description, content_type, size, created_at, created_by';

export const resourceFromRow = (r: ResourceRow): ResourceRecord => ({
  type: r.type, id: r.id, body: JSON.parse(r.body) as Record<string, unknown>,
  createdAt: r.created_at, createdBy: r.created_by, modifiedAt: r.modified_at, modifiedBy: r.modified_by,
});
export const refFromRow = (r: ResourceRefRow): ResourceReference => ({ fromType: r.from_type, fromId: r.from_id, field: r.field, toType: r.to_type, toId: r.to_id });
export const contentFromRow = (r: ResourceContentRow): ResourceContentRecord => ({
  type: r.type, id: r.id, slot: r.slot, revision: Number(r.revision), description: r.description, contentType: r.content_type,
  size: Number(r.size), createdAt: r.created_at, createdBy: r.created_by,
});
