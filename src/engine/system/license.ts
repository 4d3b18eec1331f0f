/**
 * The installation's licence (GetLicense, InstallLicense). Until one is installed, flowmock runs
 * under its stated sandbox licence: no expiry, no limits. A licence file is flowmock's own format
 * (the vendor's is not published), UTF-8 JSON:
 *
 *   { "format": "flowmock-license", "version": 1, "id": "...", "displayName": "...",
 *     "edition": "...", "flavour": "...", "expiry": "2027-12-31T00:00:00Z",
 *     "limits": { "users": 10, "documents": { "interval": "month", "max": 1000 }, "packs": 2 },
 *     "plugins": ["DocuSign"], "checksum": "<sha256 hex>" }
 *
 * `checksum` is the SHA-256 (hex) of the file's JSON without `checksum`, its keys sorted at every
 * level (see `licenseChecksum`): it catches a licence edited by hand. The installed file is kept
 * in the store's meta; `used` counts and `expired` are worked out at each read.
 */
import { createHash } from 'node:crypto';
import type { StoreCollections } from '../../store/types.js';
import { documentsSince, windowStart } from './usage.js';

export const LICENSE_FORMAT = 'flowmock-license';
export const LICENSE_VERSION = 1;
const KEY = 'system.license';

export interface LicenseFile {
  format: typeof LICENSE_FORMAT;
  version: typeof LICENSE_VERSION;
  id: string;
  displayName: string;
  edition: string;
  flavour?: string;
  expiry: string;
  limits?: { users?: number; documents?: { interval: 'month' | 'year'; max: number }; packs?: number };
  plugins?: string[];
  checksum: string;
}

/** A licence file InstallLicense refuses: where (a JSON pointer into the file) and by which rule. */
export class LicenseError extends Error {
  constructor(readonly pointer: string, readonly rule: string, message: string) { super(message); }
}

/** The licence flowmock runs under until one is installed. */
export const SANDBOX_LICENSE = { id: 'flowmock-sandbox', displayName: 'flowmock sandbox licence', edition: 'sandbox', flavour: 'flowmock' } as const;

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

