/**
 * The system operations with real behaviour (the administration operations have files of their own): what
 * the system is and serves, the runtime's time zones and currencies (Intl), and values formatted
 * by Java-style patterns, with a 400 naming the parameter that does not fit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

type Obj = Record<string, any>;
const format = (q: Record<string, string>) => s.call(`/api/v1/system/format?${new URLSearchParams(q)}`);

describe('system', () => {
  it('GetSystemInfo: a sandbox with flowmock\'s version; any signed-in user may ask, nobody else', async () => {
    const info = await json<Obj>(await s.call('/api/v1/system/info'));
    expect(info).toMatchObject({ role: 'sandbox', displayName: 'flowmock', defaults: { esignProvider: 'DocuSign' } });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.assetsUrl).toBe(`${s.base}/api/v1/assets`);
    await expectProblem(await s.call('/api/v1/system/info', { key: null }), 401);
  });

  it('GetSupportedFeatures: the flow surface and one feature per regular collection of the spec', async () => {
    const features = await json<Obj[]>(await s.call('/api/v1/system/features'));
    const ids = features.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['flows', 'documents', 'assets', 'connectors', 'datasets', 'datasources', 'languages', 'tagGroups', 'templates']));
    expect(features.find((f) => f.id === 'templates')).toMatchObject({ displayName: 'Template', context: 'template' });
  });

  it('GetSystemTimeZones: the IANA zones of the runtime, UTC included, sorted', async () => {
    const zones = await json<string[]>(await s.call('/api/v1/system/timeZones'));
    expect(zones).toEqual(expect.arrayContaining(['UTC', 'Europe/Amsterdam', 'America/New_York', 'Asia/Tokyo']));
    expect(zones).toEqual([...zones].sort());
    expect(new Set(zones).size).toBe(zones.length);
  });

  it('GetSystemCurrencySymbols: Intl currencies with symbol and name, paged, sorted and filtered', async () => {
    const eur = await json<Obj[]>(await s.call('/api/v1/system/currencies?filter=displayName:euro'));
    expect(eur).toEqual([{ symbol: '€', displayName: 'Euro', names: ['EUR', 'Euro'], isSystem: true }]);
    const page = await json<Obj[]>(await s.call('/api/v1/system/currencies?size=3&sort=displayName,desc'));
    expect(page).toHaveLength(3);
    expect(page.map((c) => c.displayName)).toEqual([...page.map((c) => c.displayName)].sort().reverse());
    expect((await json<Obj[]>(await s.call('/api/v1/system/currencies?size=100&page=1'))).length).toBeGreaterThan(0);
    await expectProblem(await s.call('/api/v1/system/currencies?sort=nope,asc'), 400, { field: { in: 'query', pointer: '/sort' } });
  });

  it.each([
    [{ value: '1234567.891', pattern: '#,##0.00', type: 'number' }, '1,234,567.89'],
    [{ value: '1234567.891', pattern: '#,##0.00', type: 'number', locale: 'nl_NL' }, '1.234.567,89'],
    [{ value: '3.5', pattern: '€ 000.0', type: 'number', locale: 'de-DE' }, '€ 003,5'],
    [{ value: '0.256', pattern: '0.#%', type: 'number' }, '25.6%'],
    [{ value: '2026-12-03T16:05:09.042Z', pattern: 'dd-MM-yyyy', type: 'date' }, '03-12-2026'],
    [{ value: '2026-12-03', pattern: "EEEE d MMMM yy", type: 'date', locale: 'nl-NL' }, 'donderdag 3 december 26'],
    [{ value: '2026-12-03T16:05:09.042Z', pattern: "h:mm a 'UTC'", type: 'time' }, '4:05 PM UTC'],
    [{ value: '07:30', pattern: 'HH:mm:ss', type: 'time' }, '07:30:00'],
    [{ value: '2026-12-03T16:05:09.042', pattern: "yyyy-MM-dd'T'HH:mm:ss.SSS", type: 'dateTime' }, '2026-12-03T16:05:09.042'],
  ])('GetFormattedValue %j is %s', async (q, result) => {
    expect(await json<Obj>(await format(q as Record<string, string>))).toEqual({ type: q.type, value: q.value, pattern: q.pattern, result });
  });

  it('GetFormattedValue: a value, pattern, type or locale that does not fit is a 400 naming it', async () => {
    await expectProblem(await format({ value: 'abc', pattern: '0.00', type: 'number' }), 400, { field: { in: 'query', pointer: '/value', rule: 'type' } });
    await expectProblem(await format({ value: '12', pattern: 'no digits', type: 'number' }), 400, { field: { in: 'query', pointer: '/pattern' } });
    await expectProblem(await format({ value: 'yesterday', pattern: 'yyyy', type: 'date' }), 400, { field: { in: 'query', pointer: '/value', rule: 'format' } });
    await expectProblem(await format({ value: '2026-01-01', pattern: 'plain', type: 'date' }), 400, { field: { in: 'query', pointer: '/pattern' } });
    await expectProblem(await format({ value: '1', pattern: '0', type: 'currency' }), 400, { field: { in: 'query', pointer: '/type', rule: 'enum' } });
    await expectProblem(await format({ value: '1', pattern: '0', type: 'number', locale: 'not a locale!' }), 400, { field: { in: 'query', pointer: '/locale' } });
  });
});

describe('system languages', () => {
  it('GetSystemLanguages: the Intl locales by id, named in English, paged and filtered; formats only when asked', async () => {
    const dutch = await json<Obj[]>(await s.call('/api/v1/system/languages?filter=displayLanguage:dutch'));
    expect(dutch.map((l) => l.id)).toEqual(['nl-BE', 'nl-NL']);
    expect(dutch[1]).toEqual({ id: 'nl-NL', displayName: 'Dutch (Netherlands)', displayCountry: 'Netherlands', displayLanguage: 'Dutch', isSystem: true });
    const withFormats = await json<Obj[]>(await s.call('/api/v1/system/languages?filter=id:nl-NL&formats=true'));
    const nl = withFormats[0];
    expect(nl.numberFormat).toEqual({ groupingSeparator: '.', decimalSeparator: ',', sample: '1.234.567,89' });
    expect(nl.dateTimeFormats.date.find((f: Obj) => f.isDefault)).toEqual({ format: 'd MMM yyyy', sample: '5 mrt 2026', isDefault: true, dateStyle: 'medium' });
    expect(nl.dateTimeFormats.time.map((f: Obj) => f.format)).toEqual(['HH:mm', 'HH:mm:ss']);
    expect((await json<Obj[]>(await s.call('/api/v1/system/languages?size=3&sort=id,desc'))).map((l) => l.id)).toEqual(['zh-TW', 'zh-CN', 'uk-UA']);
  });

  it('every derived pattern formats its own sample through GetFormattedValue (the two agree)', async () => {
    const all = await json<Obj[]>(await s.call('/api/v1/system/languages?formats=true&size=100'));
    for (const lang of all) {
      for (const kind of ['date', 'time', 'dateTime'] as const) {
        for (const f of lang.dateTimeFormats[kind]) {
          const r = await json<Obj>(await format({ value: '2026-03-05T09:07:03Z', pattern: f.format, type: kind, locale: lang.id }));
          expect(r.result, `${lang.id} ${kind} ${f.format}`).toBe(f.sample);
        }
      }
    }
  });

  it('the default is en-US until an administrator sets another (write:system); an unknown one is a 400 naming /id', async () => {
    expect(await json<Obj>(await s.call('/api/v1/system/languages/default'))).toMatchObject({ id: 'en-US', displayName: 'American English' });
    const put = (body: unknown, key = s.adminKey) => s.call('/api/v1/system/languages/default', { method: 'PUT', key, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
    await expectProblem(await put({ id: 'de_DE', displayName: 'x' }, s.integratorKey), 403, { detail: 'write:system' });
    expect(await json<Obj>(await put({ id: 'de_DE', displayName: 'ignored' }))).toMatchObject({ id: 'de-DE', displayName: 'German (Germany)' });
    expect(await json<Obj>(await s.call('/api/v1/system/languages/default'))).toMatchObject({ id: 'de-DE', numberFormat: { decimalSeparator: ',' } });
    await expectProblem(await put({ id: 'xx-YY', displayName: 'x' }), 400, { field: { in: 'body', pointer: '/id', rule: 'enum' } });
    await json(await put({ id: 'en-US', displayName: 'back' }));
  });

  it('GetUiLanguages: English, the language of flowmock\'s own pages', async () => {
    expect(await json(await s.call('/api/v1/system/languages/ui'))).toEqual([{ code: 'en', displayName: 'English' }]);
  });
});
