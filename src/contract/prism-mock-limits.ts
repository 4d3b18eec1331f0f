/**
 * Prism's mock as a contract target (`--target prism-mock`), what it cannot do, in one place (as
 * unreachable.ts is for the reference server):
 * - MOCK_DEVIATIONS: answers of the mock that fail a conformance check because of the mock, not of
 *   the spec. On mock runs a failure they match counts as known (listed, not failed); in a full run
 *   an entry that matches nothing fails the run, so the list cannot go stale.
 * - STATELESS_LIMITS: why no behaviour check means anything against a stateless mock. Behaviour
 *   checks run anyway and are reported apart, with their counts, as not applicable.
 * Found by running the suite against `prism mock` (Prism 5.14.2), not assumed.
 */
import type { CheckName } from './checks.js';
import type { CheckResult } from './recorder.js';

export interface MockDeviation {
  id: string;
  /** What the mock answers. */
  behaviour: string;
  /** Why, and why it is not a bug of the spec. */
  reason: string;
  matches(r: CheckResult): boolean;
}

const BINARY_OPS = new Set(['GetFlowThumbnail', 'GetDocumentContent', 'GetDocumentContentAlt']);

export const MOCK_DEVIATIONS: MockDeviation[] = [
  {
    id: 'mock-binary-placeholder',
    behaviour: 'binary answers (GetFlowThumbnail image/png; GetDocumentContent, GetDocumentContentAlt application/pdf) are the 6 bytes "string" with the documented Content-Type',
    reason: 'their schema is `type: string, format: binary` without an example (PNG and PDF bytes cannot be written in the YAML spec); Prism\'s mock then sends the schema\'s type name as the body, so binary_is_real (magic bytes) fails',
    matches: (r) => r.check === 'binary_is_real' && BINARY_OPS.has(r.operationId ?? ''),
  },
];

export function classifyMockDeviation(r: CheckResult): string | undefined {
  return MOCK_DEVIATIONS.find((d) => d.matches(r))?.id;
}

/** Why each behaviour check fails, or passes only by chance, against a stateless mock (printed beside its counts). */
export const STATELESS_LIMITS: Partial<Record<CheckName, string>> = {
  auth_enforced: 'the mock checks only that a credential is present: unknown, malformed and forged keys or tokens pass, and with no users there is no 403',
  ownership_not_leaked: 'every caller gets the same example, so another user\'s execution or process is not hidden',
  location_resolves: 'passes by chance only: the Location is the spec\'s example path, which the mock answers with its example like any other',
  stable_status_sticky: 'each operation answers its own example: one execution id is Success in one answer and Running in the next',
  percentage_monotonic: 'passes by chance only: each operation answers its own example percentage, whatever came before',
  not_ready_before_success: 'executions never end and documents are always there',
  negative_input_rejected: 'the mock checks requests against the schemas (400 with the first 400 example, whatever was wrong), but has no body limit (413) and does not parse XML bodies',
  behaves_as_documented: 'started executions never progress, nothing created is kept, the ids answered are the examples\' and not the ids asked for, and no 404, 409 or 504 is ever answered',
};
