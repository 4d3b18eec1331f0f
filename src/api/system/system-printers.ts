/**
 * GetSystemPrinters and GetSystemPrinter (src/engine/system/system-printers.ts): the printing
 * devices the server knows, paged, sorted and filtered by id, displayName, description and flavor
 * (default id,asc); printerInfo only with includeDetails.
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { notFound } from '../../handler-contract/problem.js';
import { listPage } from '../lists/object-list.js';
import { systemPrinters } from '../../engine/system/system-printers.js';

const PROPERTIES = ['id', 'displayName', 'description', 'flavor'] as const;

export const systemPrinterHandlers: Pick<Handlers, 'GetSystemPrinters' | 'GetSystemPrinter'> = {
  async GetSystemPrinters(ctx) {
    const { includeDetails, ...query } = ctx.query;
    const rows = systemPrinters(await ctx.services.store.printers.list(), { details: includeDetails === true, since: ctx.services.startedAt.toISOString() });
    return { status: 200, body: listPage(rows, PROPERTIES, query, 'id,asc') };
  },

  async GetSystemPrinter(ctx) {
    const rows = systemPrinters(await ctx.services.store.printers.list(), { details: ctx.query.includeDetails === true, since: ctx.services.startedAt.toISOString() });
    const found = rows.find((p) => p.id === ctx.path.printer);
    if (!found) throw notFound(`There is no system printer ${ctx.path.printer}; the system printers are ${rows.map((p) => p.id).join(', ')}.`);
    return { status: 200, body: found };
  },
};
