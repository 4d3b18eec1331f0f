/**
 * What every generator's driver does, and what it reports back. Copied beside each generated
 * client with the driver (drivers import it as `./sequence`), so it depends on nothing else.
 */
export interface Target {
  /** Base URL of the server, such as http://127.0.0.1:41234 */
  baseUrl: string;
  /** Smart Flows X-API-Key of a user who may run flows. */
  apiKey: string;
  /** PhixFlow API token (Authorization: Bearer) of a user who may run actionflows. */
  phixflowToken: string;
}

/** The Invoice demo flow (no input; makes one PDF). */
export const INVOICE_FLOW = '11111111-1111-4111-8111-111111111101';
/** The Order confirmation demo flow (input: XML with root element <order>, elements customer and amount). */
export const ORDER_FLOW = '11111111-1111-4111-8111-111111111102';
/** A synchronous demo actionflow: it answers `data.Customers`, the records it was sent, enriched. */
export const PHIXFLOW_APPLICATION = 'Demo';
export const PHIXFLOW_ACTIONFLOW = 'Echo and enrich';
export const PHIXFLOW_OUTPUT = 'Customers';
export const PHIXFLOW_RECORDS = [
  { name: 'Ada Lovelace', email: 'ada@example.com' },
  { name: 'Alan Turing', email: 'alan@example.org' },
];
/** Long-poll seconds per progress call, and how many calls at most. */
export const POLL_SECONDS = 5;
export const MAX_POLLS = 40;

export const STABLE = ['Success', 'Warning', 'Error', 'Interrupted', 'Canceled'];

export interface FlowToPdfResult {
  executionId: string;
  /** The last progress status (Success when it went right). */
  status: string;
  polls: number;
  /** `GET /flows/executions/{id}` answered, with this status. */
  executionStatus: string;
  documentId: string;
  pdf: Uint8Array;
  /** Content-Type of the download, when the client exposes it. */
  contentType?: string;
  /** `client`: the generated client downloaded the PDF; `fetch`: it cannot, and the driver used the README's workaround. */
  downloadedWith: 'client' | 'fetch';
  /** With `fetch`: what the generated download call gave instead (typeof and length), to prove the limitation still holds. */
  clientGave?: { type: string; length: number };
}

export interface TriggerResult {
  /** The HTTP status, when the client exposes it. */
  httpStatus?: number;
  status: string;
  data: Record<string, unknown[]>;
}

/** A problem+json body, as far as the XML sequence looks at it. */
export interface ProblemBody {
  status?: number;
  title?: string;
  errors?: Array<{ rule?: string; in?: string }>;
}

/**
 * The XML start body sent through the generated client (each driver's recipe), and the same XML
 * through the generated ExecuteFlow as the generator sends it without the recipe.
 */
export interface XmlStartResult {
  /** ExecuteFlow for ORDER_FLOW with the XML body: the execution and its first progress status. */
  executeFlow: { executionId: string; status: string };
  /** StartFlow (`flow` = ORDER_FLOW) with the XML body: the new FlowExecution. */
  startFlow: { executionId: string; status: string };
  /** Without the recipe (the generator's default: JSON-encoded, or text/plain): refused, with this answer. */
  withoutRecipe: { httpStatus: number; problem: ProblemBody };
}

/** The produced document's id in `state.output.model` (`{ <name>: { document: { id } } }`). */
export function documentIdOf(model: unknown): string {
  for (const v of Object.values((model ?? {}) as Record<string, unknown>)) {
    const id = (v as { document?: { id?: unknown } } | null)?.document?.id;
    if (typeof id === 'string') return id;
  }
  throw new Error(`no document in the output model: ${JSON.stringify(model)}`);
}

export function isStable(status: string | undefined): boolean {
  return status !== undefined && STABLE.includes(status);
}
