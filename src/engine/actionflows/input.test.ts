import { describe, expect, it } from 'vitest';
import { capBody, LOG_BODY_LIMIT_BYTES } from './action-log.js';
import { prepareInput, REDACTED } from './input.js';
import { actionflow, request } from '../../../test/support/actionflows.js';

const af = actionflow(`
application: Demo
name: Rates
mode: sync
output: { name: Rates }
parameters:
  - { name: currency, required: true }
  - { name: region, default: EU }
  - { name: limit }
`);

describe('prepareInput', () => {
  it('takes a declared parameter from the query, else its default', () => {
    const { params } = prepareInput(af.def, request(undefined, { query: { currency: 'GBP' } }));
    expect(params).toEqual({ currency: 'GBP', region: 'EU', limit: null });
  });

  it('a declared parameter the call leaves out, without default, is "unavailable" (null), not an error', () => {
    const { params } = prepareInput(af.def, request(undefined, { query: { region: 'US' } }));
    expect(params).toEqual({ region: 'US', currency: null, limit: null });
  });

  it('passes undeclared query parameters through, but never `timeout`', () => {
    const { params } = prepareInput(af.def, request(undefined, { query: { currency: 'USD', extra: 'x', tags: ['a', 'b'], timeout: '100' } }));
    expect(params).toEqual({ currency: 'USD', region: 'EU', limit: null, extra: 'x', tags: ['a', 'b'] });
  });

  it('gives the input connection point the raw body, content type, url and lower-case redacted headers', () => {
    const { input } = prepareInput(
      af.def,
      request({ a: 1 }, {
        query: { currency: 'GBP' },
        headers: { Authorization: 'Bearer secret', Cookie: 'sid=1', 'X-API-Key': 'k', 'X-Trace': 't1' },
      }),
    );
    expect(input).toEqual({
      body: '{"a":1}',
      contentType: 'application/json',
      headers: { authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED, 'x-trace': 't1' },
      url: '/phixflow/api/1/action/Demo/Test/trigger',
    });
  });

  it('rebuilds the body text when the HTTP layer only has the parsed body', () => {
    const { input } = prepareInput(af.def, { ...request([1, 2], { query: { currency: 'GBP' } }), rawBody: null });
    expect(input.body).toBe('[1,2]');
  });
});

describe('capBody (request log)', () => {
  it('keeps bodies up to 64 KiB and cuts longer ones with a note', () => {
    expect(capBody('small')).toEqual({ body: 'small' });
    const big = 'x'.repeat(LOG_BODY_LIMIT_BYTES + 10);
    const capped = capBody(big);
    expect(capped.body).toHaveLength(LOG_BODY_LIMIT_BYTES);
    expect(capped.note).toBe(`Body cut to the first ${LOG_BODY_LIMIT_BYTES} of ${LOG_BODY_LIMIT_BYTES + 10} bytes`);
  });
});
