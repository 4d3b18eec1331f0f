/**
 * Driver for @hey-api/openapi-ts (fetch client, generated into ./client). No option needed:
 * auth comes from the `auth` callback per security scheme, binary answers are Blobs, path
 * parameters are encoded by the client.
 *
 * XML start body: hey-api types a body with several media types by its JSON one only
 * (`ExecuteFlowData['body']` is `PluginInput`) and sends `Content-Type: application/json` through
 * its JSON body serializer. Per call: `bodySerializer: null` (the string goes out unchanged),
 * `headers: { 'Content-Type': 'application/xml' }` (the call's headers override the generated
 * one), and a cast of the string to the body type.
 */
import { createClient, createConfig } from './client/client';
import {
  executeFlow, getDocumentContent, getFlowExecution, getFlowExecutionProgress, startFlow, triggerActionflow,
  type ExecuteFlowData, type StartFlowData,
} from './client';
import {
  INVOICE_FLOW, ORDER_FLOW, type ProblemBody, type XmlStartResult, MAX_POLLS, PHIXFLOW_ACTIONFLOW, PHIXFLOW_APPLICATION, PHIXFLOW_RECORDS, POLL_SECONDS,
  documentIdOf, isStable, type FlowToPdfResult, type Target, type TriggerResult,
} from './sequence';

export async function flowToPdf(t: Target): Promise<FlowToPdfResult> {
  // ExecuteFlow and the others list two schemes (X-API-Key, bearer): answer only the API key.
  const client = createClient(createConfig({ baseUrl: t.baseUrl, auth: (a) => (a.type === 'apiKey' ? t.apiKey : undefined) }));
  const started = await executeFlow({ client, query: { flowId: INVOICE_FLOW }, throwOnError: true });
  const id = started.data.id;
  let status = started.data.status;
  let polls = 0;
  while (!isStable(status) && polls < MAX_POLLS) {
    polls++;
    const p = await getFlowExecutionProgress({ client, path: { execution: id }, query: { timeout: POLL_SECONDS }, throwOnError: true });
    status = p.data.status;
  }
  const execution = await getFlowExecution({ client, path: { execution: id }, throwOnError: true });
  const documentId = documentIdOf(execution.data.state.output?.model);
  const content = await getDocumentContent({ client, path: { documentId }, throwOnError: true });
  const pdf = new Uint8Array(await content.data.arrayBuffer());
  return { executionId: id, status, polls, executionStatus: execution.data.status, documentId, pdf, downloadedWith: 'client', contentType: content.response.headers.get('content-type') ?? undefined };
}

export async function phixflowTrigger(t: Target): Promise<TriggerResult> {
  const client = createClient(createConfig({ baseUrl: t.baseUrl, auth: () => t.phixflowToken }));
  const res = await triggerActionflow({
    client, path: { application: PHIXFLOW_APPLICATION, actionflow: PHIXFLOW_ACTIONFLOW }, body: PHIXFLOW_RECORDS, throwOnError: true,
  });
  return { httpStatus: res.response.status, status: res.data.status, data: (res.data.data ?? {}) as Record<string, unknown[]> };
}

export async function xmlStart(t: Target, xml: string): Promise<XmlStartResult> {
  const client = createClient(createConfig({ baseUrl: t.baseUrl, auth: (a) => (a.type === 'apiKey' ? t.apiKey : undefined) }));
  // The recipe: no serializer, the XML media type, the string cast to the (JSON-only) body type.
  const xmlBody = { bodySerializer: null, headers: { 'Content-Type': 'application/xml' } };
  const executed = await executeFlow({
    client, query: { flowId: ORDER_FLOW }, body: xml as unknown as ExecuteFlowData['body'], ...xmlBody, throwOnError: true,
  });
  const started = await startFlow({
    client, query: { flow: ORDER_FLOW }, body: xml as unknown as StartFlowData['body'], ...xmlBody, throwOnError: true,
  });
  // Without it: the JSON serializer sends the string JSON-encoded as application/json.
  const refused = await executeFlow({ client, query: { flowId: ORDER_FLOW }, body: xml as unknown as ExecuteFlowData['body'] });
  return {
    executeFlow: { executionId: executed.data.id, status: executed.data.status },
    startFlow: { executionId: started.data.id, status: started.data.status },
    withoutRecipe: { httpStatus: refused.response.status, problem: refused.error as ProblemBody },
  };
}
