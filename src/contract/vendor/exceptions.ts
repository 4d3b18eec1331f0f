/**
 * The one file of deliberate differences from the vendor contract (spec/vendor-exceptions.yaml).
 * An entry names the operation and/or the model (+ field) it covers, optionally the difference
 * kind, and always a reason. Anything else the comparison finds is a failure.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { PACKAGE_ROOT } from '../../package-root.js';
import { DIFFERENCE_KINDS, type DifferenceKind, type VendorDifference } from './compare-spec.js';

export interface VendorException {
  operation?: string;
  model?: string;
  field?: string;
  kind?: DifferenceKind;
  reason: string;
}

export const DEFAULT_EXCEPTIONS_FILE = path.join(PACKAGE_ROOT, 'spec', 'vendor-exceptions.yaml');

const KEYS = new Set(['operation', 'model', 'field', 'kind', 'reason']);

/** Parses and validates the file's `exceptions` list; throws naming the bad entry. */
export function parseVendorExceptions(text: string, source = 'vendor-exceptions.yaml'): VendorException[] {
  const doc = (YAML.parse(text) ?? {}) as { exceptions?: unknown };
  const list = doc.exceptions ?? [];
  if (!Array.isArray(list)) throw new Error(`${source}: exceptions must be a list`);
  return list.map((e, i) => {
    const where = `${source}: exceptions[${i}]`;
    if (typeof e !== 'object' || e === null) throw new Error(`${where} must be a mapping`);
    const entry = e as Record<string, unknown>;
    for (const k of Object.keys(entry)) if (!KEYS.has(k)) throw new Error(`${where} has unknown key ${k}`);
    for (const k of ['operation', 'model', 'field', 'kind', 'reason']) {
      if (k in entry && (typeof entry[k] !== 'string' || !(entry[k] as string).trim())) throw new Error(`${where}.${k} must be a non-empty string`);
    }
    if (!entry.reason) throw new Error(`${where} needs a reason`);
    if (entry.kind && !DIFFERENCE_KINDS.includes(entry.kind as DifferenceKind)) throw new Error(`${where}.kind ${String(entry.kind)} is not one of ${DIFFERENCE_KINDS.join(', ')}`);
    if (!entry.operation && !entry.model) throw new Error(`${where} names neither an operation nor a model`);
    if (entry.field && !entry.model && !entry.operation) throw new Error(`${where}: a field belongs to a model or an operation`);
    return entry as unknown as VendorException;
  });
}

export function loadVendorExceptions(file: string = DEFAULT_EXCEPTIONS_FILE): VendorException[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return parseVendorExceptions(text, path.basename(file));
}

export function exceptionCovers(e: VendorException, d: VendorDifference): boolean {
  return (e.operation === undefined || e.operation === d.operation)
    && (e.model === undefined || e.model === d.model)
    && (e.field === undefined || e.field === d.field)
    && (e.kind === undefined || e.kind === d.kind);
}

/** Splits differences into the excepted (with the entry that covers them) and the rest. */
export function applyExceptions(differences: VendorDifference[], exceptions: VendorException[]): {
  failing: VendorDifference[];
  excepted: { difference: VendorDifference; exception: VendorException }[];
} {
  const failing: VendorDifference[] = [];
  const excepted: { difference: VendorDifference; exception: VendorException }[] = [];
  for (const d of differences) {
    const e = exceptions.find((x) => exceptionCovers(x, d));
    if (e) excepted.push({ difference: d, exception: e });
    else failing.push(d);
  }
  return { failing, excepted };
}
