/**
 * Binary content of the regular collections round-trips byte for byte: a template's content per
 * language with every upload kept as a version (history, `version` and `lang` honoured, a
 * language's content deleted alone), and an asset's content (given at AddAsset as base64, replaced
 * with UpdateAssetContent, read back raw and as `includeContent`).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

type Obj = Record<string, any>;
const admin = (path: string, init: RequestInit = {}) => s.call(path, { key: s.adminKey, ...init });
const put = (path: string, bytes: Buffer) => admin(path, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
const bytesOf = async (res: Response): Promise<Buffer> => {
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/octet-stream');
  return Buffer.from(await res.arrayBuffer());
};

describe('template content', () => {
  // Every byte value, and bytes that are not UTF-8: nothing may decode or re-encode them.
  const v1 = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(4096)]);
  const v2 = randomBytes(70_000);
  const de = Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]);
  let id: string;

  beforeAll(async () => {
    id = (await json<Obj>(await admin('/api/v1/templates', { method: 'POST', body: JSON.stringify({ displayName: 'zz-content' }), headers: { 'Content-Type': 'application/json' } }), 201)).id;
  });

  it('each upload is a new version of its language; the newest, a named version and another language come back byte for byte', async () => {
    expect(await json<Obj>(await put(`/api/v1/templates/${id}/content?lang=en&description=first`, v1))).toMatchObject({ id: '1', revision: 1, description: 'first' });
    expect(await json<Obj>(await put(`/api/v1/templates/${id}/content?lang=en`, v2))).toMatchObject({ id: '2', revision: 2 });
    expect(await json<Obj>(await put(`/api/v1/templates/${id}/content?lang=de`, de))).toMatchObject({ revision: 1 });
    expect((await bytesOf(await admin(`/api/v1/templates/${id}/content?lang=en`))).equals(v2)).toBe(true);
    expect((await bytesOf(await admin(`/api/v1/templates/${id}/content?lang=en&version=1`))).equals(v1)).toBe(true);
    expect((await bytesOf(await admin(`/api/v1/templates/${id}/content?lang=de`))).equals(de)).toBe(true);
    // Without lang: the default language (English).
    expect((await bytesOf(await admin(`/api/v1/templates/${id}/content`))).equals(v2)).toBe(true);
    await expectProblem(await admin(`/api/v1/templates/${id}/content?lang=en&version=3`), 404, { detail: 'no version 3' });
    await expectProblem(await admin(`/api/v1/templates/${id}/content?lang=en&version=x`), 400, { field: { in: 'query', pointer: '/version' } });
    await expectProblem(await admin(`/api/v1/templates/${id}/content?lang=nl`), 404);
  });

  it('the history lists the versions of a language, newest first, paged; the template shows its languages and link', async () => {
    const history = await json<Obj[]>(await admin(`/api/v1/templates/${id}/history?lang=en`));
    expect(history.map((v) => [v.revision, v.description ?? null])).toEqual([[2, null], [1, 'first']]);
    expect(history[0].createdBy).toMatchObject({ displayName: 'Administrator' });
    expect((await json<Obj[]>(await admin(`/api/v1/templates/${id}/history?lang=en&sort=revision,asc&size=1`))).map((v) => v.revision)).toEqual([1]);
    const tpl = await json<Obj>(await admin(`/api/v1/templates/${id}`));
    expect(tpl.standardContent).toEqual({ supportedLanguages: ['de', 'en'], link: `/api/v1/templates/${id}/content` });
    expect(await json<Obj>(await admin(`/api/v1/templates/${id}/lang/de`))).toEqual({
      template: id, language: 'de', isDefault: false, hasContent: true, contentLink: `/api/v1/templates/${id}/content?lang=de`,
    });
    expect(await json<Obj>(await admin(`/api/v1/templates/${id}/lang/nl`))).toMatchObject({ hasContent: false });
  });

  it('deleting a language\'s content removes all its versions and leaves the others; unknown templates are 404', async () => {
    expect(await json(await admin(`/api/v1/templates/${id}/content?lang=de`, { method: 'DELETE' }))).toEqual({});
    await expectProblem(await admin(`/api/v1/templates/${id}/content?lang=de`), 404);
    await expectProblem(await admin(`/api/v1/templates/${id}/content?lang=de`, { method: 'DELETE' }), 404);
    expect((await bytesOf(await admin(`/api/v1/templates/${id}/content?lang=en`))).equals(v2)).toBe(true);
    expect((await json<Obj>(await admin(`/api/v1/templates/${id}`))).standardContent.supportedLanguages).toEqual(['en']);
    await expectProblem(await put('/api/v1/templates/ghost/content?lang=en', v1), 404);
    await expectProblem(await admin('/api/v1/templates/ghost/history'), 404);
  });

  it('an updated template keeps its content; the integrator may not upload (403)', async () => {
    await json(await admin(`/api/v1/templates/${id}`, { method: 'PUT', body: JSON.stringify({ displayName: 'zz-content-renamed', standardContent: { supportedLanguages: ['xx'] } }), headers: { 'Content-Type': 'application/json' } }));
    expect((await json<Obj>(await admin(`/api/v1/templates/${id}`))).standardContent.supportedLanguages).toEqual(['en']);
    await expectProblem(await s.call(`/api/v1/templates/${id}/content?lang=en`, { method: 'PUT', body: v1, headers: { 'Content-Type': 'application/octet-stream' } }), 403);
  });
});

describe('asset content', () => {
  it('given as base64 at AddAsset, replaced by UpdateAssetContent, read raw and with includeContent, byte for byte', async () => {
    const first = randomBytes(1000);
    const created = await json<Obj>(await admin('/api/v1/assets', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ displayName: 'zz-asset-bytes', contentType: 'image/png', content: first.toString('base64') }),
    }), 201);
    expect(created).toMatchObject({ contentType: 'image/png', contentLength: 1000 });
    expect(created.content).toBeUndefined();
    expect((await bytesOf(await admin(`/api/v1/assets/${created.id}/content`))).equals(first)).toBe(true);

    const second = randomBytes(5000);
    await json(await put(`/api/v1/assets/${created.id}/content`, second));
    expect((await bytesOf(await admin(`/api/v1/assets/${created.id}/content`))).equals(second)).toBe(true);
    const withContent = await json<Obj>(await admin(`/api/v1/assets/${created.id}?includeContent=true`));
    expect(withContent).toMatchObject({ contentType: 'image/png', contentLength: 5000 });
    expect(Buffer.from(withContent.content, 'base64').equals(second)).toBe(true);
    expect((await json<Obj>(await admin(`/api/v1/assets/${created.id}`))).content).toBeUndefined();
  });

  it('an asset without content: length 0, its content a 404; a seeded one exists', async () => {
    expect(await json<Obj>(await admin('/api/v1/assets/company-logo'))).toMatchObject({ displayName: 'Company logo', contentLength: 0 });
    await expectProblem(await admin('/api/v1/assets/company-logo/content'), 404);
    await expectProblem(await admin('/api/v1/assets/ghost/content'), 404);
  });
});
