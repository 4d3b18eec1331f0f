/**
 * The checks every answer gets, as an openapi-fetch middleware:
 * - Prism's verdict (`sl-violations`, or an answer Prism made itself) mapped onto the named checks,
 *   with Prism's own text;
 * - our own validator (the server's Ajv `SpecValidator` on the bundled spec): status documented,
 *   media type documented, JSON body valid;
 * - not_a_server_error; coverage (operation called, status answered by the server); lifecycle;
 *   the call's trace entry (status, media type, documented headers present) for --compare.
 * On the strict proxy a request Prism refuses fails `valid_request_accepted`; on the lenient proxy
 * request violations are expected (those requests break the spec on purpose) and only kept.
 */
import type { Middleware } from 'openapi-fetch';
import type { ProxyMode } from './prism.js';
import type { Recorder } from '../recorder.js';
import type { SpecIndex, OperationSpec } from '../spec-index.js';
import type { CheckName } from '../checks.js';
import { prismVerdict, checkOfViolation, describeViolation, type PrismVerdict } from './prism-verdict.js';
import { feedLifecycle } from './lifecycle-feed.js';
import { documentedHeaderPresence } from '../compare/trace.js';
import { describeVendorShape, vendorShapeVerdict } from '../vendor/shape-check.js';

/** What the harness saw of one exchange; scenarios read it with `exchangeOf(response)`. */
export interface Exchange {
  operationId: string;
  method: string;
  url: string;
  status: number;
  mediaType: string | null;
  bytes: Uint8Array;
  /** Parsed JSON body, when the answer is JSON. */
  json: unknown;
  verdict: PrismVerdict;
  mode: ProxyMode;
}

/** Each answer's exchange, kept on the answer itself (no module state). */
const EXCHANGE = Symbol('flowmock.contract.exchange');
type WithExchange = Response & { [EXCHANGE]?: Exchange };

export function exchangeOf(res: Response): Exchange {
  const x = (res as WithExchange)[EXCHANGE];
  if (!x) throw new Error('this response did not go through the contract client');
  return x;
}

const isJson = (media: string | null) => !!media && /^application\/(?:[\w.+-]+\+)?json$/.test(media);

export function responseChecks(opts: { mode: ProxyMode; recorder: Recorder; spec: SpecIndex; tags: string[] }): Middleware {
  const { mode, recorder, spec, tags } = opts;
  return {
    async onResponse({ request, response, schemaPath }) {
      const op: OperationSpec | undefined = spec.find(request.method, schemaPath);
      const pathname = new URL(request.url).pathname;
      if (!op) {
        recorder.fail('behaves_as_documented', `the client called ${request.method} ${schemaPath}, which is not in the spec`, { tags });
        return undefined;
      }
      const id = op.operationId;
      recorder.coverage.called(id);
      const bytes = new Uint8Array(await response.clone().arrayBuffer());
      const contentType = response.headers.get('content-type');
      const mediaType = contentType ? contentType.split(';')[0].trim().toLowerCase() : null;
      let json: unknown;
      if (isJson(mediaType) && bytes.length) {
        try {
          json = JSON.parse(new TextDecoder().decode(bytes));
        } catch {
          json = undefined;
        }
      }
      const verdict = prismVerdict(response.headers, response.status, json);
      Object.defineProperty(response, EXCHANGE, { configurable: true, value: { operationId: id, method: request.method, url: request.url, status: response.status, mediaType, bytes, json, verdict, mode } satisfies Exchange });
      recorder.trace.call({
        scenario: recorder.scenario, operationId: id, method: request.method, status: response.status, mediaType,
        headers: documentedHeaderPresence(op.responses.get(String(response.status))?.headers, response.headers), answeredBy: verdict.generatedBy,
        ...(recorder.poll?.operationId === id ? { poll: recorder.poll.id } : {}),
      });
      const where = `${request.method} ${pathname} → ${response.status}`;
      const extra = { operationId: id, status: response.status, tags };

      if (verdict.generatedBy === 'prism-refused-request') {
        if (mode === 'strict') {
          recorder.fail('valid_request_accepted', `${id}: Prism refused the request (${where}): ${verdict.request.map(describeViolation).join('; ')}`, extra);
        }
        return undefined;
      }
      if (mode === 'strict') recorder.pass('valid_request_accepted', `${id}: ${where}`, extra);

      const findings = new Map<CheckName, string[]>([
        ['status_code_conformance', []], ['content_type_conformance', []], ['response_schema_conformance', []],
      ]);
      for (const v of verdict.response) findings.get(checkOfViolation(v))!.push(describeViolation(v));

      if (verdict.generatedBy === 'prism-replaced-response') {
        // The server's answer was replaced by Prism's 500: only Prism's findings are known.
        let any = false;
        for (const [check, list] of findings) {
          if (!list.length) continue;
          any = true;
          recorder.fail(check, `${id} (${request.method} ${pathname}): ${list.join('; ')}`, { ...extra, status: undefined });
        }
        if (!any) recorder.fail('response_schema_conformance', `${id} (${request.method} ${pathname}): Prism replaced the answer (${verdict.prismType}) without naming a response violation`, { ...extra, status: undefined });
        return undefined;
      }

      const ours = spec.checkResponse(op, response.status, contentType, bytes);
      findings.get('status_code_conformance')!.push(...ours.status.map((m) => `flowmock validator: ${m}`));
      findings.get('content_type_conformance')!.push(...ours.contentType.map((m) => `flowmock validator: ${m}`));
      findings.get('response_schema_conformance')!.push(...ours.schema.map((m) => `flowmock validator: ${m}`));
      for (const [check, list] of findings) {
        recorder.record(check, list.length === 0, list.length ? `${where}: ${list.join('; ')}${excerpt(bytes, mediaType)}` : `${id} ${where}`, extra);
      }
      const vendorShape = vendorShapeVerdict(spec.vendor, request.method, op.path, response.status, mediaType, json);
      if (vendorShape) recorder.record('vendor_shape_conformance', vendorShape.violations.length === 0, describeVendorShape(vendorShape, where), extra);
      const documented = op.responses.has(String(response.status));
      const serverError = response.status >= 500 && !documented;
      recorder.record('not_a_server_error', !serverError, serverError ? `${id} ${where}${excerpt(bytes, mediaType)}` : `${id} ${where}`, extra);
      recorder.coverage.answered(id, response.status);
      feedLifecycle(recorder.lifecycle, id, response.status, json);
      return undefined;
    },
  };
}

function excerpt(bytes: Uint8Array, mediaType: string | null): string {
  if (!bytes.length || !(isJson(mediaType) || mediaType?.startsWith('text/'))) return '';
  const text = new TextDecoder().decode(bytes.slice(0, 400));
  return ` — body: ${text}${bytes.length > 400 ? '…' : ''}`;
}
