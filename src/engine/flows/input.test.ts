import { describe, expect, it } from 'vitest';
import type { FlowDef } from '../definitions/types.js';
import { InputError } from './errors.js';
import { checkFlowMediaType, flowMediaTypes, parseFlowInput } from './input.js';

function flow(input: FlowDef['input']): FlowDef {
  return { kind: 'flow', id: 'f', displayName: 'F', input, steps: [], sourceFile: 'test' };
}
const orderFlow = flow({ kind: 'xml', rootElement: 'order', requiredElements: ['customer', 'lines/line/sku'] });
const body = (contentType: string | null, text: string | null) => ({ contentType, raw: text === null ? null : Buffer.from(text) });

/** The InputError parseFlowInput throws (fails the test when it does not throw one). */
function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

const goodOrder = '<?xml version="1.0"?><order id="7"><customer>ACME</customer><number>007</number><amount>1500</amount><lines><line><sku>A</sku></line><line><sku>B</sku></line></lines></order>';

describe('parseFlowInput', () => {
  it('accepts no body for a flow without input and refuses a body, saying it takes none', () => {
    expect(parseFlowInput(flow({ kind: 'none' }), body(null, null))).toEqual({ kind: 'none' });
    const err = inputError(() => parseFlowInput(flow({ kind: 'none' }), body('application/json', '{"a":1}')));
    expect(err.kind).toBe('invalid');
    expect(err.message).toMatch(/takes no input/);
  });

  it('parses XML to a plain object templates can walk (input.order.customer), ids keep leading zeros', () => {
    const parsed = parseFlowInput(orderFlow, body('application/xml; charset=utf-8', goodOrder));
    expect(parsed.kind).toBe('xml');
    if (parsed.kind !== 'xml') return;
    const order = parsed.value.order as Record<string, unknown>;
    expect(order.customer).toBe('ACME');
    expect(order.number).toBe('007');
    expect(order.amount).toBe(1500);
    expect(order['@_id']).toBe('7');
    expect(Object.getPrototypeOf(order)).toBe(Object.prototype);
    expect(parsed.xml).toBe(goodOrder);
    expect(parsed.contentType).toBe('application/xml; charset=utf-8');
  });

  it('accepts text/xml too', () => {
    expect(parseFlowInput(orderFlow, body('text/xml', goodOrder)).kind).toBe('xml');
  });

  it('refuses XML with a DOCTYPE (any case): DTDs and entities are not accepted', () => {
    const xxe = '<?xml version="1.0"?><!doctype order [<!ENTITY x SYSTEM "file:///etc/passwd">]><order><customer>&x;</customer></order>';
    const err = inputError(() => parseFlowInput(orderFlow, body('application/xml', xxe)));
    expect(err.kind).toBe('invalid');
    expect(err.rule).toBe('noDtd');
    expect(err.message).toContain('DTDs and entities are not accepted');
    expect(err.message).toMatch(/takes an XML document/);
  });

  it('leaves entity references unexpanded', () => {
    const parsed = parseFlowInput(orderFlow, body('application/xml', goodOrder.replace('ACME', 'A&amp;B')));
    if (parsed.kind !== 'xml') throw new Error('xml expected');
    expect((parsed.value.order as Record<string, unknown>).customer).toBe('A&amp;B');
  });

  it('answers a wrong media type with unsupportedMediaType, naming the input the flow takes', () => {
    const err = inputError(() => parseFlowInput(orderFlow, body('application/json', '{"order":{}}')));
    expect(err.kind).toBe('unsupportedMediaType');
    expect(err.message).toContain('application/json');
    expect(err.message).toMatch(/XML document .*root element <order>/);
  });

  it('reports malformed XML with line and column', () => {
    const err = inputError(() => parseFlowInput(orderFlow, body('application/xml', '<order>\n  <customer>ACME</order>')));
    expect(err.rule).toBe('wellFormed');
    expect(err.message).toMatch(/line 2, column \d+/);
  });

  it('names the expected root element when another one is sent', () => {
    const err = inputError(() => parseFlowInput(orderFlow, body('application/xml', '<invoice/>')));
    expect(err.rule).toBe('rootElement');
    expect(err.pointer).toBe('/invoice');
    expect(err.message).toContain('expected <order>');
  });

  it('names a missing required element, also below repeated elements', () => {
    const noCustomer = goodOrder.replace('<customer>ACME</customer>', '');
    let err = inputError(() => parseFlowInput(orderFlow, body('application/xml', noCustomer)));
    expect(err.rule).toBe('requiredElement');
    expect(err.pointer).toBe('/order/customer');
    expect(err.message).toContain('<order>/<customer>');

    const noSku = goodOrder.replace(/<sku>.<\/sku>/g, '<name>x</name>');
    err = inputError(() => parseFlowInput(orderFlow, body('application/xml', noSku)));
    expect(err.pointer).toBe('/order/lines/line/sku');
    expect(err.message).toContain('<order>/<lines>/<line>/<sku>');
  });

  it('refuses an empty body for an XML flow', () => {
    expect(inputError(() => parseFlowInput(orderFlow, body('application/xml', ''))).rule).toBe('required');
  });

  it('accepts plug-in JSON and keeps it as sent', () => {
    const sent = { id: ['a', 'b'], entity: 'account', userId: 'u1', extra: true };
    const parsed = parseFlowInput(flow({ kind: 'plugin' }), body('application/json', JSON.stringify(sent)));
    expect(parsed).toEqual({ kind: 'plugin', value: sent });
  });

  it('names the plug-in field that is wrong', () => {
    const plugin = flow({ kind: 'plugin' });
    expect(inputError(() => parseFlowInput(plugin, body('application/json', '{"id":[],"entity":"a"}'))).pointer).toBe('/id');
    expect(inputError(() => parseFlowInput(plugin, body('application/json', '{"id":["x",3],"entity":"a"}'))).pointer).toBe('/id/1');
    const missing = inputError(() => parseFlowInput(plugin, body('application/json', '{"id":["x"]}')));
    expect(missing.pointer).toBe('/entity');
    expect(missing.message).toMatch(/plug-in JSON/);
    expect(inputError(() => parseFlowInput(plugin, body('application/json', '{'))).rule).toBe('json');
    expect(inputError(() => parseFlowInput(plugin, body('application/xml', '<a/>'))).kind).toBe('unsupportedMediaType');
  });

  it('lets an "any" flow take no body, XML or plug-in JSON by media type', () => {
    const any = flow({ kind: 'any' });
    expect(parseFlowInput(any, body(null, null)).kind).toBe('none');
    expect(parseFlowInput(any, body('text/xml', '<a><b>1</b></a>')).kind).toBe('xml');
    expect(parseFlowInput(any, body('application/json', '{"id":["1"],"entity":"lead"}')).kind).toBe('plugin');
    const err = inputError(() => parseFlowInput(any, body('text/plain', 'hello')));
    expect(err.kind).toBe('unsupportedMediaType');
    expect(err.message).toMatch(/no body, an XML document .* or plug-in JSON/);
  });
});

