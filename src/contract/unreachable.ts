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
  {
    operationId: 'SetupConnector',
    status: 409,
    reason: 'a connector whose type has no setup wizard; every connector names one of the seeded connector types (rest, dynamics, salesforce), which all have one, and the vendor API creates no types (src/engine/connectors/setup-stages.ts)',
  },
];

export interface PrismLimitation { what: string; behaviour: string; consequence: string }

/** What Prism 5.14.2's proxy does that limits a contract run (found by trying). */
export const PRISM_LIMITATIONS: PrismLimitation[] = [
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
