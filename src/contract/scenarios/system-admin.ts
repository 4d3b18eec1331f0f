/**
 * Smart Flows administration of the installation (issue 13): the settings (whole, public, per
 * part: set, read back, clear), with the 4xx of a part that does not exist, a field its model
 * lacks and a read-only part. The scenario leaves the parts it touched as it found them. The
 * licence: the one in force, installing a flowmock-license file (a ten-year one without limits,
 * so the notices of later scenarios do not change) and one whose checksum does not match; the
 * current notification. RunCleanup of one action whose age (the default 30 days) nothing made by
 * this run reaches, so it removes nothing other scenarios use; an unknown action is a 400.
 * Export and import: an export of one seeded data set (through the proxy for its shape, straight
 * from the server for its bytes: PRISM_LIMITATIONS, binary bodies), PrepareImport of it on the
 * server, ExecuteImport of it through the proxy (the archive travels as base64 in JSON): it
 * exists already, so it is skipped and nothing changes; the 400s of each. The system printers:
 * the list (with details, sorted), one by id, and the 404 of an unknown one.
 */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, ensure, expectStatus, needsAdminKey } from '../scenario-kit.js';
import { credentialHeaders } from '../harness/client.js';
import { LICENSE_FORMAT, LICENSE_VERSION, licenseChecksum } from '../../engine/system/license.js';

const octets = (text: string) => ({ body: text as unknown as string, bodySerializer: (b: unknown) => b as string, headers: { 'Content-Type': 'application/octet-stream' } });

