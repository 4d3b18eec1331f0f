/**
 * Password and API-key helpers: the store keeps only their results. Neither passwords nor API
 * keys are stored in clear: passwords as salted scrypt hashes, keys as an HMAC under a
 * server-side pepper.
 */
import { createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// scrypt cost: 2^14 with r=8 needs 16 MiB, inside Node's default 32 MiB maxmem.
const SCRYPT_N = 16384;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

/** Hashes a password as `scrypt$N$r$p$salt$hash` (salt and hash base64url). */
export function hashPassword(password: string): string {
  const salt = randomBytes(SALT_BYTES);
  const hash = scryptSync(password.normalize('NFC'), salt, HASH_BYTES, { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P });
  return ['scrypt', SCRYPT_N, SCRYPT_R, SCRYPT_P, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** scrypt in libuv's thread pool: the server's event loop keeps serving while a password is hashed. */
function scryptAsync(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, length, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** hashPassword off the event loop (the server uses this one). */
export async function hashPasswordAsync(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(password.normalize('NFC'), salt, HASH_BYTES, { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P });
  return ['scrypt', SCRYPT_N, SCRYPT_R, SCRYPT_P, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** verifyPassword off the event loop (the server uses this one). */
export async function verifyPasswordAsync(password: string, stored: string): Promise<boolean> {
  const p = parseStoredHash(password, stored);
  if (!p) return false;
  const actual = await scryptAsync(password.normalize('NFC'), p.salt, p.expected.length, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r * p.p });
  return timingSafeEqual(actual, p.expected);
}

function parseStoredHash(password: string, stored: string): { N: number; r: number; p: number; salt: Buffer; expected: Buffer } | null {
  if (typeof password !== 'string' || typeof stored !== 'string' || stored.length > 512) return null;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, nText, rText, pText, saltText, hashText] = parts;
  if (![nText, rText, pText].every((t) => /^[1-9][0-9]{0,6}$/.test(t))) return null;
  const N = Number(nText), r = Number(rText), p = Number(pText);
  if (N < 1024 || N > 2 ** 17 || (N & (N - 1)) !== 0 || r > 16 || p > 4) return null;
  if (!B64URL.test(saltText) || !B64URL.test(hashText)) return null;
  const salt = Buffer.from(saltText, 'base64url');
  const expected = Buffer.from(hashText, 'base64url');
  if (salt.length < 8 || expected.length < 16 || expected.length > 64) return null;
  return { N, r, p, salt, expected };
}

/** Checks a password against a stored hash; false (never an exception) for malformed hashes. */
export function verifyPassword(password: string, stored: string): boolean {
  if (typeof password !== 'string' || typeof stored !== 'string' || stored.length > 512) return false;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, nText, rText, pText, saltText, hashText] = parts;
  if (![nText, rText, pText].every((t) => /^[1-9][0-9]{0,6}$/.test(t))) return false;
  const N = Number(nText), r = Number(rText), p = Number(pText);
  // Bounds keep a tampered hash from making us burn CPU or memory; N must be a power of two.
  if (N < 1024 || N > 2 ** 17 || (N & (N - 1)) !== 0 || r > 16 || p > 4) return false;
  if (!B64URL.test(saltText) || !B64URL.test(hashText)) return false;
  const salt = Buffer.from(saltText, 'base64url');
  const expected = Buffer.from(hashText, 'base64url');
  if (salt.length < 8 || expected.length < 16 || expected.length > 64) return false;
  const actual = scryptSync(password.normalize('NFC'), salt, expected.length, { N, r, p, maxmem: 256 * N * r * p });
  return timingSafeEqual(actual, expected);
}

const API_KEY_PREFIX = 'fm_';
const KEY_ID_BYTES = 16;      // 32 hex characters
const KEY_SECRET_BYTES = 32;  // 43 base64url characters
/**
 * fm_<32 lowercase hex>_<43 base64url>. 32 bytes leave 4 bits in the last character, so its
 * two low bits are zero: only A E I M Q U Y c g k o s w 0 4 8 can appear there.
 */
const API_KEY_PATTERN = /^fm_([0-9a-f]{32})_[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const API_KEY_LENGTH = API_KEY_PREFIX.length + 32 + 1 + 43;

/** A new random API key; `key` is shown to the user once, only its HMAC is stored. */
export function generateApiKey(): { id: string; secret: string; key: string } {
  const id = randomBytes(KEY_ID_BYTES).toString('hex');
  const secret = randomBytes(KEY_SECRET_BYTES).toString('base64url');
  return { id, secret, key: `${API_KEY_PREFIX}${id}_${secret}` };
}

/** The key id of a well-formed API key, or null. The length check comes before any regex work. */
export function parseApiKey(key: string): { id: string } | null {
  if (typeof key !== 'string' || key.length !== API_KEY_LENGTH) return null;
  const m = API_KEY_PATTERN.exec(key);
  return m ? { id: m[1] } : null;
}

/** HMAC-SHA256 (hex) of the full key under the server's pepper: a stolen database alone cannot verify keys. */
export function hashApiKey(key: string, pepper: Buffer): string {
  return createHmac('sha256', pepper).update(key, 'utf8').digest('hex');
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Constant-time comparison of two hex strings (false when either is not hex or lengths differ). */
export function safeEqualHex(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || !HEX.test(a) || !HEX.test(b)) return false;
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  // The length is not secret (hashes have a fixed size); timingSafeEqual requires equal lengths.
  return x.length === y.length && timingSafeEqual(x, y);
}
