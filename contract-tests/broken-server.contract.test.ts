/**
 * Proof that the contract checks can fail: a deliberately broken server (fixtures/broken-server.ts)
 * behind the same Prism proxies. Each breakage must be detected and named: the check name, and
 * the violation text from Prism and from our own validator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrism, type PrismProxy } from '../src/contract/harness/prism.js';
import { ClientFactory } from '../src/contract/harness/client.js';
import { Recorder, type CheckResult } from '../src/contract/recorder.js';
import { specIndex } from '../src/contract/spec-index.js';
import { defaultFixtures } from '../src/contract/fixtures.js';
import type { ScenarioContext } from '../src/contract/context.js';
import type { CheckName } from '../src/contract/checks.js';
import { startBrokenServer, type BrokenServer } from './fixtures/broken-server.js';
import { expectStatus } from '../src/contract/scenario-kit.js';
import { followLocation } from '../src/contract/location.js';
import { checkBinary } from '../src/contract/binary.js';
import { smartflowsAuthScenario } from '../src/contract/scenarios/auth-sweep.js';
import { runScenario } from '../src/contract/runner.js';
import { formatChecks } from '../src/contract/report/summary.js';

let server: BrokenServer | undefined;
const proxies: PrismProxy[] = [];
let ctx: ScenarioContext;
const KEY = { apiKey: 'broken-server-accepts-any-key-0123456789' };

/** Runs `fn` and returns the failures it recorded. */
async function failuresOf(fn: () => Promise<unknown>): Promise<CheckResult[]> {
  const from = ctx.recorder.results.length;
  try {
    await fn();
  } catch {
    // a client that cannot parse a broken body throws; the checks ran before that
  }
  return ctx.recorder.results.slice(from).filter((r) => !r.ok);
}

function expectDetected(failures: CheckResult[], check: CheckName, text: RegExp): void {
  const hit = failures.find((f) => f.check === check && text.test(f.detail));
  expect(hit, `expected a failed ${check} matching ${text}; got:\n${failures.map((f) => `  ${f.check}: ${f.detail}`).join('\n')}`).toBeDefined();
}

