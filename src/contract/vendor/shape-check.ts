/**
 * The contract suite's `vendor_shape_conformance` check: a 2xx JSON answer of an operation the
 * vendor also has (same method and path template) must fit the vendor's JSON Schema of the
 * operation's return type (vendor-schemas.ts). Error answers are not judged: the vendor publishes
 * no error bodies. Findings name the operation, the JSON pointer and the rule.
 */
import type { VendorValidator, VendorViolation } from './vendor-schemas.js';

export interface VendorShapeVerdict {
  /** The vendor operation name. */
  operation: string;
  violations: VendorViolation[];
}

/** undefined when the check does not apply (not a vendor operation, not a 2xx, not JSON). */
export function vendorShapeVerdict(vendor: VendorValidator, method: string, pathTemplate: string, status: number, mediaType: string | null, json: unknown): VendorShapeVerdict | undefined {
  if (status < 200 || status > 299 || json === undefined) return undefined;
  if (!mediaType || !/^application\/(?:[\w.+-]+\+)?json$/.test(mediaType)) return undefined;
  const op = vendor.operation(method, pathTemplate);
  if (!op) return undefined;
  return { operation: op.operation, violations: vendor.validate(op, json) };
}

const MAX_LISTED = 8;

/** One line: `GetFlows (GET /api/v1/flows → 200): /0/foo additionalProperties (...); /1/status enum [...]`. */
export function describeVendorShape(v: VendorShapeVerdict, where: string): string {
  if (!v.violations.length) return `${v.operation} ${where}: fits the vendor's ${v.operation} answer`;
  const listed = v.violations.slice(0, MAX_LISTED).map((x) => `${x.pointer} ${x.rule}`);
  const more = v.violations.length > MAX_LISTED ? `; and ${v.violations.length - MAX_LISTED} more` : '';
  return `${v.operation} (${where}) differs from the vendor's answer: ${listed.join('; ')}${more}`;
}
