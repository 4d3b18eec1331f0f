/**
 * Everything the contract run does not reach on purpose, with the reason, in one place:
 * documented statuses no request can produce through the proxy, and what Prism itself prevents.
 */

export interface UnreachableStatus { operationId: string; status: number; reason: string }

/** Documented statuses the suite does not (cannot) produce. */
export const UNREACHABLE: UnreachableStatus[] = [
  {
    operationId: 'GetExternalUsers',
    status: 503,
    reason: 'needs a --external-users directory file broken under the running server (test/smartflows/external-users.test.ts)',
  },
  {
    operationId: 'SyncExternalUsers',
    status: 503,
    reason: 'needs a --external-users directory file broken under the running server (test/smartflows/external-users.test.ts)',
  },
  {
    operationId: 'GetHealth',
    status: 503,
    reason: 'needs the database file deleted under the running server (test/reliability/store-locks.test.ts)',
  },
  {
    operationId: 'AuthenticateLoginPost',
    status: 429,
    reason: 'needs 5 failed logins for one user within 15 minutes, which would lock the run out of its own login checks (test/reliability/login-throttle.test.ts)',
  },
  {
    operationId: 'AuthenticateOauth2Post',
    status: 200,
    reason: 'flowmock configures no OAuth2 provider (AuthenticateGet lists none), so every well-formed call is a 409; the 200 is documented as the vendor\'s answer shape for clients',
  },
  {
    operationId: 'StartFlow',
    status: 409,
    reason: 'a flow name two flows share; the demo flows have distinct names (the rule is in src/api/executions/executions.ts flowByIdOrName)',
  },
  {
    operationId: 'PostFlowCallback',
    status: 409,
    reason: 'only when the execution leaves Waiting between the lookup and the resume (a race); every other mismatch is the 404',
  },
  {
    operationId: 'DeleteAsset',
    status: 409,
    reason: 'no collection of spec/smartflows/resource-collections.yaml refers to assets yet, so no asset is ever in use (the 409 is the resource engine\'s answer for any object in use)',
  },
  {
    operationId: 'PrepareImport',
    status: 200,
    reason: "an export is gzip bytes, which Prism's proxy re-encodes as UTF-8 text (PRISM_LIMITATIONS, binary bodies); the system-admin scenario prepares straight on the server and ExecuteImport (base64 in JSON) goes through the proxy",
  },
  {
    operationId: 'RestoreBackup',
    status: 200,
    reason: "an archive is gzip bytes, which Prism's proxy re-encodes as UTF-8 text (PRISM_LIMITATIONS, binary bodies); the backup scenario restores straight on the server and checks the round trip there",
  },
];

/** What a request can get from an operation flowmock does not implement yet: the checks before the handler, and the 501. */
const BEFORE_THE_HANDLER = new Set([400, 401, 403, 413, 415, 501]);

/**
 * The documented answers of the operations that declare the 501 of an operation flowmock does not
 * implement yet (issue 13; src/api/not-implemented.ts): their vendor 2xx, 404 and 409 need a handler.
 * Derived from the spec, so an operation that gets its handler (and loses its 501) leaves this list.
 */
export function notYetImplemented(ops: Array<{ operationId: string; responses: Map<string, unknown> }>): UnreachableStatus[] {
  return ops
    .filter((op) => op.responses.has('501'))
    .flatMap((op) => [...op.responses.keys()].map(Number).filter((s) => !BEFORE_THE_HANDLER.has(s)).map((status) => ({
      operationId: op.operationId, status,
      reason: 'not implemented in flowmock yet (the operation answers its declared 501 after credentials, permission and request checks)',
    })));
}

export interface PrismLimitation { what: string; behaviour: string; consequence: string }

/** What Prism 5.14.2's proxy does that limits a contract run (found by trying). */
export const PRISM_LIMITATIONS: PrismLimitation[] = [
  {
    what: 'a 501 from the server',
    behaviour: "Prism's proxy treats an upstream 501 as \"not implemented here\" and answers its own mock of the operation instead (prism-core factory mockOrForward: UPSTREAM_NOT_IMPLEMENTED, \"Remocking the call\"): the client sees the documented example with a 2xx",
    consequence: 'the not-implemented scenario calls the operations that declare the 501 straight on the server (checking the answer against the spec itself) and sends no valid request of theirs through the proxy; the auth sweep and the negative cases (answered before the handler) still go through it',
  },
  {
    what: 'malformed JSON request bodies',
    behaviour: 'Prism (strict and lenient) answers 400 {"error":{"code":"invalid_json"}} as application/json itself; the request never reaches the server',
    consequence: 'the "malformed body" negative cases use XML bodies (ExecuteFlow, StartFlow), which Prism forwards; malformed JSON is not sent',
  },
  {
    what: 'falsy or string JSON request bodies',
    behaviour: 'Prism re-serialises the parsed body before forwarding it (prism-http forwarder serializeBody: `if (body) stringify`): a body of null, false or 0 is forwarded as no body at all, and a JSON string is forwarded without its quotes',
    consequence: 'the negative cases put only truthy, non-string values of the wrong type at the root of a body',
  },
  {
    what: 'binary response bodies (application/pdf, image/png)',
    behaviour: 'Prism reads every non-JSON upstream body with response.text() (prism-http parseResponseBody) and re-encodes it: bytes that are not UTF-8 become U+FFFD, and Content-Length is recomputed (see stoplightio/prism#2349)',
    consequence: 'binary_is_real checks the proxied answer (status, Content-Type, Content-Length = bytes received, magic bytes where ASCII) and reads the same URL from the server directly for the byte-level check',
  },
  {
    what: 'HEAD answers (HeadDocumentContent and the other declared HEADs)',
    behaviour: 'Prism forwards the status and headers of a declared HEAD but recomputes Content-Length from the (empty) body it forwards: the client sees Content-Length 0',
    consequence: 'the HEAD checks compare Content-Type and Content-Disposition through the proxy and the Content-Length straight from the server (checkHeadOfGet)',
  },
  {
    what: 'requests that break the spec, with --errors',
    behaviour: 'Prism answers them itself: 422 UNPROCESSABLE_ENTITY (not documented) or 401 UNAUTHORIZED for missing credentials; the server never sees them',
    consequence: 'negative cases and missing-credential calls go through a second Prism proxy without --errors, which forwards them and lists the request violations in sl-violations',
  },
];
