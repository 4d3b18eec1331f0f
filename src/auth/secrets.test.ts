import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, hashPassword, parseApiKey, safeEqualHex, verifyPassword } from './secrets.js';

describe('hashPassword / verifyPassword', () => {
  it('produces scrypt$N$r$p$salt$hash and verifies the right password only', () => {
    const hash = hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(verifyPassword('correct horse', hash)).toBe(true);
    expect(verifyPassword('correct horse ', hash)).toBe(false);
    expect(verifyPassword('', hash)).toBe(false);
  });

  it('salts: the same password hashes differently each time, and both verify', () => {
    const a = hashPassword('pw');
    const b = hashPassword('pw');
    expect(a).not.toBe(b);
    expect(verifyPassword('pw', a) && verifyPassword('pw', b)).toBe(true);
  });

  it('does not contain the password in clear', () => {
    expect(hashPassword('super-secret-value')).not.toContain('super-secret-value');
  });

  it('returns false (no exception) for malformed or tampered hashes', () => {
    const good = hashPassword('pw');
    const parts = good.split('$');
    const variants = [
      '', 'scrypt', 'plain:pw', good.replace('scrypt', 'bcrypt'), `${good}$extra`,
      [...parts.slice(0, 1), '1000', ...parts.slice(2)].join('$'),        // N not a power of two
      [...parts.slice(0, 1), String(2 ** 24), ...parts.slice(2)].join('$'), // N far too costly
      [...parts.slice(0, 4), '!!!', parts[5]].join('$'),                   // salt not base64url
      [...parts.slice(0, 5), 'AAAA'].join('$'),                            // hash too short
      [...parts.slice(0, 5), parts[5].slice(0, -2) + (parts[5].endsWith('AA') ? 'BB' : 'AA')].join('$'), // altered hash
    ];
    for (const v of variants) expect(verifyPassword('pw', v)).toBe(false);
  });
});

describe('generateApiKey / parseApiKey', () => {
  it('generates fm_<32 hex id>_<43 base64url secret> that parses back to its id', () => {
    const { id, secret, key } = generateApiKey();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(key).toBe(`fm_${id}_${secret}`);
    expect(parseApiKey(key)).toEqual({ id });
  });

  it('generates distinct keys, all of which parse (secrets may contain _ and -)', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey());
    expect(new Set(keys.map((k) => k.key)).size).toBe(200);
    for (const k of keys) expect(parseApiKey(k.key)).toEqual({ id: k.id });
  });

  it('rejects anything not strictly in the key format', () => {
    const { id, secret, key } = generateApiKey();
    const bad = [
      '', 'fm_', key.slice(0, -1), `${key}A`, ` ${key}`, `${key}\n`,
      `FM_${id}_${secret}`, `fx_${id}_${secret}`,
      `fm_${id.toUpperCase().replace(/[0-9]/g, 'A')}_${secret}`, // uppercase hex
      `fm_${id.slice(0, 31)}g_${secret}`,                         // non-hex in id
      `fm_${id}-${secret}`,                                       // wrong separator
      `fm_${id}_${secret.slice(0, 42)}B`,                         // last char has non-zero padding bits
      `fm_${id}_${secret.slice(0, 42)}=`,                         // padding
      'fm_' + 'a'.repeat(10_000),                                 // long input rejected by length
    ];
    for (const b of bad) expect(parseApiKey(b)).toBeNull();
    expect(parseApiKey(undefined as unknown as string)).toBeNull();
  });
});

describe('hashApiKey / safeEqualHex', () => {
  it('hashApiKey is a deterministic 64-hex HMAC that depends on the pepper and never contains the key', () => {
    const { key } = generateApiKey();
    const pepper = Buffer.alloc(32, 1);
    const h = hashApiKey(key, pepper);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key, pepper)).toBe(h);
    expect(hashApiKey(key, Buffer.alloc(32, 2))).not.toBe(h);
    expect(hashApiKey(generateApiKey().key, pepper)).not.toBe(h);
    expect(h).not.toContain(key.slice(3, 35));
  });

  it('hashApiKey matches the HMAC-SHA256 test vector of RFC 4231 case 2', () => {
    expect(hashApiKey('what do ya want for nothing?', Buffer.from('Jefe')))
      .toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('safeEqualHex: true for equal hex (any case), false for different, different length or non-hex', () => {
    const a = 'ab'.repeat(32);
    expect(safeEqualHex(a, a)).toBe(true);
    expect(safeEqualHex(a, a.toUpperCase())).toBe(true);
    expect(safeEqualHex(a, 'ac' + a.slice(2))).toBe(false);
    expect(safeEqualHex(a, a.slice(2))).toBe(false);
    expect(safeEqualHex(a, 'zz' + a.slice(2))).toBe(false);
    expect(safeEqualHex('abc', 'abc')).toBe(false); // odd length is not hex bytes
    expect(safeEqualHex('', '')).toBe(true);
  });
});
