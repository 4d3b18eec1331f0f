/**
 * Documents: those produced by executions (visible to whoever may see the execution) and those
 * made with CreateDocument (visible to their creator and to readers of every execution). Content
 * of a live execution's document is a 409: a client never gets a document before its execution
 * has ended. `Accept` picks PDF or DOCX; the other format is rendered again from the same content.
 */
import { contentDisposition } from '../../handler-contract/content-disposition.js';
import { randomUUID } from 'node:crypto';
import type { Handlers, RequestContext } from '../../handler-contract/handler-types.js';
import { principalOf } from '../../handler-contract/handler-types.js';
import { conflict, invalidField, notFound, ProblemError } from '../../handler-contract/problem.js';
import { isStable, type DocumentRecord, type DocumentSource, type ExecutionStatus, type Store } from '../../store/types.js';
import type { components } from '../../../generated/openapi-types.js';
import { seesAll } from '../executions/access.js';
import { presentExecution } from '../executions/presenters.js';
import { userRef } from '../users/presenters.js';
import { listPage } from '../lists/object-list.js';
import { renderExecutionPdf } from '../../engine/documents/pdf.js';
import { renderExecutionDocx, DOCX_CONTENT_TYPE } from '../../engine/documents/docx.js';

type Schemas = components['schemas'];
const PDF = 'application/pdf';
/** Documents a list considers: the newest this many the caller may see. */
const LIST_LIMIT = 10_000;
const DOCUMENT_PROPERTIES = ['id', 'displayName', 'description', 'createdAt', 'createdBy', 'modifiedAt', 'modifiedBy', 'templateId', 'language', 'origin', 'finished', 'expiration', 'contentType', 'usage'] as const;

type DocCtx = RequestContext<'GetDocument' | 'GetDocumentContent' | 'GetDocumentContentAlt'>;

/**
 * The document, if the caller may see it, with its execution as `readExecution` reads it: the
 * whole record for GetDocument, only its status and owner (progressById: no record parsed, kept in
 * memory once stable) for a download.
 */
async function visibleDocument<E extends { id: string; status: ExecutionStatus; createdBy: string }>(
  ctx: DocCtx, readExecution: (id: string) => Promise<E | null>,
) {
  const p = principalOf(ctx);
  const { store } = ctx.services;
  const doc = (await store.documents.byId(ctx.path.documentId));
  const exec = doc?.executionId ? (await readExecution(doc.executionId)) : null;
  const owner = exec ? exec.createdBy : doc?.createdBy;
  if (!doc || (doc.executionId && !exec) || (owner !== p.user.id && !seesAll(p))) throw notFound(`No document ${ctx.path.documentId}.`);
  return { doc, exec };
}

const named = (id: string, type: Schemas['ObjectType']): Schemas['IdWithName'] => ({ id, displayName: id, type });

async function present(store: Store, doc: DocumentRecord, flow?: { id: string; name: string }): Promise<Schemas['Document']> {
  const by = await userRef(store, doc.createdBy);
  return {
    id: doc.id,
    displayName: doc.displayName,
    ...(doc.description !== null ? { description: doc.description } : {}),
    createdAt: doc.createdAt,
    createdBy: by,
    modifiedAt: doc.createdAt,
    modifiedBy: by,
    ...(doc.templateId !== null ? { templateId: named(doc.templateId, 'template') } : {}),
    ...(doc.language !== null ? { language: named(doc.language, 'language') } : {}),
    // The flow that produced it (the vendor's ObjectType has no execution type; flowExecution names the run).
    ...(flow ? { origin: { id: flow.id, displayName: flow.name, type: 'flow' } } : {}),
    finished: doc.finished,
    ...(doc.expiration !== null ? { expiration: doc.expiration } : {}),
    contentType: doc.contentType,
    postProcessing: [],
    usage: doc.executionId ? 'flowExecutionOutput' : 'userCreated',
  };
}


/** The media types an Accept header takes (q > 0), lower-case; null when there is none or it takes anything. */
function acceptedTypes(accept: string | undefined): Set<string> | null {
  if (!accept || !accept.trim()) return null;
  const types = new Set<string>();
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    const q = params.find((x) => x.startsWith('q='));
    if (q && !(Number(q.slice(2)) > 0)) continue;
    if (range === '*/*' || range === 'application/*' || range === 'application/octet-stream') return null;
    if (range) types.add(range);
  }
  return types;
}

function withExtension(name: string, type: string): string {
  const ext = type === PDF ? '.pdf' : '.docx';
  return /\.(pdf|docx)$/i.test(name) ? name.replace(/\.(pdf|docx)$/i, ext) : `${name}${ext}`;
}

async function content(ctx: RequestContext<'GetDocumentContent' | 'GetDocumentContentAlt'>) {
  const { doc, exec } = await visibleDocument(ctx, (id) => ctx.services.store.executions.progressById(id));
  if (exec && !isStable(exec.status)) {
    throw conflict(`Execution ${exec.id} is ${exec.status}; its documents can be downloaded once it has ended.`);
  }
  const accepted = acceptedTypes(ctx.headers.accept);
  let type = doc.contentType;
  if (accepted && !accepted.has(type)) {
    const other = type === PDF ? DOCX_CONTENT_TYPE : PDF;
    if (!accepted.has(other) || !doc.source) {
      throw new ProblemError(406, `Accept ${ctx.headers.accept}: this document is served as ${doc.source ? `${PDF} or ${DOCX_CONTENT_TYPE}` : type}.`);
    }
    type = other;
  }
  let bytes: Buffer | null;
  if (type === doc.contentType) bytes = (await ctx.services.store.documents.content(doc.id));
  else bytes = type === PDF ? await renderExecutionPdf(doc.source!) : renderExecutionDocx(doc.source!);
  if (!bytes) throw notFound(`No content for document ${doc.id}.`);
  const name = type === doc.contentType ? doc.displayName : withExtension(doc.displayName, type);
  return {
    status: 200 as const,
    contentType: type,
    headers: { 'Content-Disposition': contentDisposition(name), 'Content-Length': String(bytes.length) },
    body: bytes,
  };
}

