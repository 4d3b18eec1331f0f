/** Smart Flows printers: administrators create, update and delete; users read; names are unique. */
import type { Scenario } from '../context.js';
import { apiKey, ensure, expectStatus, mustStatus, randomId } from '../scenario-kit.js';
import { followLocation } from '../location.js';

export const printersScenario: Scenario = {
  name: 'smartflows: printers (create, Location, conflict, update, delete)',
  api: 'smartflows',
  skip: (ctx) => (ctx.main.fixtures.keys.admin ? null : 'needs keys.admin'),
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const admin = ctx.main.strict.as(apiKey(fx.keys.admin));
    const tag = `${ctx.seed}-${Date.now()}`;
    const input = { displayName: `Contract printer ${tag}`, description: 'made by the contract tests', definition: { id: 'generic-pdf', displayName: 'Generic PDF printer' }, flavor: 'jps', defaultPrinter: false, properties: { tray: 2 } };
    const created = await admin.POST('/api/v1/printers', { body: input });
    mustStatus(ctx, created.response, 201, 'CreatePrinter');
    const printer = created.data!;
    ensure(ctx, 'behaves_as_documented', printer.displayName === input.displayName && printer.definition.id === 'generic-pdf', 'CreatePrinter answers the new printer', 'CreatePrinter');
    const loc = await followLocation(ctx, admin, created.response, 'CreatePrinter');
    if (loc) ensure(ctx, 'behaves_as_documented', (loc.data as { id?: string } | undefined)?.id === printer.id, "the Location is the new printer's URL", 'GetPrinter');
    expectStatus(ctx, (await admin.POST('/api/v1/printers', { body: input })).response, 409, 'CreatePrinter with a name in use');

    const list = await admin.GET('/api/v1/printers');
    if (expectStatus(ctx, list.response, 200, 'GetPrinters')) ensure(ctx, 'behaves_as_documented', list.data!.some((p) => p.id === printer.id), 'GetPrinters lists it', 'GetPrinters');
    if (fx.keys.user) {
      const asUser = ctx.main.strict.as(apiKey(fx.keys.user));
      expectStatus(ctx, (await asUser.GET('/api/v1/printers/{printer}', { params: { path: { printer: printer.id } } })).response, 200, 'GetPrinter as a user (read:printers)');
    }

    const other = await admin.POST('/api/v1/printers', { body: { ...input, displayName: `${input.displayName} (2)` } });
    mustStatus(ctx, other.response, 201, 'CreatePrinter (second)');
    const renamed = await admin.PUT('/api/v1/printers/{printer}', { params: { path: { printer: printer.id } }, body: { ...input, displayName: `${input.displayName} renamed`, defaultPrinter: true } });
    if (expectStatus(ctx, renamed.response, 200, 'UpdatePrinter')) {
      ensure(ctx, 'behaves_as_documented', renamed.data!.displayName.endsWith('renamed') && renamed.data!.defaultPrinter === true, 'UpdatePrinter answers the replaced printer', 'UpdatePrinter');
    }
    expectStatus(ctx, (await admin.PUT('/api/v1/printers/{printer}', { params: { path: { printer: printer.id } }, body: { ...input, displayName: `${input.displayName} (2)` } })).response, 409,
      "UpdatePrinter to another printer's name");
    const none = randomId();
    expectStatus(ctx, (await admin.PUT('/api/v1/printers/{printer}', { params: { path: { printer: none } }, body: input })).response, 404, 'UpdatePrinter of an unknown printer');
    expectStatus(ctx, (await admin.GET('/api/v1/printers/{printer}', { params: { path: { printer: none } } })).response, 404, 'GetPrinter of an unknown printer');

    for (const id of [printer.id, other.data!.id]) {
      expectStatus(ctx, (await admin.DELETE('/api/v1/printers/{printer}', { params: { path: { printer: id } } })).response, 204, 'DeletePrinter');
    }
    expectStatus(ctx, (await admin.GET('/api/v1/printers/{printer}', { params: { path: { printer: printer.id } } })).response, 404, 'GetPrinter after delete');
    expectStatus(ctx, (await admin.DELETE('/api/v1/printers/{printer}', { params: { path: { printer: printer.id } } })).response, 404, 'DeletePrinter again');
  },
};
