/**
 * CreateBackup and RestoreBackup: the project's configuration as one gzip'd JSON archive
 * (src/engine/system/backup.ts: the regular collections with references and content, printers,
 * API flows; never users, keys or runs). A restore reloads the API flows into the flow catalog.
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { ProblemError, invalidField } from '../../handler-contract/problem.js';
import { BackupError, createBackup, readBackup, restoreBackup } from '../../engine/system/backup.js';

export const backupHandlers: Pick<Handlers, 'CreateBackup' | 'RestoreBackup'> = {
  async CreateBackup(ctx) {
    const { store, resources, now } = ctx.services;
    const at = now();
    const { bytes } = await createBackup(store, resources.collections(), { includeHistory: ctx.query.includeHistory === true, now: at });
    const stamp = at.toISOString().replace(/[:.]/g, '-');
    return {
      status: 200,
      contentType: 'application/octet-stream',
      headers: { 'Content-Disposition': `attachment; filename="flowmock-backup-${stamp}.json.gz"` },
      body: bytes,
    };
  },

  async RestoreBackup(ctx) {
    const { store, resources, flowCatalog } = ctx.services;
    let archive;
    try {
      archive = readBackup(ctx.rawBody ?? Buffer.alloc(0), resources.collections());
    } catch (err) {
      if (!(err instanceof BackupError)) throw err;
      if (err.tooLarge) throw new ProblemError(413, `The backup is too large: ${err.message}.`);
      throw invalidField('body', err.pointer, 'backup', err.message);
    }
    const counts = await restoreBackup(store, resources.collections(), archive);
    await flowCatalog.load();
    return { status: 200, body: { restored: counts } };
  },
};
