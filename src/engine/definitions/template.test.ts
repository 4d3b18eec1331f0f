import { describe, expect, it } from 'vitest';
import { compileTemplate, TemplateSyntaxError } from './template.js';

describe('compileTemplate', () => {
  it('returns text without {{ as is', async () => {
    const t = compileTemplate('Plain text } with { braces');
    expect(t.isStatic).toBe(true);
    expect(await t.render({})).toBe('Plain text } with { braces');
  });

  it('renders expressions: undefined as empty, objects as JSON, numbers as $string', async () => {
    const t = compileTemplate('Order {{ input.order.number }} for {{input.order.customer}}: {{ missing }}|{{ input.order }}|{{ 0.1 + 0.2 }}|{{ true }}');
    const ctx = { input: { order: { number: 7, customer: 'ACME' } } };
    expect(await t.render(ctx)).toBe('Order 7 for ACME: |{"number":7,"customer":"ACME"}|0.3|true');
  });

  it('uses bindings', async () => {
    expect(await compileTemplate('Record {{ $index }} of {{ $input.url }}').render({}, { index: 2, input: { url: '/x' } })).toBe('Record 2 of /x');
  });

  it('allows }} inside an expression', async () => {
    expect(await compileTemplate('{{ {"a": {"b": 1}} }}!').render({})).toBe('{"a":{"b":1}}!');
  });

  it('reports a syntax error with its position in the template', () => {
    expect(() => compileTemplate('Hello {{ name + }}')).toThrow(TemplateSyntaxError);
    expect(() => compileTemplate('Hello {{ name + }}')).toThrow(/JSONata syntax error at position \d+/);
  });

  it('reports an unclosed or empty part', () => {
    expect(() => compileTemplate('Hello {{ name')).toThrow(/unclosed "\{\{" at position 6/);
    expect(() => compileTemplate('Hello {{ }}')).toThrow(/empty/);
  });
});
