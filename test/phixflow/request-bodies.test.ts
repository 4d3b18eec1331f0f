/**
 * Request bodies of the trigger over HTTP: JSON split into records, other text passed as
 * `body`, and the errors: malformed JSON 400, an unsupported media type 415, a body over the
 * 1 MiB limit 413.
 */
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { call, envelopeOf, expectProblem, triggerPath, usePhixflowServer } from './helpers.js';

let s: TestServer;
let token: string;
usePhixflowServer((started) => ({ s, token } = started));

const ECHO = triggerPath('Demo', 'Echo and enrich');
const LEGACY = triggerPath('Legacy', 'Legacy lookup');
const MIB = 1024 * 1024;

describe('accepted bodies', () => {
  it('a text/plain body is one record { body: <text> }', async () => {
    const env = await envelopeOf(await call(s, LEGACY, { token, raw: 'hello', contentType: 'text/plain' }), 200);
    expect(env).toMatchObject({ status: 'Success', data: { Result: [{ body: 'hello', found: true }] } });
  });

  it('an application/xml body is one record { body: <xml text> }', async () => {
    const xml = '<customer><name>Ada</name></customer>';
    const env = await envelopeOf(await call(s, LEGACY, { token, raw: xml, contentType: 'application/xml' }), 200);
    expect(env.data).toEqual({ Result: [{ body: xml, found: true }] });
  });

  it('no body at all is zero records: Success with data.Result []', async () => {
    const env = await envelopeOf(await call(s, LEGACY, { token }), 200);
    expect(env).toMatchObject({ status: 'Success', message: 'Processed 0 records', data: { Result: [] } });
  });

  it('a JSON body just under the 1 MiB limit is accepted', async () => {
    const big = `"${'x'.repeat(MIB - 1024)}"`;
    const env = await envelopeOf(await call(s, LEGACY, { token, raw: big, contentType: 'application/json' }), 200);
    expect((env.data!.Result[0] as string).length).toBe(MIB - 1024);
  });
});

describe('rejected bodies', () => {
  it('malformed JSON is 400 problem+json naming the body (rule wellFormed)', async () => {
    const res = await call(s, ECHO, { token, raw: '[{"name": "Ann",', contentType: 'application/json' });
    await expectProblem(res, 400, { detail: 'not well-formed JSON', field: { in: 'body', pointer: '', rule: 'wellFormed' } });
  });

  it('malformed JSON is 400 on the version-10 URL too', async () => {
    const res = await call(s, '/phixflow/api/1/action/Legacy%20lookup/trigger', { token, raw: '{oops', contentType: 'application/json' });
    await expectProblem(res, 400, { field: { in: 'body', pointer: '', rule: 'wellFormed' } });
  });

  it('an unsupported media type (text/csv) is 415 problem+json naming it and the accepted types', async () => {
    const res = await call(s, ECHO, { token, raw: 'name,email\nAnn,ann@example.com\n', contentType: 'text/csv' });
    const problem = await expectProblem(res, 415, { detail: 'text/csv' });
    expect(problem.detail).toContain('application/json');
  });

  it('an unsupported media type is 415 on the version-10 URL too', async () => {
    const res = await call(s, '/phixflow/api/1/action/Legacy%20lookup/trigger', { token, raw: 'a,b', contentType: 'text/csv' });
    await expectProblem(res, 415, { detail: 'text/csv' });
  });

  it('a body over 1 MiB is 413 problem+json naming the limit', async () => {
    const tooBig = `"${'x'.repeat(MIB)}"`; // 1 MiB + 2 bytes
    const res = await call(s, ECHO, { token, raw: tooBig, contentType: 'application/json' });
    await expectProblem(res, 413, { detail: String(MIB) });
  });
});
