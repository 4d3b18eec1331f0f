/**
 * Consumer test against `prism mock` (what `flowmock mock` runs): the typed client walks the
 * seed's sequences — start a flow, read its progress, read the execution, download the document;
 * trigger an actionflow — against Prism's stateless mock of the spec. Client code written against
 * the mock is checked too: every call is typed from the spec and Prism validates each request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmartFlowsClient, createPhixFlowClient, unwrap } from '../../src/client/index.js';
import { startPrism, type PrismProcess } from '../support/prism.js';

let prism: PrismProcess;
beforeAll(async () => { prism = await startPrism(['mock', 'generated/openapi.json', '--errors']); }, 60_000);
afterAll(async () => { await prism?.stop(); });

const FLOW = '11111111-1111-4111-8111-111111111101';

describe('the typed client against prism mock', () => {
  it('runs the Smart Flows seed sequence: start, progress, execution, document', async () => {
    const sf = createSmartFlowsClient({ baseUrl: prism.base, apiKey: 'any-key-the-mock-accepts' });
    const started = await unwrap(sf.api.POST('/api/v1/flows/executions', { params: { query: { flowId: FLOW } } }));
    expect(started.percentage).toBe(0);
    expect(['Running', 'Queued']).toContain(started.status);

    const progress = await unwrap(sf.api.GET('/api/v1/flows/executions/{execution}/progress', {
      params: { path: { execution: started.id }, query: { timeout: 5 } },
    }));
    expect(progress.id).toBeTruthy();

    const execution = await unwrap(sf.api.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: started.id } } }));
    const model = execution.state.output?.model ?? {};
    const doc = Object.values(model).map((v) => (v as { document?: { id: string } }).document).find(Boolean);
    expect(doc?.id).toBeTruthy();

    const file = await sf.downloadDocument(doc!.id);
    expect(file.contentType).toBe('application/pdf');
  });

  it('a request that breaks the spec is refused by the mock (its documented 400), as a typed client error', async () => {
    const sf = createSmartFlowsClient({ baseUrl: prism.base, apiKey: 'any-key-the-mock-accepts' });
    const res = await sf.api.GET('/api/v1/flows/executions', { params: { query: { size: 1000 } } });
    expect(res.response.status).toBe(400); // Prism answers the spec's documented 400 for an invalid request
  });

  it('runs the PhixFlow sequence: a synchronous trigger answers the envelope with data', async () => {
    const pf = createPhixFlowClient({ baseUrl: prism.base, token: 'any-token' });
    const result = await pf.trigger('Demo', 'Echo and enrich', [{ name: 'Ada', email: 'ada@example.com' }]);
    expect(result.httpStatus).toBe(200);
    expect(result.envelope.status).toBe('Success');
    expect(Object.keys(result.envelope.data ?? {})).toContain('Customers');
  });
});
