/**
 * `--seed N` (config `seed`, FLOWMOCK_SEED): the seeded random source, the schema-driven generator
 * behind `Prefer: dynamic=true`, and ids of new executions and runs on a new database.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRandom, hashSeed } from '../../src/random.js';
import { sampleSchema, sampleValid, sampleRegex } from '../../src/mock/schema-sample.js';
import { loadBundledSpec, listOperations } from '../../src/http/openapi-document.js';
import { SpecValidator, toFieldErrors, describeErrors } from '../../src/http/validation.js';
import { configFromEnv, resolveConfig, ConfigError } from '../../src/config.js';
import { startServer } from '../support/server.js';

const doc = loadBundledSpec();
const validator = new SpecValidator(doc, listOperations(doc));
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('random source', () => {
  it('repeats with a seed, forks independent streams, draws in range', () => {
    const a = createRandom(5);
    const b = createRandom(5);
    const xs = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createRandom(6).next()).not.toBe(xs[0]);
    // A fork does not depend on how much the parent drew.
    const f1 = createRandom(5).fork('ids').uuid();
    const p = createRandom(5);
    p.next(); p.next();
    expect(p.fork('ids').uuid()).toBe(f1);
    expect(createRandom(5).fork('other').uuid()).not.toBe(f1);
    expect(f1).toMatch(UUID_V4);
    const r = createRandom('text seed');
    for (let i = 0; i < 200; i++) {
      const n = r.int(3, 7);
      expect(n >= 3 && n <= 7 && Number.isInteger(n)).toBe(true);
    }
    expect(hashSeed('a', 1)).toBe(hashSeed('a', 1));
    expect(hashSeed('a', 1)).not.toBe(hashSeed('a', '1'));
  });

  it('without a seed draws from crypto', () => {
    const r = createRandom();
    expect(r.seed).toBeNull();
    expect(r.uuid()).toMatch(UUID_V4);
    expect(r.uuid()).not.toBe(r.uuid());
  });

  it('seed comes from --seed / FLOWMOCK_SEED and must be a whole number', () => {
    expect(configFromEnv({ FLOWMOCK_SEED: '42' }).seed).toBe(42);
    expect(() => resolveConfig({ seed: -1 })).toThrow(ConfigError);
    expect(() => resolveConfig({ seed: 1.5 })).toThrow(ConfigError);
    expect(resolveConfig({ seed: 7 }).seed).toBe(7);
  });
});

describe('schema-driven generator', () => {
  const names = Object.keys(doc.components.schemas);

  it.each(names)('%s: generated values validate, and a seed repeats them', (name) => {
    const fn = validator.componentSchema(name);
    const schema = { $ref: `#/components/schemas/${name}` };
    let firstDrawValid = 0;
    for (let seed = 1; seed <= 25; seed++) {
      const v = sampleValid(schema, { doc, random: createRandom(seed) }, (x) => fn(x) as boolean);
      expect(fn(v), `${name} seed ${seed}: ${describeErrors(toFieldErrors('body', fn.errors))} in ${JSON.stringify(v)}`).toBe(true);
      if (fn(sampleSchema(schema, { doc, random: createRandom(seed) }))) firstDrawValid++;
    }
    expect(firstDrawValid, 'most first draws are valid already').toBeGreaterThanOrEqual(20);
    expect(sampleSchema(schema, { doc, random: createRandom(9) })).toEqual(sampleSchema(schema, { doc, random: createRandom(9) }));
  });

  it.each([
    '^(createdAt|modifiedAt|status)(,(asc|desc))?$',
    '^[1-9][0-9]{0,6}[smhd]$',
    '^[A-Za-z0-9._-]{1,100}$',
    '^\\d{3}-[a-f]+$',
  ])('regular expression %s', (pattern) => {
    const random = createRandom(1);
    for (let i = 0; i < 50; i++) {
      const s = sampleRegex(pattern, random);
      expect(s).not.toBeNull();
      expect(new RegExp(pattern).test(s!)).toBe(true);
    }
    expect(sampleRegex('^(?=a)b$', random)).toBeNull(); // look-arounds are not generated
  });
});

describe('seeded ids', () => {
  const start = async (server: Awaited<ReturnType<typeof startServer>>) => {
    const res = await server.call('/api/v1/flows/executions?flowId=11111111-1111-4111-8111-111111111101', { method: 'POST', key: server.adminKey });
    expect(res.status).toBe(200);
    return ((await res.json()) as { id: string }).id;
  };
  const trigger = async (server: Awaited<ReturnType<typeof startServer>>) => {
    const res = await fetch(`${server.base}/phixflow/api/1/action/Demo/Public%20ping/trigger`, { method: 'POST' });
    expect(res.status).toBe(200);
    return ((await res.json()) as { processId: string }).processId;
  };

  it('with a seed, a new database gives the same execution and process ids; without, they differ', async () => {
    const ids = async (seed?: number) => {
      const s = await startServer({ seed });
      try {
        return [await start(s), await start(s), await trigger(s)];
      } finally {
        await s.close();
      }
    };
    const [a, b, c, d] = [await ids(9), await ids(9), await ids(10), await ids()];
    expect(a).toEqual(b);
    expect(a[0]).toMatch(UUID_V4);
    expect(c[0]).not.toBe(a[0]);
    expect(d[0]).not.toBe(a[0]);
  });

  it('on an existing database ids come from crypto (the seed could repeat ids it already holds)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowmock-seed-'));
    const db = path.join(dir, 'flowmock.db');
    try {
      const first = await startServer({ seed: 9, db });
      const id1 = await start(first);
      await first.close();
      const again = await startServer({ seed: 9, db });
      try {
        const id2 = await start(again);
        expect(id2).not.toBe(id1);
        expect(id2).toMatch(UUID_V4);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