describe('contract checks catch a broken server', () => {
  beforeAll(async () => {
    server = await startBrokenServer();
    const [strict, lenient] = await Promise.all([startPrism(server.url, 'strict'), startPrism(server.url, 'lenient')]);
    proxies.push(strict, lenient);
    const recorder = new Recorder();
    const spec = specIndex();
    const fixtures = defaultFixtures();
    fixtures.keys = { admin: KEY.apiKey, user: KEY.apiKey };
    ctx = {
      recorder, spec, seed: 1, kind: 'external', negativeRuns: 1, log: () => undefined,
      main: { strict: new ClientFactory(strict.url, 'strict', recorder, spec), lenient: new ClientFactory(lenient.url, 'lenient', recorder, spec), upstreamUrl: server.url, fixtures },
    };
  });

  afterAll(async () => {
    if (ctx) console.log(`Broken server, checks as recorded:\n${formatChecks(ctx.recorder)}`);
    await Promise.all(proxies.map((p) => p.stop()));
    await server?.close();
  });

  it('a wrong field type: response_schema_conformance, from Prism (strict: its 500) and from our validator (lenient)', async () => {
    const strict = await failuresOf(() => ctx.main.strict.as(null).GET('/__flowmock/health'));
    expectDetected(strict, 'response_schema_conformance', /Prism Error \[type\] at response\.body\.version: Response body property version must be string/);
    const lenient = await failuresOf(() => ctx.main.lenient.as(null).GET('/__flowmock/health'));
    expectDetected(lenient, 'response_schema_conformance', /flowmock validator: body of GetHealth 200 breaks the schema: body \/version: must be string/);
    expectDetected(lenient, 'response_schema_conformance', /Prism Error .*version must be string/);
  });

  it('a value outside its enum: response_schema_conformance', async () => {
    const strict = await failuresOf(() => ctx.main.strict.as(null).GET('/api/v1/authenticate'));
    expectDetected(strict, 'response_schema_conformance', /methodType/);
    const lenient = await failuresOf(() => ctx.main.lenient.as(null).GET('/api/v1/authenticate'));
    expectDetected(lenient, 'response_schema_conformance', /flowmock validator: body of AuthenticateGet 200 breaks the schema: body \/methods\/0\/methodType/);
  });

  it('an undocumented status: status_code_conformance (Prism only warns and passes it through)', async () => {
    const f = await failuresOf(() => ctx.main.strict.as(KEY).GET('/api/v1/printers'));
    expectDetected(f, 'status_code_conformance', /Prism Warning at response: Unable to match the returned status code with those defined in the document: 200,401,403/);
    expectDetected(f, 'status_code_conformance', /flowmock validator: status 418 is not documented for GetPrinters/);
  });

  it('a wrong content type: content_type_conformance', async () => {
    const strict = await failuresOf(() => ctx.main.strict.as(KEY).GET('/api/v1/users/me'));
    expectDetected(strict, 'content_type_conformance', /The received media type "text\/plain" does not match the one specified in the current response: application\/json/);
    const lenient = await failuresOf(() => ctx.main.lenient.as(KEY).GET('/api/v1/users/me'));
    expectDetected(lenient, 'content_type_conformance', /flowmock validator: media type text\/plain is not documented for GetCurrentUser 200/);
  });

  it('a 500: not_a_server_error and status_code_conformance', async () => {
    const f = await failuresOf(() => ctx.main.strict.as(KEY).GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: 'x' } } }));
    expectDetected(f, 'not_a_server_error', /GetFlowExecution GET \/api\/v1\/flows\/executions\/x → 500/);
    expectDetected(f, 'status_code_conformance', /status 500 is not documented for GetFlowExecution/);
  });

  it('no authentication: auth_enforced (the auth scenario, run as is)', async () => {
    await runScenario(ctx, smartflowsAuthScenario);
    const f = ctx.recorder.results.filter((r) => !r.ok && r.scenario === smartflowsAuthScenario.name);
    expectDetected(f, 'auth_enforced', /GetFlows without credentials: expected 401, got 200/);
  }, 300_000); // a hang guard: the sweep calls every operation (189) through Prism's proxy

  // Location is a required header of CreatePrinter's 201, so Prism's validating proxy refuses the
  // answer (its 500) and the schema check names the header; location_resolves fails as well.
  it('a 201 without Location: response_schema_conformance names the required header, location_resolves fails', async () => {
    const f = await failuresOf(async () => {
      const api = ctx.main.strict.as(KEY);
      const r = await api.POST('/api/v1/printers', { body: { displayName: 'x', definition: { id: 'generic-pdf' }, defaultPrinter: false } });
      await followLocation(ctx, api, r.response, 'CreatePrinter');
    });
    expectDetected(f, 'response_schema_conformance', /CreatePrinter .*required property 'location'/);
    expectDetected(f, 'location_resolves', /CreatePrinter \d+ has no Location header/);
  });

  it('progress going backwards and a stable status changing: percentage_monotonic, stable_status_sticky', async () => {
    const f = await failuresOf(async () => {
      const api = ctx.main.strict.as(KEY);
      for (let i = 0; i < 4; i++) await api.GET('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: 'broken-execution' } } });
    });
    expectDetected(f, 'percentage_monotonic', /execution broken-execution: percentage 20 after 50/);
    expectDetected(f, 'stable_status_sticky', /execution broken-execution was Success \(stable\), now Running/);
  });

  it('a "PDF" that is no PDF: binary_is_real', async () => {
    const f = await failuresOf(async () => {
      const r = await ctx.main.strict.as(KEY).GET('/api/v1/documents/{documentId}/content', { params: { path: { documentId: 'd1' } }, parseAs: 'arrayBuffer' });
      expectStatus(ctx, r.response, 200, 'GetDocumentContent');
      await checkBinary(ctx, ctx.main, r.response, KEY, 'pdf', 'GetDocumentContent');
    });
    expectDetected(f, 'binary_is_real', /via the proxy: does not start with %PDF-/);
    expectDetected(f, 'binary_is_real', /from the server: does not start with %PDF-; does not end with %%EOF/);
  });
});
