/**
 * Driver for swagger-typescript-api (`generate -p <spec> -o ./client -n api.ts`, its default fetch
 * HttpClient). Credentials through `securityWorker`. An answer declared by `$ref` to a shared
 * response (ExecuteFlow's ProgressStarted, TriggerActionflow's EnvelopeDone, the lists) gets no
 * `format` in the generated method, which then leaves `data` null: pass `{ format: 'json' }`;
 * binary answers need `{ format: 'blob' }` likewise. A body declared by `$ref` to a shared
 * request body (TriggerActionflow's ActionflowInput) gets no `type`, so it goes out without a
 * Content-Type (fetch then says text/plain): pass `{ type: ContentType.Json }`. It does not
 * encode path parameters (encode them), and it makes ExecuteFlow's optional body a required
 * argument (pass `undefined` with a cast for a flow without input).
 *
 * XML start body: its `ContentType` enum has no XML entry and a `type` outside the enum has no
 * body formatter (the call throws); without a `type` the body is JSON-encoded. So: send the string
 * with `type: ContentType.Text` (that formatter leaves a string unchanged) through an `Api` whose
 * `customFetch` relabels `text/plain` as `application/xml` (flowmock's Smart Flows operations take
 * no text/plain body: this instance is for XML starts; the PhixFlow trigger does take text/plain).
 */
import { Api, ContentType, type PluginInput } from './client/api';
import {
  INVOICE_FLOW, ORDER_FLOW, type ProblemBody, type XmlStartResult, MAX_POLLS, PHIXFLOW_ACTIONFLOW, PHIXFLOW_APPLICATION, PHIXFLOW_RECORDS, POLL_SECONDS,
  documentIdOf, isStable, type FlowToPdfResult, type Target, type TriggerResult,
} from './sequence';

export async function flowToPdf(t: Target): Promise<FlowToPdfResult> {
  const client = new Api({ baseUrl: t.baseUrl, securityWorker: () => ({ headers: { 'X-API-Key': t.apiKey } }) });
  const started = await client.api.executeFlow(undefined as unknown as PluginInput, { flowId: INVOICE_FLOW }, { format: 'json' });
  const id = started.data.id;
  let status = started.data.status;
  let polls = 0;
  while (!isStable(status) && polls < MAX_POLLS) {
    polls++;
    status = (await client.api.getFlowExecutionProgress(encodeURIComponent(id), { timeout: POLL_SECONDS })).data.status;
  }
  const execution = await client.api.getFlowExecution(encodeURIComponent(id));
  const documentId = documentIdOf(execution.data.state.output?.model);
  const content = await client.api.getDocumentContent(encodeURIComponent(documentId), { format: 'blob' });
  const pdf = new Uint8Array(await content.data.arrayBuffer());
  return {
    executionId: id, status, polls, executionStatus: execution.data.status, documentId, pdf,
    contentType: content.headers.get('content-type') ?? undefined, downloadedWith: 'client',
  };
}

export async function phixflowTrigger(t: Target): Promise<TriggerResult> {
  const client = new Api({ baseUrl: t.baseUrl, securityWorker: () => ({ headers: { Authorization: `Bearer ${t.phixflowToken}` } }) });
  const res = await client.phixflow.triggerActionflow(encodeURIComponent(PHIXFLOW_APPLICATION), encodeURIComponent(PHIXFLOW_ACTIONFLOW), PHIXFLOW_RECORDS, undefined, { type: ContentType.Json, format: 'json' });
  return { httpStatus: res.status, status: res.data.status, data: (res.data.data ?? {}) as Record<string, unknown[]> };
}

/** `customFetch` for the XML client: a text/plain body goes out as application/xml, unchanged. */
const xmlFetch: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  if (headers.get('Content-Type') === ContentType.Text) headers.set('Content-Type', 'application/xml');
  return fetch(input, { ...init, headers });
};

export async function xmlStart(t: Target, xml: string): Promise<XmlStartResult> {
  const securityWorker = () => ({ headers: { 'X-API-Key': t.apiKey } });
  const xmlClient = new Api({ baseUrl: t.baseUrl, securityWorker, customFetch: xmlFetch });
  const body = xml as unknown as PluginInput;
  const executed = await xmlClient.api.executeFlow(body, { flowId: ORDER_FLOW }, { type: ContentType.Text, format: 'json' });
  const started = await xmlClient.api.startFlow({ flow: ORDER_FLOW }, body, { type: ContentType.Text });
  // A plain client as generated: the $ref body gets no type, so the string is JSON-encoded and goes
  // out without a Content-Type (fetch says text/plain). The client throws the failed response.
  const client = new Api({ baseUrl: t.baseUrl, securityWorker });
  let withoutRecipe: XmlStartResult['withoutRecipe'] | undefined;
  try {
    await client.api.executeFlow(body, { flowId: ORDER_FLOW }, { format: 'json' });
  } catch (err) {
    const res = err as { status?: unknown; error?: unknown };
    if (typeof res.status !== 'number') throw err;
    withoutRecipe = { httpStatus: res.status, problem: res.error as ProblemBody };
  }
  if (!withoutRecipe) throw new Error('the plain client sent the XML string JSON-encoded and it was accepted');
  return {
    executeFlow: { executionId: executed.data.id, status: executed.data.status },
    startFlow: { executionId: started.data.id, status: started.data.status },
    withoutRecipe,
  };
}
