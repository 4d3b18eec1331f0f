/**
 * The HEAD operations the spec declares beside binary downloads (HeadDocumentContent, …): each
 * answers what its GET would, headers only. Made from the GET handler itself, so the two cannot
 * drift apart: the same checks (rights, Accept, an execution still running), the same
 * Content-Type, Content-Length and Content-Disposition. (Express would answer an undeclared HEAD
 * the same way; declaring it lets clients and Prism's validating proxy use it.)
 */
import type { Handler, Handlers, OperationId, Reply, RequestContext } from '../handler-contract/handler-types.js';
import { dataHandlers } from './data/data.js';
import { documentHandlers } from './documents/documents.js';
import { flowHandlers } from './flows/flows.js';

/** The GET's answer without its body: its status, its headers, and the media type and length the body would have had. */
export function headOf<G extends OperationId, H extends OperationId>(get: Handler<G>): Handler<H> {
  return async (ctx) => {
    // Same path parameters and query as the GET (the spec declares them alike).
    const reply = await get(ctx as unknown as RequestContext<G>);
    const body: unknown = reply.body;
    const headers: Record<string, string> = { ...reply.headers };
    if (body !== undefined) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      const type = reply.contentType ?? 'application/json';
      // As the dispatcher sends a text body: with charset=utf-8.
      headers['Content-Type'] = typeof body === 'string' && !type.includes(';') ? `${type}; charset=utf-8` : type;
      headers['Content-Length'] ??= String(bytes.length);
    }
    return { status: reply.status, headers, body: undefined } as unknown as Reply<H>;
  };
}

export const headHandlers: Pick<Handlers, 'HeadDocumentContent' | 'HeadDocumentContentAlt' | 'HeadDataContent' | 'HeadDataPreview' | 'HeadFlowThumbnail'> = {
  HeadDocumentContent: headOf(documentHandlers.GetDocumentContent),
  HeadDocumentContentAlt: headOf(documentHandlers.GetDocumentContentAlt),
  HeadDataContent: headOf(dataHandlers.GetDataContent),
  HeadDataPreview: headOf(dataHandlers.GetDataPreview),
  HeadFlowThumbnail: headOf(flowHandlers.GetFlowThumbnail),
};
