/** Smart Flows printers: administrators create, update and delete; users read; names are unique. */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, ensure, expectStatus, mustStatus, needsAdminKey, randomId } from '../scenario-kit.js';
import { followLocation } from '../location.js';

export const printersScenario: Scenario = {
  name: 'smartflows: printers (create, Location, conflict, update, delete)',
  api: 'smartflows',
  skip: needsAdminKey,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const admin = asAdmin(ctx);
    const tag = `${ctx.seed}-${Date.now()}`;
    const input = { displayName: `Contract printer ${tag}`, description: 'made by the contract tests', definition: { id: 'generic-pdf', displayName: 'Generic PDF printer' }, flavor: 'jps' as const, defaultPrinter: false, properties: { general: { copies: 2 }, jps: { duplexing: 'twoSidedLongEdge' as const } } };
    // No printer is the default before this scenario makes one (a reference run has no other printers).
    const noDefault = await admin.GET('/api/v1/printers/default');
    if (noDefault.response.status !== 200) expectStatus(ctx, noDefault.response, 404, 'GetDefaultPrinter without a default printer');
    expectStatus(ctx, (await admin.PUT('/api/v1/printers/default', { body: { ...input, id: randomId() } })).response, 404, 'SetDefaultPrinter of an unknown printer');
    const created = await admin.POST('/api/v1/printers', { body: input });
    mustStatus(ctx, created.response, 201, 'CreatePrinter');
    const printer = created.data!;
    ensure(ctx, 'behaves_as_documented', printer.displayName === input.displayName && printer.definition.id === 'generic-pdf' && printer.properties?.general?.copies === 2, 'CreatePrinter answers the new printer', 'CreatePrinter');
    const loc = await followLocation(ctx, admin, created.response, 'CreatePrinter');
    if (loc) ensure(ctx, 'behaves_as_documented', (loc.data as { id?: string } | undefined)?.id === printer.id, "the Location is the new printer's URL", 'GetPrinter');
    expectStatus(ctx, (await admin.POST('/api/v1/printers', { body: input })).response, 409, 'CreatePrinter with a name in use');

    const list = await admin.GET('/api/v1/printers');
    if (expectStatus(ctx, list.response, 200, 'GetPrinters')) ensure(ctx, 'behaves_as_documented', list.data!.some((p) => p.id === printer.id), 'GetPrinters lists it', 'GetPrinters');
    if (fx.keys.user) {
      const asUser = ctx.main.strict.as(apiKey(fx.keys.user));
      expectStatus(ctx, (await asUser.GET('/api/v1/printers/{printer}', { params: { path: { printer: printer.id! } } })).response, 200, 'GetPrinter as a user (read:printers)');
    }

    const other = await admin.POST('/api/v1/printers', { body: { ...input, displayName: `${input.displayName} (2)` } });
    mustStatus(ctx, other.response, 201, 'CreatePrinter (second)');
    const renamed = await admin.PUT('/api/v1/printers/{printer}', { params: { path: { printer: printer.id! } }, body: { ...input, displayName: `${input.displayName} renamed`, defaultPrinter: true } });
    if (expectStatus(ctx, renamed.response, 200, 'UpdatePrinter')) {
      ensure(ctx, 'behaves_as_documented', renamed.data!.displayName.endsWith('renamed') && renamed.data!.defaultPrinter === true, 'UpdatePrinter answers the replaced printer', 'UpdatePrinter');
    }
    expectStatus(ctx, (await admin.PUT('/api/v1/printers/{printer}', { params: { path: { printer: printer.id! } }, body: { ...input, displayName: `${input.displayName} (2)` } })).response, 409,
      "UpdatePrinter to another printer's name");
    const none = randomId();
    expectStatus(ctx, (await admin.PUT('/api/v1/printers/{printer}', { params: { path: { printer: none } }, body: input })).response, 404, 'UpdatePrinter of an unknown printer');
    expectStatus(ctx, (await admin.GET('/api/v1/printers/{printer}', { params: { path: { printer: none } } })).response, 404, 'GetPrinter of an unknown printer');

    const def = await admin.GET('/api/v1/printers/default');
    if (expectStatus(ctx, def.response, 200, 'GetDefaultPrinter')) ensure(ctx, 'behaves_as_documented', def.data!.id === printer.id, 'the updated printer is the default', 'GetDefaultPrinter');
    const setDef = await admin.PUT('/api/v1/printers/default', { body: other.data! });
    if (expectStatus(ctx, setDef.response, 200, 'SetDefaultPrinter')) {
      const first = await admin.GET('/api/v1/printers/{printer}', { params: { path: { printer: printer.id! } } });
      ensure(ctx, 'behaves_as_documented', setDef.data!.defaultPrinter === true && first.data?.defaultPrinter === false, 'one default printer at a time', 'SetDefaultPrinter');
    }
    const filtered = await admin.POST('/api/v1/printers/filter', { params: { query: { size: 5, sort: 'displayName,desc' } },
      body: { group: { type: 'and', nodes: [{ condition: { key: 'displayName', operator: 'like', values: [tag] } }] } } });
    if (expectStatus(ctx, filtered.response, 200, 'GetFilteredPrinters')) {
      ensure(ctx, 'behaves_as_documented', filtered.data!.length === 2 && filtered.data![0].displayName.endsWith('renamed') && filtered.data![1].displayName.endsWith('(2)'), 'the filter finds both, sorted by name descending', 'GetFilteredPrinters');
    }
    expectStatus(ctx, (await admin.POST('/api/v1/printers/{printer}/test', { params: { path: { printer: printer.id! } } })).response, 200, 'TestPrinter');
    expectStatus(ctx, (await admin.DELETE('/api/v1/printers/{printer}', { params: { path: { printer: other.data!.id! } } })).response, 409, 'DeletePrinter of the default without force');
    for (const [id, force] of [[printer.id!, false], [other.data!.id!, true]] as const) {
      expectStatus(ctx, (await admin.DELETE('/api/v1/printers/{printer}', { params: { path: { printer: id }, query: { force } } })).response, 200, 'DeletePrinter');
    }
    expectStatus(ctx, (await admin.GET('/api/v1/printers/{printer}', { params: { path: { printer: printer.id! } } })).response, 404, 'GetPrinter after delete');
    expectStatus(ctx, (await admin.DELETE('/api/v1/printers/{printer}', { params: { path: { printer: printer.id! } } })).response, 404, 'DeletePrinter again');
    expectStatus(ctx, (await admin.POST('/api/v1/printers/{printer}/test', { params: { path: { printer: printer.id! } } })).response, 404, 'TestPrinter of an unknown printer');
  },
};