async function list(ctx: RequestContext<'GetDocuments' | 'GetFilteredDocuments'>, group?: Schemas['ListFilterGroup']) {
  const p = principalOf(ctx);
  const { store } = ctx.services;
  const rows = await Promise.all((await store.documents.listVisible(seesAll(p) ? null : p.user.id, LIST_LIMIT))
    .map(({ doc, flow }) => present(store, doc, flow ?? undefined)));
  const q = ctx.query as { page?: number; size?: number; sort?: string; filter?: string };
  return listPage(rows, DOCUMENT_PROPERTIES, { ...q, group }, 'createdAt,desc');
}

/** The document CreateDocument renders from its settings, or a 400 naming what flowmock cannot do. */
function sourceOf(settings: Schemas['DocGenSettings'], now: string): { source: DocumentSource; type: string } {
  const result = settings.result ?? {};
  const format = result.format ?? 'pdf';
  let type = PDF;
  if (format === 'ooxml') {
    const ooxml = result.ooxml?.format ?? 'docx';
    if (ooxml !== 'docx') throw invalidField('body', '/result/ooxml/format', 'supported', `flowmock generates docx only, not ${ooxml}`);
    type = DOCX_CONTENT_TYPE;
  } else if (format !== 'pdf') {
    throw invalidField('body', '/result/format', 'supported', `flowmock generates pdf and ooxml (docx) only, not ${format}`);
  }
  if (settings.dataRefs?.length) throw invalidField('body', '/dataRefs', 'supported', 'flowmock keeps no stored data to refer to; send the data in datas');
  const title = settings.template?.displayName ?? settings.templateRef?.id;
  if (!title) throw invalidField('body', '/templateRef', 'required', 'name a template: templateRef.id or template.displayName');
  const inputValues = (settings.datas ?? []).map((d, i) => ({
    label: d.displayName ?? d.dataset ?? `Data ${i + 1}`,
    value: d.content ? Buffer.from(d.content, 'base64').toString('utf8') : '',
  }));
  return { source: { title, flowName: title, executionId: '-', createdAt: now, body: '', inputValues }, type };
}

export const documentHandlers: Pick<Handlers,
  'GetDocument' | 'GetDocumentContent' | 'GetDocumentContentAlt' | 'GetDocuments' | 'GetFilteredDocuments' | 'CreateDocument'> = {
  async GetDocument(ctx) {
    const { doc, exec } = await visibleDocument(ctx, (id) => ctx.services.store.executions.byId(id));
    const { store } = ctx.services;
    const flow = exec ? { id: exec.flowId, name: exec.flowName } : undefined;
    return { status: 200, body: { ...(await present(store, doc, flow)), ...(exec ? { flowExecution: await presentExecution(store, exec) } : {}) } };
  },
  GetDocumentContent: content,
  GetDocumentContentAlt: content,

  async GetDocuments(ctx) {
    return { status: 200, body: await list(ctx) };
  },

  async GetFilteredDocuments(ctx) {
    return { status: 200, body: await list(ctx, ctx.body!.group) };
  },

  async CreateDocument(ctx) {
    const { store, now } = ctx.services;
    const user = principalOf(ctx).user;
    const createdAt = now().toISOString();
    const { source, type } = sourceOf(ctx.body!, createdAt);
    const bytes = type === PDF ? await renderExecutionPdf(source) : renderExecutionDocx(source);
    const displayName = withExtension(source.title, type);
    const mode = ctx.body!.result?.content ?? 'returnContent';
    const store_ = mode === 'storeContent' || mode === 'storeAndReturnContent';
    const ret = mode === 'returnContent' || mode === 'storeAndReturnContent';
    const id = randomUUID();
    if (store_) {
      await store.documents.insert({
        id, executionId: null, displayName, description: null, createdAt, createdBy: user.id,
        templateId: ctx.body!.templateRef?.id ?? null, language: ctx.body!.language ?? null,
        finished: true, expiration: null, contentType: type, size: bytes.length, source,
      }, bytes);
    }
    const pageCount = type === PDF ? (await (await import('pdf-lib')).PDFDocument.load(bytes)).getPageCount() : undefined;
    const generated: Schemas['GeneratedDocument'] = {
      displayName,
      createdAt,
      createdBy: await userRef(store, user.id),
      properties: { contentType: type, ...(pageCount !== undefined ? { pageCount } : {}) },
      content: {
        ...(store_ ? { entity: { id, displayName, type: 'document' }, link: `/api/v1/documents/${id}/content` } : {}),
        ...(ret ? { data: bytes.toString('base64') } : {}),
      },
      pages: [],
      charts: [],
      messages: [],
    };
    return { status: 200, body: [generated] };
  },
};
