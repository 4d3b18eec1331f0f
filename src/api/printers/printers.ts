/**
 * Printers: read for users, write and delete for administrators (permissions checked by the
 * dispatcher). At most one printer is the default. flowmock drives no real printers: TestPrinter
 * checks the printer and says so.
 */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../handler-contract/handler-types.js';
import { principalOf } from '../../handler-contract/handler-types.js';
import { conflict, invalidField, notFound } from '../../handler-contract/problem.js';
import type { PrinterRecord, Store } from '../../store/types.js';
import type { components } from '../../../generated/openapi-types.js';
import { userRef } from '../users/presenters.js';
import { listPage } from '../lists/object-list.js';

type Printer = components['schemas']['Printer'];

/** Properties a printer list sorts and filters by. */
const PRINTER_PROPERTIES = ['id', 'displayName', 'description', 'flavor', 'createdAt', 'createdBy', 'modifiedAt', 'modifiedBy', 'definition', 'defaultPrinter'] as const;

function present(store: Store, p: PrinterRecord): Printer {
  return {
    ...(p.flavor === 'jps' || p.flavor === 'gcp' ? { flavor: p.flavor } : {}),
    id: p.id,
    displayName: p.displayName,
    ...(p.description !== null ? { description: p.description } : {}),
    createdAt: p.createdAt,
    createdBy: userRef(store, p.createdBy),
    modifiedAt: p.modifiedAt,
    modifiedBy: userRef(store, p.modifiedBy),
    definition: p.definition,
    defaultPrinter: p.defaultPrinter,
    ...(p.properties !== null ? { properties: p.properties as Printer['properties'] } : {}),
  };
}

function assertNameFree(store: Store, displayName: string, exceptId?: string): void {
  const other = store.printers.byName(displayName);
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
function makeDefault(store: Store, id: string, userId: string, at: string): void {
  for (const other of store.printers.list()) {
    if (other.defaultPrinter && other.id !== id) store.printers.update({ ...other, defaultPrinter: false, modifiedAt: at, modifiedBy: userId });
  }
}

export const printerHandlers: Pick<Handlers,
  'GetPrinters' | 'CreatePrinter' | 'GetDefaultPrinter' | 'SetDefaultPrinter' | 'GetFilteredPrinters'
  | 'GetPrinter' | 'UpdatePrinter' | 'DeletePrinter' | 'TestPrinter'> = {
  GetPrinters(ctx) {
    const { store } = ctx.services;
    return { status: 200, body: store.printers.list().map((p) => present(store, p)) };
  },

  CreatePrinter(ctx) {
    const { store, now } = ctx.services;
    const input = ctx.body!;
    const userId = principalOf(ctx).user.id;
    const at = now().toISOString();
    const p: PrinterRecord = { id: randomUUID(), ...fields(input), createdAt: at, createdBy: userId, modifiedAt: at, modifiedBy: userId };
    store.transaction(() => {
      assertNameFree(store, input.displayName);
      if (p.defaultPrinter) makeDefault(store, p.id, userId, at);
      store.printers.insert(p);
    });
    return { status: 201, headers: { Location: `/api/v1/printers/${p.id}` }, body: present(store, p) };
  },

  GetDefaultPrinter(ctx) {
    const { store } = ctx.services;
    const p = store.printers.list().find((x) => x.defaultPrinter);
    if (!p) throw notFound('No printer is the default.');
    return { status: 200, body: present(store, p) };
  },

  SetDefaultPrinter(ctx) {
    const { store, now } = ctx.services;
    const userId = principalOf(ctx).user.id;
    const id = ctx.body!.id;
    if (!id) throw invalidField('body', '/id', 'required', 'name the printer to make the default by its id');
    const updated = store.transaction(() => {
      const p = store.printers.byId(id);
      if (!p) throw notFound(`No printer ${id}.`);
      const at = now().toISOString();
      makeDefault(store, p.id, userId, at);
      const next: PrinterRecord = p.defaultPrinter ? p : { ...p, defaultPrinter: true, modifiedAt: at, modifiedBy: userId };
      if (next !== p) store.printers.update(next);
      return next;
    });
    return { status: 200, body: present(store, updated) };
  },

  GetFilteredPrinters(ctx) {
    const { store } = ctx.services;
    const rows = store.printers.list().map((p) => present(store, p));
    return { status: 200, body: listPage(rows, PRINTER_PROPERTIES, { ...ctx.query, group: ctx.body!.group }, 'displayName,asc') };
  },

  GetPrinter(ctx) {
    const { store } = ctx.services;
    const p = store.printers.byId(ctx.path.printer);
    if (!p) throw notFound(`No printer ${ctx.path.printer}.`);
    return { status: 200, body: present(store, p) };
  },

  UpdatePrinter(ctx) {
    const { store, now } = ctx.services;
    const userId = principalOf(ctx).user.id;
    const updated = store.transaction(() => {
      const p = store.printers.byId(ctx.path.printer);
      if (!p) throw notFound(`No printer ${ctx.path.printer}.`);
      assertNameFree(store, ctx.body!.displayName, p.id);
      const at = now().toISOString();
      const next: PrinterRecord = { ...p, ...fields(ctx.body!), modifiedAt: at, modifiedBy: userId };
      if (next.defaultPrinter) makeDefault(store, p.id, userId, at);
      store.printers.update(next);
      return next;
    });
    return { status: 200, body: present(store, updated) };
  },

  DeletePrinter(ctx) {
    const { store } = ctx.services;
    store.transaction(() => {
      const p = store.printers.byId(ctx.path.printer);
      if (!p) throw notFound(`No printer ${ctx.path.printer}.`);
      // deleteInbound: flowmock keeps no inbound print queues, so there is nothing more to remove.
      if (p.defaultPrinter && ctx.query.force !== true) {
        throw conflict(`Printer ${p.id} is the default printer; remove it with force=true.`);
      }
      store.printers.delete(p.id);
    });
    return { status: 200, body: {} };
  },

  TestPrinter(ctx) {
    const { store } = ctx.services;
    const p = store.printers.byId(ctx.path.printer);
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