describe('checkFlowMediaType (the first rule, before the body is read)', () => {
  it('lists the media types each input kind takes', () => {
    expect(flowMediaTypes(flow({ kind: 'none' }))).toEqual([]);
    expect(flowMediaTypes(orderFlow)).toEqual(['application/xml', 'text/xml']);
    expect(flowMediaTypes(flow({ kind: 'plugin' }))).toEqual(['application/json']);
    expect(flowMediaTypes(flow({ kind: 'any' }))).toEqual(['application/json', 'application/xml', 'text/xml']);
  });

  it('refuses JSON for an XML flow by its media type, whatever the JSON (even malformed)', () => {
    for (const text of ['{"id":["r-1"],"entity":"account"}', '{"order": ']) {
      const err = inputError(() => checkFlowMediaType(orderFlow, body('application/json', text)));
      expect(err).toMatchObject({ kind: 'unsupportedMediaType', rule: 'mediaType', pointer: '' });
      expect(err.message).toMatch(/^The media type application\/json is not accepted\. This flow takes an XML document \(application\/xml or text\/xml\)/);
    }
  });

  it('refuses any body for a flow without input (noBody), and lets no body through for every kind', () => {
    expect(inputError(() => checkFlowMediaType(flow({ kind: 'none' }), body('application/json', '{}'))).rule).toBe('noBody');
    for (const kind of ['none', 'xml', 'plugin', 'any'] as const) expect(() => checkFlowMediaType(flow({ kind }), body('application/json', ' '))).not.toThrow();
  });

  it('passes a media type the flow takes, without reading the body', () => {
    expect(() => checkFlowMediaType(orderFlow, body('text/xml; charset=utf-8', 'not even xml'))).not.toThrow();
    expect(() => checkFlowMediaType(flow({ kind: 'plugin' }), body('application/json', '{'))).not.toThrow();
  });
});
