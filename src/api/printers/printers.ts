/** Printers: read for users, write and delete for administrators (permissions checked by the dispatcher). */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../http/handler-types.js';
import { principalOf } from '../../http/handler-types.js';
import { conflict, notFound } from '../../http/problem.js';
import type { PrinterRecord, Store } from '../../store/types.js';
import type { components } from '../../../generated/openapi-types.js';
import { userRef } from '../users/presenters.js';

type PrinterInput = components['schemas']['PrinterInput'];

function present(store: Store, p: PrinterRecord): components['schemas']['Printer'] {
  return {
    id: p.id,
    displayName: p.displayName,
    ...(p.description !== null ? { description: p.description } : {}),
    createdAt: p.createdAt,
    createdBy: userRef(store, p.createdBy),
    modifiedAt: p.modifiedAt,
    modifiedBy: userRef(store, p.modifiedBy),
    definition: p.definition,
    ...(p.flavor !== null ? { flavor: p.flavor } : {}),
    defaultPrinter: p.defaultPrinter,
    ...(p.properties !== null ? { properties: p.properties } : {}),
  };
}

function assertNameFree(store: Store, displayName: string, exceptId?: string): void {
  const other = store.printers.byName(displayName);
  if (other && other.id !== exceptId) throw conflict(`A printer named "${displayName}" exists already (${other.id}).`);
}

function fields(input: PrinterInput) {
  return {
    displayName: input.displayName,
    description: input.description ?? null,
    definition: input.definition,
    flavor: input.flavor ?? null,
    defaultPrinter: input.defaultPrinter ?? false,
    properties: (input.properties as Record<string, unknown> | undefined) ?? null,
  };
}

export const printerHandlers: Pick<Handlers, 'GetPrinters' | 'CreatePrinter' | 'GetPrinter' | 'UpdatePrinter' | 'DeletePrinter'> = {
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
      store.printers.insert(p);
    });
    return { status: 201, headers: { Location: `/api/v1/printers/${p.id}` }, body: present(store, p) };
  },

  GetPrinter(ctx) {
    const { store } = ctx.services;
    const p = store.printers.byId(ctx.path.printer);
    if (!p) throw notFound(`No printer ${ctx.path.printer}.`);
    return { status: 200, body: present(store, p) };
  },

  UpdatePrinter(ctx) {
    const { store, now } = ctx.services;
    const updated = store.transaction(() => {
      const p = store.printers.byId(ctx.path.printer);
      if (!p) throw notFound(`No printer ${ctx.path.printer}.`);
      assertNameFree(store, ctx.body!.displayName, p.id);
      const next: PrinterRecord = { ...p, ...fields(ctx.body!), modifiedAt: now().toISOString(), modifiedBy: principalOf(ctx).user.id };
      store.printers.update(next);
      return next;
    });
    return { status: 200, body: present(store, updated) };
  },

  DeletePrinter(ctx) {
    if (!ctx.services.store.printers.delete(ctx.path.printer)) throw notFound(`No printer ${ctx.path.printer}.`);
    return { status: 204, body: undefined };
  },
};
