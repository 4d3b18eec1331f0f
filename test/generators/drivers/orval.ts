/**
 * Driver for orval (client `fetch`, generated into ./client/api.ts with orval.config.cjs):
 * `override.useNamedParameters` (path parameters as one object: without it a path parameter
 * `flow` and a body parameter of schema `Flow` are both called `flow`), `override.components.
 * schemas.suffix: 'Model'` (without it the body parameter of schema `Data` is called `data`,
 * which orval's fetch code also uses for the answer), and the mutator `./orval-fetch`
 * (base URL, credentials, binary answers). Path parameters are not encoded by orval: encode them.
 *
 * XML start body: orval types the body as `PluginInputModel | string` but JSON-encodes it and says
 * application/json. Pass `{ headers: { 'Content-Type': 'application/xml' } }` as the call's
 * options (they override the generated header); the mutator then sends the string unchanged.
 */
import { executeFlow, getDocumentContent, getFlowExecution, getFlowExecutionProgress, startFlow, triggerActionflow } from './client/api';
import { setFlowmockTarget } from './orval-fetch';
import {
  INVOICE_FLOW, ORDER_FLOW, type ProblemBody, type XmlStartResult, MAX_POLLS, PHIXFLOW_ACTIONFLOW, PHIXFLOW_APPLICATION, PHIXFLOW_RECORDS, POLL_SECONDS,
  documentIdOf, isStable, type FlowToPdfResult, type Target, type TriggerResult,
} from './sequence';

function ok<R extends { status: number; data: unknown }, S extends R['status']>(res: R, status: S): Extract<R, { status: S }> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.data)}`);
  return res as Extract<R, { status: S }>;
}

export async function flowToPdf(t: Target): Promise<FlowToPdfResult> {
  setFlowmockTarget({ baseUrl: t.baseUrl, headers: { 'X-API-Key': t.apiKey } });
  const started = ok(await executeFlow(undefined, { flowId: INVOICE_FLOW }), 200);
  const id = started.data.id;
  let status = started.data.status;
  let polls = 0;
  while (!isStable(status) && polls < MAX_POLLS) {
    polls++;
    status = ok(await getFlowExecutionProgress({ execution: id }, { timeout: POLL_SECONDS }), 200).data.status;
  }
  const execution = ok(await getFlowExecution({ execution: id }), 200);
  const documentId = documentIdOf(execution.data.state.output?.model);
  const content = ok(await getDocumentContent({ documentId: encodeURIComponent(documentId) }), 200);
  const pdf = new Uint8Array(await content.data.arrayBuffer());
  return { executionId: id, status, polls, executionStatus: execution.data.status, documentId, pdf, downloadedWith: 'client', contentType: content.data.type };
}

export async function phixflowTrigger(t: Target): Promise<TriggerResult> {
  setFlowmockTarget({ baseUrl: t.baseUrl, headers: { Authorization: `Bearer ${t.phixflowToken}` } });
  const res = ok(await triggerActionflow(
    { application: encodeURIComponent(PHIXFLOW_APPLICATION), actionflow: encodeURIComponent(PHIXFLOW_ACTIONFLOW) }, PHIXFLOW_RECORDS), 200);
  return { httpStatus: res.status, status: res.data.status, data: (res.data.data ?? {}) as Record<string, unknown[]> };
}

export async function xmlStart(t: Target, xml: string): Promise<XmlStartResult> {
  setFlowmockTarget({ baseUrl: t.baseUrl, headers: { 'X-API-Key': t.apiKey } });
  const asXml: RequestInit = { headers: { 'Content-Type': 'application/xml' } };
  const executed = ok(await executeFlow(xml, { flowId: ORDER_FLOW }, asXml), 200);
  const started = ok(await startFlow({ flow: ORDER_FLOW }, xml, asXml), 200);
  // Without the header: the string goes out JSON-encoded as application/json.
  const refused = await executeFlow(xml, { flowId: ORDER_FLOW });
  return {
    executeFlow: { executionId: executed.data.id, status: executed.data.status },
    startFlow: { executionId: started.data.id, status: started.data.status },
    withoutRecipe: { httpStatus: refused.status, problem: refused.data as ProblemBody },
  };
}
