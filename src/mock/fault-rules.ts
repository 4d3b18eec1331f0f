/**
 * The grammar of transport faults (see faults.ts): `--fault` rules and the `Prefer` fault tokens,
 * parsed into effects. No HTTP here, so configuration can check a rule without the server.
 */
import { parsePrefer } from '../handler-contract/prefer-header.js';

export type FaultKind = '429' | '503' | 'reset' | 'truncate' | 'none';
export const FAULT_KINDS: readonly FaultKind[] = ['429', '503', 'reset', 'truncate', 'none'];
const MAX_LATENCY_MS = 600_000;

export interface FaultEffects {
  latency?: [min: number, max: number];
  fault?: FaultKind;
  retryAfter?: number;
}

export interface FaultRule {
  /** Upper-case method, or '*'. */
  method: string;
  pattern: string;
  regex: RegExp;
  effects: FaultEffects;
  probability: number;
  /** The rule as written. */
  source: string;
}

export class FaultSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSyntaxError';
  }
}

function latency(value: string, where: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(value.trim());
  if (!m) throw new FaultSyntaxError(`${where}: latency must be <ms> or <min>-<max> in milliseconds, got "${value}"`);
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  if (max < min) throw new FaultSyntaxError(`${where}: latency range ${value} has its maximum below its minimum`);
  if (max > MAX_LATENCY_MS) throw new FaultSyntaxError(`${where}: latency is at most ${MAX_LATENCY_MS} ms, got ${max}`);
  return [min, max];
}

function fault(value: string, where: string): FaultKind {
  const v = value.trim().toLowerCase() as FaultKind;
  if (!FAULT_KINDS.includes(v)) throw new FaultSyntaxError(`${where}: fault must be one of ${FAULT_KINDS.join(', ')}, got "${value}"`);
  return v;
}

function retryAfter(value: string, where: string): number {
  if (!/^\d{1,6}$/.test(value.trim())) throw new FaultSyntaxError(`${where}: retry-after must be whole seconds, got "${value}"`);
  return Number(value);
}

function globToRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') {
      re += '[^/]*';
    } else {
      re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}/?$`);
}

/** Parses one `[METHOD ]PATH=EFFECT[,EFFECT…]` rule; throws FaultSyntaxError naming the problem. */
export function parseFaultRule(source: string): FaultRule {
  const where = `fault rule "${source}"`;
  const eq = source.lastIndexOf('=');
  if (eq < 0) throw new FaultSyntaxError(`${where}: expected [METHOD ]PATH=EFFECT[,EFFECT…]`);
  const target = source.slice(0, eq).trim();
  const parts = target.split(/\s+/);
  if (parts.length > 2 || !parts[parts.length - 1]) throw new FaultSyntaxError(`${where}: expected [METHOD ]PATH before "="`);
  const method = parts.length === 2 ? parts[0].toUpperCase() : '*';
  const pattern = parts[parts.length - 1];
  if (!/^(\*|[A-Z]+)$/.test(method)) throw new FaultSyntaxError(`${where}: "${parts[0]}" is not an HTTP method or *`);
  if (!pattern.startsWith('/') && !pattern.startsWith('*')) throw new FaultSyntaxError(`${where}: the path must start with /`);
  const effects: FaultEffects = {};
  let probability = 1;
  for (const raw of source.slice(eq + 1).split(',')) {
    const colon = raw.indexOf(':');
    if (colon < 0) throw new FaultSyntaxError(`${where}: effect "${raw.trim()}" must be key:value`);
    const key = raw.slice(0, colon).trim().toLowerCase();
    const value = raw.slice(colon + 1).trim();
    if (key === 'latency') effects.latency = latency(value, where);
    else if (key === 'fault') effects.fault = fault(value, where);
    else if (key === 'retry-after') effects.retryAfter = retryAfter(value, where);
    else if (key === 'probability') {
      probability = Number(value);
      if (!(value !== '' && probability > 0 && probability <= 1)) throw new FaultSyntaxError(`${where}: probability must be a number in (0, 1], got "${value}"`);
    } else throw new FaultSyntaxError(`${where}: unknown effect "${key}" (latency, fault, retry-after, probability)`);
  }
  if (!effects.latency && !effects.fault) throw new FaultSyntaxError(`${where}: give a latency or a fault`);
  return { method, pattern, regex: globToRegex(pattern), effects, probability, source };
}

/** The fault tokens of a request's `Prefer` header; throws FaultSyntaxError for a malformed one. */
export function faultsFromPrefer(header: string | string[] | undefined): FaultEffects | null {
  if (header === undefined) return null;
  const prefer = parsePrefer(header);
  const out: FaultEffects = {};
  let any = false;
  const l = prefer.get('latency');
  if (l !== undefined) { out.latency = latency(l, 'Prefer'); any = true; }
  const f = prefer.get('fault');
  if (f !== undefined) { out.fault = fault(f, 'Prefer'); any = true; }
  const r = prefer.get('retry-after');
  if (r !== undefined) { out.retryAfter = retryAfter(r, 'Prefer'); any = true; }
  return any ? out : null;
}
