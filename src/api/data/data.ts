/**
 * Data objects (the vendor's Data): today the stored input of flow executions. Visible to whoever
 * may see the execution they belong to (its creator, or a holder of read:flowExecutions).
 */
import { loadXml } from '../../engine/flows/input.js';
import type { Handlers, RequestContext } from '../../handler-contract/handler-types.js';
import { principalOf } from '../../handler-contract/handler-types.js';
import { notFound } from '../../handler-contract/problem.js';
import type { DataRecord, StoreCollections } from '../../store/types.js';
import type { Principal } from '../../auth/principal.js';
import type { components } from '../../../generated/openapi-types.js';
import { userRef } from '../users/presenters.js';
import { seesAll } from '../executions/access.js';
import { datasetOfData } from '../../engine/resources/dataset-data.js';

const isXml = (contentType: string) => contentType === 'application/xml' || contentType === 'text/xml';
/** Data objects GetDataMetadata lists at most. */
const META_LIMIT = 1000;

async function visibleData(store: StoreCollections, p: Principal, id: string): Promise<DataRecord> {
  const d = (await store.data.byId(id));
  if (!d || (d.createdBy !== p.user.id && !seesAll(p))) throw notFound(`No data ${id}.`);
  return d;
}

function contentValue(d: DataRecord, bytes: Buffer | null): unknown {
  const text = bytes ? bytes.toString('utf8') : null;
  if (text === null) return null;
  if (d.contentType === 'application/json') {
    try { return JSON.parse(text); } catch { return text; }
  }
  return text;
}

/** The vendor's Data: the record, its content as the value, and the data set it belongs to (CreateDatasetData). */
export async function presentData(store: StoreCollections, d: DataRecord): Promise<components['schemas']['Data']> {
  const dataset = await datasetOfData(store, d.id);
  return {
    type: 'value',
    id: d.id,
    displayName: d.displayName,
    description: d.description,
    createdAt: d.createdAt,
    createdBy: await userRef(store, d.createdBy),
    modifiedAt: d.modifiedAt,
    modifiedBy: await userRef(store, d.modifiedBy),
    value: { content: contentValue(d, (await store.data.content(d.id))), contentType: d.contentType },
    dataAvailable: true,
    expiration: d.expiration,
    usage: d.usage,
    contentType: d.contentType,
    ...(dataset ? { dataset: { ...dataset, type: 'dataset' as const } } : {}),
  };
}

const escapeAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

type DataCtx = RequestContext<'GetData' | 'ExistsData' | 'UpdateData' | 'DeleteData' | 'GetDataContent' | 'GetDataPreview'>;
const dataOf = (ctx: DataCtx) => visibleData(ctx.services.store, principalOf(ctx), ctx.path.dataId);

export const dataHandlers: Pick<Handlers, 'GetDataMetadata' | 'GetData' | 'ExistsData' | 'UpdateData' | 'DeleteData' | 'GetDataContent' | 'GetDataPreview'> = {
  async GetDataMetadata(ctx) {
    const p = principalOf(ctx);
    const { store } = ctx.services;
    const { creator, templateName, projectName } = ctx.query;
    // flowmock has no templates or projects: a non-empty name matches nothing.
    const none = (templateName !== undefined && templateName !== '') || (projectName !== undefined && projectName !== '');
    const names = new Map((await store.users.list()).map((u) => [u.id, u.username]));
    const items = none ? [] : (await store.data.list(seesAll(p) ? null : p.user.id, META_LIMIT))
      .map((d) => ({ d, by: names.get(d.createdBy) ?? d.createdBy }))
      .filter(({ by }) => creator === undefined || creator === '' || by === creator);
    const xml = `<data>${items.map(({ d, by }) =>
      `<item id="${escapeAttr(d.id)}" displayName="${escapeAttr(d.displayName)}" contentType="${escapeAttr(d.contentType)}" createdAt="${d.createdAt}" createdBy="${escapeAttr(by)}"/>`).join('')}</data>`;
    return { status: 200, contentType: 'application/xml', body: xml };
  },

  GetData: async (ctx) => ({ status: 200, body: await presentData(ctx.services.store, await dataOf(ctx)) }),

  async ExistsData(ctx) {
    await dataOf(ctx); // 404 when missing or not visible (Node sends no body with a HEAD answer)
    return { status: 200, body: undefined };
  },

  async UpdateData(ctx) {
    const b = ctx.body ?? {};
    const { store } = ctx.services;
    // Read, merged and written in one transaction: a concurrent update is not lost.
    const updated = await store.transaction(async (tx) => {
      const d = await visibleData(tx, principalOf(ctx), ctx.path.dataId);
      await tx.data.update({
        id: d.id,
        displayName: b.displayName ?? d.displayName,
        description: b.description !== undefined ? b.description : d.description,
        expiration: b.expiration !== undefined ? b.expiration : d.expiration,
        modifiedAt: new Date(ctx.services.now().getTime()).toISOString(),
        modifiedBy: principalOf(ctx).user.id,
      });
      return (await tx.data.byId(d.id))!;
    });
    return { status: 200, body: await presentData(store, updated) };
  },

  async DeleteData(ctx) {
    const d = await dataOf(ctx);
    await ctx.services.store.transaction(async (tx) => {
      await tx.data.delete(d.id);
      await tx.resources.setReferences('data', d.id, []); // its data set no longer holds it
    });
    return { status: 204, body: undefined };
  },

  async GetDataContent(ctx) {
    const d = await dataOf(ctx);
    const bytes = (await ctx.services.store.data.content(d.id)) ?? Buffer.alloc(0);
    return { status: 200, contentType: d.contentType, headers: { 'Content-Length': String(bytes.length) }, body: bytes };
  },

  async GetDataPreview(ctx) {
    const d = await dataOf(ctx);
    const bytes = (await ctx.services.store.data.content(d.id)) ?? Buffer.alloc(0);
    if (isXml(d.contentType)) return { status: 200, contentType: 'application/xml', body: bytes.toString('utf8') };
    const value = contentValue(d, bytes);
    const xml = new (loadXml().XMLBuilder)({ suppressEmptyNode: true }).build({ data: value }) as string;
    return { status: 200, contentType: 'application/xml', body: xml };
  },
};
