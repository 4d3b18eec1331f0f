/**
 * Smart Flows documents beyond a flow's PDF: CreateDocument renders a DOCX from DocGenSettings and
 * stores it; GetDocument, GetDocuments and GetFilteredDocuments show it; its content is a DOCX,
 * or a PDF for a client that accepts only PDF; a client accepting neither gets a 406; what
 * flowmock cannot generate is a 400.
 */
import type { Scenario } from '../context.js';
import { apiKey, ensure, expectStatus, mustStatus, needsUserKey } from '../scenario-kit.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export const documentsScenario: Scenario = {
  name: 'smartflows: CreateDocument (DOCX), document lists, content by Accept',
  api: 'smartflows',
  skip: needsUserKey,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const user = ctx.main.strict.as(apiKey(fx.keys.user));
    const tag = `contract-${ctx.seed}-${Date.now()}`;
    const created = await user.POST('/api/v1/documents', { body: {
      template: { type: 'standard', displayName: tag },
      datas: [{ displayName: 'Customer', content: Buffer.from('<customer><name>Ann</name></customer>').toString('base64') }],
      result: { content: 'storeAndReturnContent', format: 'ooxml', ooxml: { format: 'docx' } },
    } });
    mustStatus(ctx, created.response, 200, 'CreateDocument (DOCX, stored and returned)');
    const generated = created.data![0];
    const id = generated.content?.entity?.id ?? '';
    const bytes = Buffer.from(generated.content?.data ?? '', 'base64');
    ensure(ctx, 'behaves_as_documented', generated.properties?.contentType === DOCX && !!id && bytes.subarray(0, 2).toString() === 'PK',
      'CreateDocument answers a stored DOCX (a ZIP package) with its entity', 'CreateDocument');

    const meta = await user.GET('/api/v1/documents/{documentId}', { params: { path: { documentId: id } } });
    if (expectStatus(ctx, meta.response, 200, 'GetDocument of a created document')) {
      ensure(ctx, 'behaves_as_documented', meta.data!.usage === 'userCreated' && meta.data!.contentType === DOCX, 'a created document is userCreated, DOCX', 'GetDocument');
    }
    const listed = await user.GET('/api/v1/documents', { params: { query: { size: 100, filter: `displayName:${tag}` } } });
    if (expectStatus(ctx, listed.response, 200, 'GetDocuments filtered by displayName')) {
      ensure(ctx, 'behaves_as_documented', listed.data!.length === 1 && listed.data![0].id === id, 'GetDocuments finds exactly the created document', 'GetDocuments');
    }
    const filtered = await user.POST('/api/v1/documents/filter', { params: { query: { size: 10 } },
      body: { group: { type: 'and', nodes: [{ condition: { key: 'displayName', operator: 'like', values: [tag] } }] } } });
    if (expectStatus(ctx, filtered.response, 200, 'GetFilteredDocuments')) {
      ensure(ctx, 'behaves_as_documented', filtered.data!.some((d) => d.id === id), 'GetFilteredDocuments finds it', 'GetFilteredDocuments');
    }
    const asPdf = await user.GET('/api/v1/documents/{documentId}/content', { params: { path: { documentId: id } }, headers: { Accept: 'application/pdf' }, parseAs: 'arrayBuffer' });
    if (expectStatus(ctx, asPdf.response, 200, 'GetDocumentContent of a DOCX for a client accepting only PDF')) {
      ensure(ctx, 'behaves_as_documented', asPdf.response.headers.get('content-type') === 'application/pdf', 'the DOCX is served as PDF', 'GetDocumentContent');
    }
    // Accepting neither format: through the lenient proxy, which forwards it as sent.
    const lenient = ctx.main.lenient.as(apiKey(fx.keys.user));
    for (const path of ['/api/v1/documents/{documentId}/content', '/api/v1/documents/content/{documentId}'] as const) {
      const neither = await lenient.GET(path, { params: { path: { documentId: id } }, headers: { Accept: 'text/html' }, parseAs: 'text' });
      expectStatus(ctx, neither.response, 406, `${path} accepting neither PDF nor DOCX`);
      const headNeither = await lenient.HEAD(path, { params: { path: { documentId: id } }, headers: { Accept: 'text/html' } });
      expectStatus(ctx, headNeither.response, 406, `HEAD ${path} accepting neither PDF nor DOCX`);
    }
    const html = await user.POST('/api/v1/documents', { body: { templateRef: { id: tag }, result: { format: 'html' } } });
    expectStatus(ctx, html.response, 400, 'CreateDocument in a format flowmock cannot generate');
  },
};
