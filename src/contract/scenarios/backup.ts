/**
 * Smart Flows backup and restore (issue 13): CreateBackup answers a gzip'd JSON archive; restoring
 * it at once changes nothing a later backup can see; bytes that are not an archive are a 400.
 * Restoring the archive just taken keeps whatever the other scenarios made. Prism's proxy
 * re-encodes binary bodies as UTF-8 text (unreachable.ts, PRISM_LIMITATIONS), so the archive's
 * bytes are read from, and sent to, the server directly; the proxy sees the answers' shapes.
 */
import { gunzipSync } from 'node:zlib';
import type { Scenario } from '../context.js';
import { credentialHeaders } from '../harness/client.js';
import { apiKey, ensure, expectStatus, mustStatus, needsAdminKey } from '../scenario-kit.js';

export const backupScenario: Scenario = {
  name: 'smartflows: backup and restore (archive, round trip, a body that is not an archive)',
  api: 'smartflows',
  skip: needsAdminKey,
  async run(ctx) {
    const creds = apiKey(ctx.main.fixtures.keys.admin);
    const admin = ctx.main.strict.as(creds);
    const direct = (path: string, init: RequestInit = {}) =>
      fetch(new URL(path, ctx.main.upstreamUrl), { ...init, headers: { ...credentialHeaders(creds), ...(init.headers as Record<string, string> | undefined) } });
    const take = async (what: string) => {
      const res = await direct('/api/v1/system/backup?includeHistory=true', { method: 'POST' });
      const bytes = Buffer.from(await res.arrayBuffer());
      let archive: Record<string, unknown> | null = null;
      try { archive = JSON.parse(gunzipSync(bytes).toString('utf8')) as Record<string, unknown>; } catch { /* recorded below */ }
      ensure(ctx, 'behaves_as_documented', res.status === 200 && archive?.format === 'flowmock-backup', `${what} answers a gzip'd JSON flowmock-backup archive`, 'CreateBackup');
      return { bytes, state: archive ? JSON.stringify({ ...archive, createdAt: null }) : '' };
    };
    const proxied = await admin.POST('/api/v1/system/backup', { parseAs: 'arrayBuffer' });
    mustStatus(ctx, proxied.response, 200, 'CreateBackup');
    ensure(ctx, 'behaves_as_documented', proxied.response.headers.get('content-type')?.startsWith('application/octet-stream') === true, 'CreateBackup answers application/octet-stream', 'CreateBackup');

    const first = await take('CreateBackup');
    const restored = await direct('/api/v1/system/backup/restore', { method: 'POST', body: first.bytes, headers: { 'Content-Type': 'application/octet-stream' } });
    ensure(ctx, 'behaves_as_documented', restored.status === 200, `RestoreBackup of the archive just taken answers 200 (got ${restored.status})`, 'RestoreBackup');
    const again = await take('CreateBackup after the restore');
    ensure(ctx, 'behaves_as_documented', again.state === first.state, 'a restore makes the collections equal to the archive', 'RestoreBackup');

    const notArchive = await admin.POST('/api/v1/system/backup/restore', {
      body: 'not a gzip archive' as unknown as string, bodySerializer: (b: unknown) => b as string, headers: { 'Content-Type': 'application/octet-stream' },
    });
    expectStatus(ctx, notArchive.response, 400, 'RestoreBackup of bytes that are not an archive');
  },
};
