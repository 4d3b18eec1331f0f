/** The named checks (Schemathesis style). Every recorded assertion belongs to one of them. */
export const CHECKS = {
  status_code_conformance: 'the response status is documented for the operation',
  content_type_conformance: 'the response media type is documented for that status',
  response_schema_conformance: 'the JSON body fits the documented schema (our Ajv validator and Prism)',
  not_a_server_error: 'no 5xx answer, except a documented one (504 of a timed-out actionflow)',
  valid_request_accepted: 'Prism accepted a request the scenario meant to be valid (the client follows the spec)',
  auth_enforced: 'missing or bad credentials 401, missing rights 403, never mixed',
  ownership_not_leaked: "another user's execution, document or process answers like an unknown one and stays out of lists",
  location_resolves: 'the Location header of a 201/202 answers 200',
  stable_status_sticky: 'a stable status (execution or process) never changes again',
  percentage_monotonic: "an execution's progress percentage never goes down",
  not_ready_before_success: "a document's content is a 409 until its execution has ended, then the file",
  binary_is_real: 'PDF/PNG bodies: magic bytes, Content-Type and Content-Length agree',
  negative_input_rejected: 'a request breaking a declared rule gets the documented 4xx, never a 5xx',
  behaves_as_documented: "the scenario's expectations taken from the operation descriptions",
  vendor_shape_conformance: "a 2xx JSON answer of a vendor Smart Flows operation fits the vendor's model (JSON Schemas derived from reference/smart-flows-vendor-contract.json)",
} as const;

export type CheckName = keyof typeof CHECKS;
export const CHECK_NAMES = Object.keys(CHECKS) as CheckName[];

/**
 * Conformance checks judge the shape of single exchanges (what any implementation of the spec,
 * stateless or not, must get right); behaviour checks judge what a server does over several calls
 * or with what it knows (state, users, rights). A stateless target (Prism's mock) can only be held
 * to the first kind.
 */
export const CONFORMANCE_CHECKS: ReadonlySet<CheckName> = new Set<CheckName>([
  'status_code_conformance', 'content_type_conformance', 'response_schema_conformance', 'not_a_server_error',
  'valid_request_accepted', 'binary_is_real', 'vendor_shape_conformance',
]);

export const isConformanceCheck = (check: CheckName): boolean => CONFORMANCE_CHECKS.has(check);
