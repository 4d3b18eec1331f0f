/**
 * Triggers two PhixFlow demo actionflows: "Echo and enrich" (Wait for result: the answer comes
 * at once) and "Long report" (Poll for result: a 202, then the client polls the status URL).
 *
 *   FLOWMOCK_URL=http://127.0.0.1:8080 PHIXFLOW_TOKEN=<token> npx tsx examples/trigger-actionflow.ts
 *
 * (`flowmock token --user api-user` prints a token.) Exits 0 when both runs end in Success.
 */
// #region readme
import { FlowmockApiError, createPhixFlowClient } from 'flowmock/client';

const phixFlow = createPhixFlowClient({
  baseUrl: process.env.FLOWMOCK_URL ?? 'http://127.0.0.1:8080',
  token: process.env.PHIXFLOW_TOKEN,
});

try {
  // Synchronous: the envelope is the answer to the trigger itself.
  const echo = await phixFlow.trigger('Demo', 'Echo and enrich', [
    { name: 'Ada Lovelace', email: 'ada@example.com' },
    { name: 'Alan Turing', email: 'alan@example.org' },
  ]);
  console.log(`Echo and enrich: ${echo.envelope.status} (HTTP ${echo.httpStatus}) ${JSON.stringify(echo.envelope.data)}`);

  // Asynchronous: 202 + Location; trigger polls it (100 ms, doubling up to 2 s) until the run ends.
  const report = await phixFlow.trigger('Demo', 'Long report', [{ month: 'Jan' }, { month: 'Feb' }], {
    timeoutMs: 30_000,
  });
  console.log(`Long report: ${report.envelope.status} after ${report.polls} poll(s) ${JSON.stringify(report.envelope.data)}`);

  // A Fail envelope is a result too (and `timedOut` marks the 504 of a run aborted by its timeout).
  if (echo.envelope.status !== 'Success' || report.envelope.status !== 'Success') process.exit(1);
} catch (err) {
  if (err instanceof FlowmockApiError) console.error(`${err.status} ${err.problem.title}: ${err.problem.detail ?? ''}`);
  else console.error(err);
  process.exit(1);
}
// #endregion readme
