/**
 * One random source per server, seeded by `--seed N` (config `seed`, env `FLOWMOCK_SEED`) so that
 * generated data and every random choice repeat from run to run; without a seed it draws from
 * `node:crypto`.
 *
 * Streams are independent: `fork(label)` derives a new source from the seed and a label, so one
 * feature drawing more or fewer numbers (a dynamic body, a latency range, an id) never shifts
 * another feature's sequence. Forks of an unseeded source are unseeded too.
 *
 * Use it for choices that should repeat (generated bodies, fault latency, ids under a seed); never
 * for secrets (API keys, signing secrets and password salts always come from `node:crypto`).
 */
import { randomUUID, getRandomValues } from 'node:crypto';

export interface RandomSource {
  /** The seed this source derives from, or null when it draws from `node:crypto`. */
  readonly seed: number | null;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T;
  /** A version-4 UUID (from the seeded stream when seeded, `crypto.randomUUID()` otherwise). */
  uuid(): string;
  /** An independent source derived from this one's seed and `label`. */
  fork(label: string): RandomSource;
}

/** A 32-bit hash of any parts (xmur3 finaliser over FNV-1a), to turn a seed plus labels into a state. */
export function hashSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = `${typeof part}:${part}\u0000`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

abstract class BaseRandom implements RandomSource {
  abstract readonly seed: number | null;
  abstract next(): number;
  abstract uuid(): string;
  abstract fork(label: string): RandomSource;

  int(min: number, max: number): number {
    if (!(max >= min)) throw new RangeError(`int(${min}, ${max}): max must be >= min`);
    return min + Math.floor(this.next() * (Math.floor(max) - Math.ceil(min) + 1));
  }

  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new RangeError('pick() of an empty list');
    return list[Math.floor(this.next() * list.length)];
  }
}

/** sfc32 (a small fast counter generator): 128 bits of state, passes PractRand to 2^40+ bytes. */
class SeededRandom extends BaseRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number, private readonly label = '') {
    super();
    this.a = hashSeed(seed, label, 'a');
    this.b = hashSeed(seed, label, 'b');
    this.c = hashSeed(seed, label, 'c');
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32(); // mix the initial state
  }

  private u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.u32() / 4294967296;
  }

  uuid(): string {
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 16; i += 4) {
      const v = this.u32();
      bytes[i] = v & 0xff;
      bytes[i + 1] = (v >>> 8) & 0xff;
      bytes[i + 2] = (v >>> 16) & 0xff;
      bytes[i + 3] = v >>> 24;
    }
    return formatUuidV4(bytes);
  }

  fork(label: string): RandomSource {
    return new SeededRandom(this.seed, this.label ? `${this.label}/${label}` : label);
  }
}

class CryptoRandom extends BaseRandom {
  readonly seed = null;
  private readonly buf = new Uint32Array(64);
  private pos = 64;

  next(): number {
    if (this.pos >= this.buf.length) {
      getRandomValues(this.buf);
      this.pos = 0;
    }
    return this.buf[this.pos++] / 4294967296;
  }

  uuid(): string {
    return randomUUID();
  }

  fork(): RandomSource {
    return new CryptoRandom();
  }
}

function formatUuidV4(bytes: Uint8Array): string {
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A random source: seeded (repeatable) when `seed` is a number or a string (hashed), from
 * `node:crypto` when it is null or undefined.
 */
export function createRandom(seed?: number | string | null): RandomSource {
  if (seed === undefined || seed === null) return new CryptoRandom();
  return new SeededRandom(typeof seed === 'number' ? seed : hashSeed(seed));
}
