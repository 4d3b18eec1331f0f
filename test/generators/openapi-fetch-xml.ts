/**
 * The XML start body through openapi-typescript + openapi-fetch, as a client team uses them
 * without flowmock/client: `generated/openapi-types.ts` is openapi-typescript's output for the
 * spec (`npm run generate`), so no generation step is needed here. openapi-fetch types the body
 * as any of the operation's media types (the XML string included) but serializes it with
 * JSON.stringify and says application/json; per call: `bodySerializer: (body) => body` and
 * `headers: { 'Content-Type': 'application/xml' }` (what flowmock/client's runFlow does for a string).
 * Same interface as the generated clients' drivers (drivers/<id>.ts `xmlStart`).
 */
import createClient from 'openapi-fetch';
import type { paths } from '../../generated/openapi-types.js';
import { ORDER_FLOW, type ProblemBody, type Target, type XmlStartResult } from './drivers/sequence.js';

export async function xmlStart(t: Target, xml: string): Promise<XmlStartResult> {
  const api = createClient<paths>({ baseUrl: t.baseUrl, headers: { 'X-API-Key': t.apiKey } });
  const asXml = { bodySerializer: (body: unknown) => body as string, headers: { 'Content-Type': 'application/xml' } };
  const executed = await api.POST('/api/v1/flows/executions', { params: { query: { flowId: ORDER_FLOW } }, body: xml, ...asXml });
  const started = await api.POST('/api/v1/flows/executions/start', { params: { query: { flow: ORDER_FLOW } }, body: xml, ...asXml });
  if (!executed.data || !started.data) throw new Error(`XML start refused: ${JSON.stringify(executed.error ?? started.error)}`);
  // Without the two options: the string JSON-encoded, as application/json.
  const refused = await api.POST('/api/v1/flows/executions', { params: { query: { flowId: ORDER_FLOW } }, body: xml });
  return {
    executeFlow: { executionId: executed.data.id, status: executed.data.status },
    startFlow: { executionId: started.data.id, status: started.data.status },
    withoutRecipe: { httpStatus: refused.response.status, problem: refused.error as ProblemBody },
  };
}