/** The checksum a licence file carries: SHA-256 (hex) of its JSON without `checksum`, keys sorted. */
export function licenseChecksum(file: Record<string, unknown>): string {
  const { checksum: _c, ...rest } = file;
  return createHash('sha256').update(JSON.stringify(canonical(rest))).digest('hex');
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const FIELDS = ['format', 'version', 'id', 'displayName', 'edition', 'flavour', 'expiry', 'limits', 'plugins', 'checksum'];

/** The licence in `bytes`, checked rule by rule; LicenseError names the first that fails. */
export function readLicense(bytes: Buffer, now: Date): LicenseFile {
  if (bytes.length === 0) throw new LicenseError('', 'required', 'the body is empty; send a flowmock-license file');
  let f: unknown;
  try { f = JSON.parse(bytes.toString('utf8')); } catch { throw new LicenseError('', 'format', 'the licence file is not JSON (flowmock reads flowmock-license files, UTF-8 JSON)'); }
  if (!isObj(f)) throw new LicenseError('', 'type', 'the licence file must be a JSON object');
  if (f.format !== LICENSE_FORMAT) throw new LicenseError('/format', 'const', `format must be ${LICENSE_FORMAT}`);
  if (f.version !== LICENSE_VERSION) throw new LicenseError('/version', 'const', `version must be ${LICENSE_VERSION}; got ${JSON.stringify(f.version)}`);
  const stray = Object.keys(f).find((k) => !FIELDS.includes(k));
  if (stray !== undefined) throw new LicenseError(`/${stray}`, 'additionalProperties', `${stray} is not a field of a flowmock-license file (${FIELDS.join(', ')})`);
  for (const k of ['id', 'displayName', 'edition'] as const) {
    if (typeof f[k] !== 'string' || !(f[k] as string).trim()) throw new LicenseError(`/${k}`, 'required', `${k} must be a non-empty string`);
  }
  if (f.flavour !== undefined && typeof f.flavour !== 'string') throw new LicenseError('/flavour', 'type', 'flavour must be a string');
  if (typeof f.expiry !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(f.expiry) || Number.isNaN(Date.parse(f.expiry))) {
    throw new LicenseError('/expiry', 'format', 'expiry must be an ISO-8601 date-time with a zone, such as 2027-12-31T00:00:00Z');
  }
  if (f.limits !== undefined) {
    const l = f.limits;
    if (!isObj(l)) throw new LicenseError('/limits', 'type', 'limits must be an object {users, documents, packs}');
    const strayLimit = Object.keys(l).find((k) => !['users', 'documents', 'packs'].includes(k));
    if (strayLimit !== undefined) throw new LicenseError(`/limits/${strayLimit}`, 'additionalProperties', `${strayLimit} is not a limit (users, documents, packs)`);
    if (l.users !== undefined && !isCount(l.users)) throw new LicenseError('/limits/users', 'minimum', 'limits.users must be an integer of 0 or more');
    if (l.packs !== undefined && !isCount(l.packs)) throw new LicenseError('/limits/packs', 'minimum', 'limits.packs must be an integer of 0 or more');
    if (l.documents !== undefined) {
      const d = l.documents;
      if (!isObj(d)) throw new LicenseError('/limits/documents', 'type', 'limits.documents must be an object {interval, max}');
      if (d.interval !== 'month' && d.interval !== 'year') throw new LicenseError('/limits/documents/interval', 'enum', 'limits.documents.interval must be month or year');
      if (!isCount(d.max)) throw new LicenseError('/limits/documents/max', 'minimum', 'limits.documents.max must be an integer of 0 or more');
    }
  }
  if (f.plugins !== undefined && !(Array.isArray(f.plugins) && f.plugins.every((p) => typeof p === 'string' && p.trim()))) {
    throw new LicenseError('/plugins', 'type', 'plugins must be an array of plugin names');
  }
  if (typeof f.checksum !== 'string') throw new LicenseError('/checksum', 'required', 'checksum must be the SHA-256 (hex) of the file without checksum, keys sorted');
  if (f.checksum.toLowerCase() !== licenseChecksum(f)) throw new LicenseError('/checksum', 'checksum', 'checksum does not match the file: it was changed after it was issued');
  if (Date.parse(f.expiry) <= now.getTime()) throw new LicenseError('/expiry', 'expired', `the licence expired at ${new Date(f.expiry).toISOString()}; install one that is still valid`);
  return f as unknown as LicenseFile;
}

export async function installLicense(store: StoreCollections, file: LicenseFile): Promise<void> {
  await store.meta.set(KEY, JSON.stringify(file));
}

export async function installedLicense(store: StoreCollections): Promise<LicenseFile | null> {
  const text = await store.meta.get(KEY);
  return text ? (JSON.parse(text) as LicenseFile) : null;
}

/** The vendor's LicenseInformation of the licence in force, with what is used now. */
export async function licenseInformation(store: StoreCollections, now: Date): Promise<Record<string, unknown>> {
  const file = await installedLicense(store);
  const users = await store.users.count();
  if (!file) {
    const since = windowStart('month', now);
    const docs = await documentsSince(store, since.toISOString());
    return {
      ...SANDBOX_LICENSE, valid: true, expired: false,
      limits: { users: { used: users }, documents: { interval: 'month', used: docs.execution + docs.preview, since: since.toISOString() } },
      plugins: [],
    };
  }
  const expired = Date.parse(file.expiry) <= now.getTime();
  const interval = file.limits?.documents?.interval ?? 'month';
  const since = windowStart(interval, now);
  const docs = await documentsSince(store, since.toISOString());
  const limits = file.limits ?? {};
  return {
    id: file.id, displayName: file.displayName, edition: file.edition, ...(file.flavour !== undefined ? { flavour: file.flavour } : {}),
    expiry: new Date(file.expiry).toISOString(), valid: !expired, expired,
    limits: {
      users: { used: users, ...(limits.users !== undefined ? { max: limits.users } : {}) },
      documents: { interval, used: docs.execution + docs.preview, since: since.toISOString(), ...(limits.documents ? { max: limits.documents.max } : {}) },
      ...(limits.packs !== undefined ? { packs: { remaining: limits.packs } } : {}),
    },
    plugins: (file.plugins ?? []).map((displayName) => ({ displayName })),
  };
}
