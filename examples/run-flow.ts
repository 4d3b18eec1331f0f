/**
 * Runs the Invoice demo flow on a Smart Flows server (flowmock or the real one) and saves the
 * PDF it produces.
 *
 *   FLOWMOCK_URL=http://127.0.0.1:8080 FLOWMOCK_API_KEY=<key> npx tsx examples/run-flow.ts invoice.pdf
 *
 * Exits 0 after saving the PDF; 1 when the flow did not end in Success or a request failed.
 */
// #region readme
import { writeFile } from 'node:fs/promises';
import { FlowmockApiError, createSmartFlowsClient } from 'flowmock/client';

const INVOICE_FLOW = '11111111-1111-4111-8111-111111111101';
const outFile = process.argv[2] ?? 'invoice.pdf';

const smartFlows = createSmartFlowsClient({
  baseUrl: process.env.FLOWMOCK_URL ?? 'http://127.0.0.1:8080',
  apiKey: process.env.FLOWMOCK_API_KEY ?? '',
});

try {
  // Starts the execution, long-polls its progress and returns once it has a stable status.
  const run = await smartFlows.runFlow(INVOICE_FLOW, undefined, {
    timeoutMs: 60_000,
    onProgress: (p) => console.log(`progress: ${p.status} ${p.percentage}% ${p.message ?? ''}`),
  });
  console.log(`execution ${run.id} ended ${run.status} with ${run.documents.length} document(s)`);
  if (run.status !== 'Success' || run.documents.length === 0) process.exit(1);

  const pdf = await smartFlows.downloadDocument(run.documents[0].id);
  await writeFile(outFile, pdf.bytes);
  console.log(`saved ${pdf.fileName} (${pdf.contentType}, ${pdf.bytes.length} bytes) to ${outFile}`);
} catch (err) {
  if (err instanceof FlowmockApiError) console.error(`${err.status} ${err.problem.title}: ${err.problem.detail ?? ''}`);
  else console.error(err);
  process.exit(1);
}
// #endregion readme
