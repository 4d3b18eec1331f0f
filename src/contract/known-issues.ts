/**
 * Spec violations of the flowmock reference server that the contract tests found and that are not
 * fixed yet, in one place. A failure matching an entry is reported as "known" (not counted as a
 * failure) on reference runs only; an entry that no longer matches any failure fails the run, so
 * the list cannot go stale. Remove an entry when the server or the spec is fixed.
 */
import type { CheckResult } from './recorder.js';

export interface KnownIssue {
  id: string;
  /** Operation, request and violation, as found. */
  summary: string;
  matches(r: CheckResult): boolean;
}


export const KNOWN_ISSUES: KnownIssue[] = [];

export function classifyKnownIssue(r: CheckResult): string | undefined {
  return KNOWN_ISSUES.find((k) => k.matches(r))?.id;
}