export const systemAdminScenario: Scenario = {
  name: 'smartflows: settings (whole, public, per part: update, read back, clear), licence, notifications, cleanup, export and import, system printers',
  api: 'smartflows',
  skip: needsAdminKey,
  async run(ctx) {
    const api = asAdmin(ctx);
    const anonymous = ctx.main.strict.as(null);

    const all = await api.GET('/api/v1/settings');
    if (expectStatus(ctx, all.response, 200, 'GetSettings')) {
      ensure(ctx, 'behaves_as_documented', typeof all.data?.project === 'object' && typeof all.data?.counters === 'object', 'GetSettings answers every part, counters included', 'GetSettings');
    }
    const pub = await anonymous.GET('/api/v1/settings/public');
    if (expectStatus(ctx, pub.response, 200, 'GetPublicSettings')) {
      ensure(ctx, 'behaves_as_documented', typeof pub.data?.systemLanguage?.code === 'string', 'GetPublicSettings names the system language', 'GetPublicSettings');
    }

    const path = { params: { path: { settingsType: 'frontend' } } };
    const before = await api.GET('/api/v1/settings/{settingsType}', path);
    expectStatus(ctx, before.response, 200, 'GetSubSettings frontend');
    const frontend = { contractRun: ctx.seed, columns: ['id', 'status'] };
    const put = await api.PUT('/api/v1/settings/{settingsType}', { ...path, body: frontend });
    if (expectStatus(ctx, put.response, 200, 'UpdateSubSettings frontend')) {
      const back = await api.GET('/api/v1/settings/{settingsType}', path);
      ensure(ctx, 'behaves_as_documented', JSON.stringify(back.data) === JSON.stringify(frontend), 'GetSubSettings answers what UpdateSubSettings stored', 'UpdateSubSettings');
    }
    const cleared = await api.DELETE('/api/v1/settings/{settingsType}', path);
    if (expectStatus(ctx, cleared.response, 200, 'ClearSubSettings frontend')) {
      ensure(ctx, 'behaves_as_documented', JSON.stringify(cleared.data) === '{}', 'ClearSubSettings answers the defaults', 'ClearSubSettings');
    }
    if (before.data && JSON.stringify(before.data) !== '{}') await api.PUT('/api/v1/settings/{settingsType}', { ...path, body: before.data });

    const nope = { params: { path: { settingsType: 'noSuchPart' } } };
    expectStatus(ctx, (await api.GET('/api/v1/settings/{settingsType}', nope)).response, 404, 'GetSubSettings of a type that is no part of Settings');
    expectStatus(ctx, (await api.PUT('/api/v1/settings/{settingsType}', { ...nope, body: {} })).response, 404, 'UpdateSubSettings of a type that is no part of Settings');
    expectStatus(ctx, (await api.DELETE('/api/v1/settings/{settingsType}', nope)).response, 404, 'ClearSubSettings of a type that is no part of Settings');
    const project = { params: { path: { settingsType: 'project' } } };
    expectStatus(ctx, (await api.PUT('/api/v1/settings/{settingsType}', { ...project, body: { colour: 'red' } })).response, 400, 'UpdateSubSettings with a field ProjectSettings lacks');
    expectStatus(ctx, (await api.DELETE('/api/v1/settings/{settingsType}', { params: { path: { settingsType: 'counters' } } })).response, 400, 'ClearSubSettings of the read-only counters');

    const lic = await anonymous.GET('/api/v1/system/license');
    if (expectStatus(ctx, lic.response, 200, 'GetLicense')) ensure(ctx, 'behaves_as_documented', typeof lic.data?.valid === 'boolean', 'GetLicense says whether the licence is valid', 'GetLicense');
    const fields = {
      format: LICENSE_FORMAT, version: LICENSE_VERSION, id: `contract-${ctx.seed}`, displayName: 'Contract run licence', edition: 'sandbox',
      expiry: new Date(Date.now() + 3650 * 24 * 3600 * 1000).toISOString(), plugins: ['DocuSign'],
    };
    const file = JSON.stringify({ ...fields, checksum: licenseChecksum(fields) });
    const installed = await api.POST('/api/v1/system/license', octets(file));
    if (expectStatus(ctx, installed.response, 200, 'InstallLicense')) {
      const now = await anonymous.GET('/api/v1/system/license');
      ensure(ctx, 'behaves_as_documented', now.data?.id === fields.id && now.data?.valid === true, 'GetLicense answers the licence InstallLicense installed', 'InstallLicense');
    }
    const altered = JSON.stringify({ ...fields, edition: 'enterprise', checksum: licenseChecksum(fields) });
    expectStatus(ctx, (await api.POST('/api/v1/system/license', octets(altered))).response, 400, 'InstallLicense of a licence changed after it was issued');
    const notice = await anonymous.GET('/api/v1/system/notifications');
    if (expectStatus(ctx, notice.response, 200, 'GetNotifications')) {
      ensure(ctx, 'behaves_as_documented', typeof notice.data?.key === 'string' && typeof notice.data?.severity === 'string', 'GetNotifications answers a notice with a key and a severity', 'GetNotifications');
    }

    const cleanup = await api.GET('/api/v1/system/cleanup/run', { params: { query: { action: 'removeFullCancelled' } } });
    if (expectStatus(ctx, cleanup.response, 200, 'RunCleanup removeFullCancelled')) {
      ensure(ctx, 'behaves_as_documented', cleanup.data?.length === 1 && cleanup.data[0].action === 'removeFullCancelled' && cleanup.data[0].settings?.age?.timeUnit === 'days',
        'RunCleanup answers the action it ran with the settings it ran by', 'RunCleanup');
    }
    expectStatus(ctx, (await api.GET('/api/v1/system/cleanup/run', { params: { query: { action: 'removeEverything' } } })).response, 400, 'RunCleanup of an action the vendor does not have');

    const items = [{ id: 'crm-records', type: 'dataset' as const }];
    const proxiedExport = await api.POST('/api/v1/system/export', { body: { items }, parseAs: 'arrayBuffer' });
    expectStatus(ctx, proxiedExport.response, 200, 'CreateExport of a seeded data set');
    expectStatus(ctx, (await api.POST('/api/v1/system/export', { body: { items: [{ id: 'no-such-template', type: 'template' }] } })).response, 400, 'CreateExport of an object that does not exist');
    const creds = apiKey(ctx.main.fixtures.keys.admin);
    const direct = (path: string, init: RequestInit) =>
      fetch(new URL(path, ctx.main.upstreamUrl), { ...init, headers: { ...credentialHeaders(creds), ...(init.headers as Record<string, string> | undefined) } });
    const exported = await direct('/api/v1/system/export', { method: 'POST', body: JSON.stringify({ items }), headers: { 'Content-Type': 'application/json' } });
    const archive = Buffer.from(await exported.arrayBuffer());
    const prepared = await direct('/api/v1/system/import/prepare', { method: 'POST', body: archive, headers: { 'Content-Type': 'application/octet-stream' } });
    const info = prepared.status === 200 ? await prepared.json() as { topLevelItems?: Array<{ id: string }> } : null;
    ensure(ctx, 'behaves_as_documented', info?.topLevelItems?.[0]?.id === 'crm-records', `PrepareImport of the export names the data set as its top-level item (got ${prepared.status})`, 'PrepareImport');
    expectStatus(ctx, (await anonymous.POST('/api/v1/system/import/prepare', octets('not an archive'))).response, 400, 'PrepareImport of bytes that are not an export');
    const imported = await api.POST('/api/v1/system/import', { body: { archive: archive.toString('base64'), includeType: 'listed', listedItems: items } });
    if (expectStatus(ctx, imported.response, 200, 'ExecuteImport of the data set it already has')) {
      const skipped = (imported.data as { skipped?: Array<{ id: string }> } | undefined)?.skipped ?? [];
      ensure(ctx, 'behaves_as_documented', skipped.some((i) => i.id === 'crm-records'), 'ExecuteImport skips what exists without overwriteExisting', 'ExecuteImport');
    }
    expectStatus(ctx, (await api.POST('/api/v1/system/import', { body: { archive: archive.toString('base64'), includeType: 'listed', listedItems: [{ id: 'not-in-the-archive' }] } })).response, 400,
      'ExecuteImport listing an item the archive does not hold');

    const printers = await api.GET('/api/v1/system/printers', { params: { query: { includeDetails: true, sort: 'id,asc' } } });
    if (expectStatus(ctx, printers.response, 200, 'GetSystemPrinters')) {
      ensure(ctx, 'behaves_as_documented', (printers.data ?? []).some((p) => p.id === 'generic-pdf' && p.printerInfo?.jps !== undefined), 'GetSystemPrinters lists generic-pdf with its details', 'GetSystemPrinters');
    }
    expectStatus(ctx, (await api.GET('/api/v1/system/printers', { params: { query: { sort: 'colour,asc' } } })).response, 400, 'GetSystemPrinters sorted by an unknown property');
    const one = await api.GET('/api/v1/system/printers/{printer}', { params: { path: { printer: 'generic-pdf' } } });
    if (expectStatus(ctx, one.response, 200, 'GetSystemPrinter generic-pdf')) ensure(ctx, 'behaves_as_documented', one.data?.printerInfo === undefined, 'GetSystemPrinter without includeDetails has no printerInfo', 'GetSystemPrinter');
    expectStatus(ctx, (await api.GET('/api/v1/system/printers/{printer}', { params: { path: { printer: 'no-such-device' } } })).response, 404, 'GetSystemPrinter of a device the server does not know');
  },
};
