/**
 * Documents produced by executions. Visible to whoever may see the execution. Content of a live
 * execution's document is a 409: a client never gets a document before its execution has ended.
 */
import { contentDisposition } from '../../http/content-disposition.js';
import type { Handlers, RequestContext } from '../../http/handler-types.js';
import { principalOf } from '../../http/handler-types.js';
import { conflict, notFound } from '../../http/problem.js';
import { isStable } from '../../store/types.js';
import { seesAll } from '../executions/access.js';
import { userRef } from '../users/presenters.js';

function visibleDocument(ctx: RequestContext<'GetDocument' | 'GetDocumentContent' | 'GetDocumentContentAlt'>) {
  const p = principalOf(ctx);
  const { store } = ctx.services;
  const doc = store.documents.byId(ctx.path.documentId);
  const exec = doc ? store.executions.byId(doc.executionId) : null;
  if (!doc || !exec || (exec.createdBy !== p.user.id && !seesAll(p))) throw notFound(`No document ${ctx.path.documentId}.`);
  return { doc, exec };
}


function content(ctx: RequestContext<'GetDocumentContent' | 'GetDocumentContentAlt'>) {
  const { doc, exec } = visibleDocument(ctx);
  if (!isStable(exec.status)) {
    throw conflict(`Execution ${exec.id} is ${exec.status}; its documents can be downloaded once it has ended.`);
  }
  const bytes = ctx.services.store.documents.content(doc.id);
  if (!bytes) throw notFound(`No content for document ${doc.id}.`);
  return {
    status: 200 as const,
    contentType: doc.contentType,
    headers: { 'Content-Disposition': contentDisposition(doc.displayName), 'Content-Length': String(bytes.length) },
    body: bytes,
  };
}

export const documentHandlers: Pick<Handlers, 'GetDocument' | 'GetDocumentContent' | 'GetDocumentContentAlt'> = {
  GetDocument(ctx) {
    const { doc } = visibleDocument(ctx);
    return {
      status: 200,
      body: {
        id: doc.id,
        displayName: doc.displayName,
        ...(doc.description !== null ? { description: doc.description } : {}),
        createdAt: doc.createdAt,
        createdBy: userRef(ctx.services.store, doc.createdBy),
        ...(doc.templateId !== null ? { templateId: doc.templateId } : {}),
        ...(doc.language !== null ? { language: doc.language } : {}),
        origin: { id: doc.executionId, type: 'flowExecution' },
        finished: doc.finished,
        expiration: doc.expiration,
        contentType: doc.contentType,
        size: doc.size,
      },
    };
  },
  GetDocumentContent: content,
  GetDocumentContentAlt: content,
};
