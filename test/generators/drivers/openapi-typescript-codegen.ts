/**
 * Driver for openapi-typescript-codegen (`--client fetch --useUnionTypes`, generated into
 * ./client). `--useUnionTypes` is required: without it enums become TypeScript enums named after
 * their property, and `FieldError.in` / `TemplatePart.break` (reserved words) do not compile.
 * Settings are global (`OpenAPI.BASE`, `OpenAPI.HEADERS`, `OpenAPI.TOKEN`).
 *
 * Binary downloads: its fetch client sends `Accept: application/json` on every request (the
 * server answers a document download 406), and reads every non-JSON answer with
 * `response.text()`, so even with `Accept: application/pdf` a PDF comes back as a string with its
 * non-UTF-8 bytes replaced (typed `Blob`, it is not one).
 * The workaround: fetch the download URL directly with the same base URL and credentials.
 *
 * XML start body: the services hard-code `mediaType: 'application/json'` (JSON.stringify of the
 * body) and take a `PluginInput`; there is no interceptor. The generated core's `request`
 * (`./client/core/request`), which the services call, sends a string body unchanged with the
 * `mediaType` it is given: call it with ExecuteFlow's method, URL and query and
 * `mediaType: 'application/xml'` (same OpenAPI settings, same ApiError on failure).
 */
import { ApiError, DocumentsService, FlowExecutionsService, OpenAPI, PhixFlowActionflowsService, type FlowExecution, type FlowExecutionProgress, type PluginInput } from './client';
import { request as __request } from './client/core/request';
import {
  INVOICE_FLOW, ORDER_FLOW, type ProblemBody, type XmlStartResult, MAX_POLLS, PHIXFLOW_ACTIONFLOW, PHIXFLOW_APPLICATION, PHIXFLOW_RECORDS, POLL_SECONDS,
  documentIdOf, isStable, type FlowToPdfResult, type Target, type TriggerResult,
} from './sequence';

export async function flowToPdf(t: Target): Promise<FlowToPdfResult> {
  OpenAPI.BASE = t.baseUrl;
  OpenAPI.TOKEN = undefined;
  OpenAPI.HEADERS = { 'X-API-Key': t.apiKey };
  const started = await FlowExecutionsService.executeFlow(INVOICE_FLOW);
  let status = started.status;
  let polls = 0;
  while (!isStable(status) && polls < MAX_POLLS) {
    polls++;
    status = (await FlowExecutionsService.getFlowExecutionProgress(started.id, POLL_SECONDS)).status;
  }
  const execution = await FlowExecutionsService.getFlowExecution(started.id);
  const documentId = documentIdOf(execution.state.output?.model);
  // What the generated call gives: it sends `Accept: application/json` unless told otherwise (a
  // 406 here), and with a PDF Accept it reads the PDF as text: a string, not the Blob its type
  // says. Kept to show the limitation.
  OpenAPI.HEADERS = { 'X-API-Key': t.apiKey, Accept: 'application/pdf' };
  const given: unknown = await DocumentsService.getDocumentContent(documentId);
  const clientGave = { type: given instanceof Blob ? 'Blob' : typeof given, length: typeof given === 'string' ? given.length : given instanceof Blob ? given.size : 0 };
  // The workaround: the same URL, base and credentials, read as bytes.
  const res = await fetch(`${OpenAPI.BASE}/api/v1/documents/${encodeURIComponent(documentId)}/content`, { headers: { 'X-API-Key': t.apiKey } });
  if (!res.ok) throw new Error(`download: ${res.status}`);
  const pdf = new Uint8Array(await res.arrayBuffer());
  return {
    executionId: started.id, status, polls, executionStatus: execution.status, documentId, pdf,
    contentType: res.headers.get('content-type') ?? undefined, downloadedWith: 'fetch', clientGave,
  };
}

export async function phixflowTrigger(t: Target): Promise<TriggerResult> {
  OpenAPI.BASE = t.baseUrl;
  OpenAPI.HEADERS = undefined;
  OpenAPI.TOKEN = t.phixflowToken;
  const envelope = await PhixFlowActionflowsService.triggerActionflow(PHIXFLOW_APPLICATION, PHIXFLOW_ACTIONFLOW, undefined, undefined, PHIXFLOW_RECORDS);
  // The services answer the body only (a 200, 201 and 202 all resolve): no HTTP status to report.
  return { status: envelope.status, data: (envelope.data ?? {}) as Record<string, unknown[]> };
}

export async function xmlStart(t: Target, xml: string): Promise<XmlStartResult> {
  OpenAPI.BASE = t.baseUrl;
  OpenAPI.TOKEN = undefined;
  OpenAPI.HEADERS = { 'X-API-Key': t.apiKey };
  // The recipe: the services' own request function, with the XML media type.
  const executed = await __request<FlowExecutionProgress>(OpenAPI, {
    method: 'POST', url: '/api/v1/flows/executions', query: { flowId: ORDER_FLOW }, body: xml, mediaType: 'application/xml',
  });
  const started = await __request<FlowExecution>(OpenAPI, {
    method: 'POST', url: '/api/v1/flows/executions/start', query: { flow: ORDER_FLOW }, body: xml, mediaType: 'application/xml',
  });
  // The service itself: the string JSON-encoded as application/json.
  let withoutRecipe: XmlStartResult['withoutRecipe'] | undefined;
  try {
    await FlowExecutionsService.executeFlow(ORDER_FLOW, undefined, undefined, xml as unknown as PluginInput);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    withoutRecipe = { httpStatus: err.status, problem: err.body as ProblemBody };
  }
  if (!withoutRecipe) throw new Error('the service sent the XML string as JSON and it was accepted');
  return {
    executeFlow: { executionId: executed.id, status: executed.status },
    startFlow: { executionId: started.id, status: started.status },
    withoutRecipe,
  };
}
