/**
 * Printers: read for users, write and delete for administrators (permissions checked by the
 * dispatcher). At most one printer is the default. flowmock drives no real printers: TestPrinter
 * checks the printer and says so.
 */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../handler-contract/handler-types.js';
import { principalOf } from '../../handler-contract/handler-types.js';
import { conflict, invalidField, notFound } from '../../handler-contract/problem.js';
import type { PrinterRecord, StoreCollections } from '../../store/types.js';
import type { components } from '../../../generated/openapi-types.js';
import { userRef } from '../users/presenters.js';
import { listPage } from '../lists/object-list.js';

type Printer = components['schemas']['Printer'];

/** Properties a printer list sorts and filters by. */
const PRINTER_PROPERTIES = ['id', 'displayName', 'description', 'flavor', 'createdAt', 'createdBy', 'modifiedAt', 'modifiedBy', 'definition', 'defaultPrinter'] as const;

async function present(store: StoreCollections, p: PrinterRecord): Promise<Printer> {
  return {
    ...(p.flavor === 'jps' || p.flavor === 'gcp' ? { flavor: p.flavor } : {}),
    id: p.id,
    displayName: p.displayName,
    ...(p.description !== null ? { description: p.description } : {}),
    createdAt: p.createdAt,
    createdBy: await userRef(store, p.createdBy),
    modifiedAt: p.modifiedAt,
    modifiedBy: await userRef(store, p.modifiedBy),
    definition: p.definition,
    defaultPrinter: p.defaultPrinter,
    ...(p.properties !== null ? { properties: p.properties as Printer['properties'] } : {}),
  };
}

async function assertNameFree(store: StoreCollections, displayName: string, exceptId?: string): Promise<void> {
  const other = (await store.printers.byName(displayName));
  if (other && other.id !== exceptId) throw conflict(`A printer named "${displayName}" exists already (${other.id}).`);
}

/** The fields a client sets; id, times and creators in the body are output only. */
function fields(input: Printer) {
  return {
    displayName: input.displayName,
    description: input.description ?? null,
    definition: input.definition,
    flavor: input.flavor ?? null,
    defaultPrinter: input.defaultPrinter ?? false,
    properties: (input.properties as Record<string, unknown> | undefined) ?? null,
  };
}

/** Makes `id` the only default printer (call inside a transaction). */
async function makeDefault(store: StoreCollections, id: string, userId: string, at: string): Promise<void> {
  for (const other of (await store.printers.list())) {
    if (other.defaultPrinter && other.id !== id) await store.printers.update({ ...other, defaultPrinter: false, modifiedAt: at, modifiedBy: userId });
  }
}

export const printerHandlers: Pick<Handlers,
  'GetPrinters' | 'CreatePrinter' | 'GetDefaultPrinter' | 'SetDefaultPrinter' | 'GetFilteredPrinters'
  | 'GetPrinter' | 'UpdatePrinter' | 'DeletePrinter' | 'TestPrinter'> = {
  async GetPrinters(ctx) {
    const { store } = ctx.services;
    return { status: 200, body: await Promise.all((await store.printers.list()).map((p) => present(store, p))) };
  },

  async CreatePrinter(ctx) {
    const { store, now } = ctx.services;
    const input = ctx.body!;
    const userId = principalOf(ctx).user.id;
    const at = now().toISOString();
    const p: PrinterRecord = { id: randomUUID(), ...fields(input), createdAt: at, createdBy: userId, modifiedAt: at, modifiedBy: userId };
    await store.transaction(async (tx) => {
      await assertNameFree(tx, input.displayName);
      if (p.defaultPrinter) await makeDefault(tx, p.id, userId, at);
      await tx.printers.insert(p);
    });
    return { status: 201, headers: { Location: `/api/v1/printers/${p.id}` }, body: await present(store, p) };
  },

  async GetDefaultPrinter(ctx) {
    const { store } = ctx.services;
    const p = (await store.printers.list()).find((x) => x.defaultPrinter);
    if (!p) throw notFound('No printer is the default.');
    return { status: 200, body: await present(store, p) };
  },

  async SetDefaultPrinter(ctx) {
    const { store, now } = ctx.services;
    const userId = principalOf(ctx).user.id;
    const id = ctx.body!.id;
    if (!id) throw invalidField('body', '/id', 'required', 'name the printer to make the default by its id');
    const updated = await store.transaction(async (tx) => {
      const p = (await tx.printers.byId(id));
      if (!p) throw notFound(`No printer ${id}.`);
      const at = now().toISOString();
      await makeDefault(tx, p.id, userId, at);
      const next: PrinterRecord = p.defaultPrinter ? p : { ...p, defaultPrinter: true, modifiedAt: at, modifiedBy: userId };
      if (next !== p) await tx.printers.update(next);
      return next;
    });
    return { status: 200, body: await present(store, updated) };
  },

  async GetFilteredPrinters(ctx) {
    const { store } = ctx.services;
    const rows = await Promise.all((await store.printers.list()).map((p) => present(store, p)));
    return { status: 200, body: listPage(rows, PRINTER_PROPERTIES, { ...ctx.query, group: ctx.body!.group }, 'displayName,asc') };
  },

  async GetPrinter(ctx) {
    const { store } = ctx.services;
    const p = (await store.printers.byId(ctx.path.printer));
    if (!p) throw notFound(`No printer ${ctx.path.printer}.`);
    return { status: 200, body: await present(store, p) };
  },

  async UpdatePrinter(ctx) {
    const { store, now } = ctx.services;
    const userId = principalOf(ctx).user.id;
    const updated = await store.transaction(async (tx) => {
      const p = (await tx.printers.byId(ctx.path.printer));
      if (!p) throw notFound(`No printer ${ctx.path.printer}.`);
      await assertNameFree(tx, ctx.body!.displayName, p.id);
      const at = now().toISOString();
      const next: PrinterRecord = { ...p, ...fields(ctx.body!), modifiedAt: at, modifiedBy: userId };
      if (next.defaultPrinter) await makeDefault(tx, p.id, userId, at);
      await tx.printers.update(next);
      return next;
    });
    return { status: 200, body: await present(store, updated) };
  },

  async DeletePrinter(ctx) {
    const { store } = ctx.services;
    await store.transaction(async (tx) => {
      const p = (await tx.printers.byId(ctx.path.printer));
      if (!p) throw notFound(`No printer ${ctx.path.printer}.`);
      // deleteInbound: flowmock keeps no inbound print queues, so there is nothing more to remove.
      if (p.defaultPrinter && ctx.query.force !== true) {
        throw conflict(`Printer ${p.id} is the default printer; remove it with force=true.`);
      }
      await tx.printers.delete(p.id);
    });
    return { status: 200, body: {} };
  },

  async TestPrinter(ctx) {
    const { store } = ctx.services;
    const p = (await store.printers.byId(ctx.path.printer));
    if (!p) throw notFound(`No printer ${ctx.path.printer}.`);
    return {
      status: 200,
      body: {
        printer: { id: p.id, displayName: p.displayName, type: 'printer' },
        result: 'ok',
        message: `flowmock prints nothing; the printer exists and its definition is ${p.definition.id}.`,
      },
    };
  },
};
