/**
 * CreateExport, PrepareImport and ExecuteImport (src/engine/system/export-import.ts): the export
 * of the objects an ArchiveRequest names (all when it names none) with what they use, checking
 * such a file and keeping it for the import (ImportInformation: what it holds, what this server
 * lacks), and importing it as a RestoreContext says.
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { ProblemError, invalidField } from '../../handler-contract/problem.js';
import { principalOf } from '../../handler-contract/handler-types.js';
import type { components } from '../../../generated/openapi-types.js';
import {
  ExchangeError, createExport, executeImport, importInformation, keepPrepared, preparedArchive, readExport, type ExportFile, type RestoreContext,
} from '../../engine/system/export-import.js';

const problemOf = (err: unknown): unknown => {
  if (!(err instanceof ExchangeError)) return err;
  if (err.tooLarge) return new ProblemError(413, `The archive is too large: ${err.message}.`);
  return invalidField(err.where, err.pointer, err.rule, err.message);
};

export const exportImportHandlers: Pick<Handlers, 'CreateExport' | 'PrepareImport' | 'ExecuteImport'> = {
  async CreateExport(ctx) {
    const { store, resources, now } = ctx.services;
    const user = principalOf(ctx).user;
    const at = now();
    try {
      const { bytes } = await createExport(store, resources.collections(), ctx.body?.items ?? [], {
        includeHistory: ctx.query.includeHistory === true, includeSensitiveData: ctx.query.includeSensitiveData === true,
        includeUserData: ctx.query.includeUserData === true, now: at, by: { id: user.id, displayName: user.displayName, type: 'user' },
      });
      const stamp = at.toISOString().replace(/[:.]/g, '-');
      return { status: 200, contentType: 'application/octet-stream', headers: { 'Content-Disposition': `attachment; filename="flowmock-export-${stamp}.json.gz"` }, body: bytes };
    } catch (err) {
      throw problemOf(err);
    }
  },

  async PrepareImport(ctx) {
    const { store, resources, now } = ctx.services;
    const bytes = ctx.rawBody ?? Buffer.alloc(0);
    let file: ExportFile;
    try {
      file = readExport(bytes, resources.collections(), { in: 'body', base: '' });
    } catch (err) {
      throw problemOf(err);
    }
    const info = await importInformation(store, resources.collections(), file);
    const hash = await keepPrepared(store, bytes, now());
    return { status: 200, headers: { 'X-Flowmock-Archive-Sha256': hash }, body: info as components['schemas']['ImportInformation'] };
  },

  async ExecuteImport(ctx) {
    const { store, resources, flowCatalog } = ctx.services;
    const body = (ctx.body ?? {}) as RestoreContext;
    try {
      let bytes: Buffer;
      if (body.archive !== undefined) {
        bytes = Buffer.from(body.archive, 'base64');
      } else {
        const prepared = await preparedArchive(store);
        if (!prepared) throw new ExchangeError('body', '/archive', 'required', 'no archive was prepared (POST /api/v1/system/import/prepare) and the body carries none');
        bytes = prepared.bytes;
      }
      const file = readExport(bytes, resources.collections(), { in: 'body', base: '/archive' });
      const result = await executeImport(store, resources.collections(), file, body);
      if (result.imported.apiFlows > 0) await flowCatalog.load();
      // The skipped items' types come from the archive, whose items name vendor object types.
      return { status: 200, body: { imported: result.imported, skipped: result.skipped as Array<components['schemas']['IdWithName']> } };
    } catch (err) {
      throw problemOf(err);
    }
  },
};
