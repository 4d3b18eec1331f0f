import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DefinitionError,
  findActionflow,
  findActionflowByAlias,
  findActionflowsByName,
  findFlow,
  loadDefinitions,
  loadDefinitionsSync,
  templateKey,
  type DefinitionProblem,
} from './load.js';

const FLOWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../flows');

const ids = (n: number) => `11111111-1111-4111-8111-1111111111${String(n).padStart(2, '0')}`;

describe('the shipped flows folder', () => {
  it('loads, async and sync alike', async () => {
    const defs = await loadDefinitions(FLOWS_DIR);
    expect(defs.flows).toHaveLength(9);
    expect(defs.actionflows).toHaveLength(10);
    expect(defs.flows.map((f) => f.def.id).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map(ids));
    const sync = loadDefinitionsSync(FLOWS_DIR);
    expect(sync.flows.map((f) => f.def.displayName)).toEqual(defs.flows.map((f) => f.def.displayName));
  });

  it('applies actionflow defaults and records the source file', async () => {
    const defs = await loadDefinitions(FLOWS_DIR);
    const ping = findActionflow(defs, 'Demo', 'Public ping')!;
    expect(ping.def).toMatchObject({ allowAnonymous: true, logRequest: false, logResponse: false, parameters: [], failures: [], recordDelayMs: 0 });
    expect(ping.def.sourceFile).toMatch(/flows\/anonymous\.yaml$/);
    expect(Object.isFrozen(ping.def)).toBe(true);
    const invoice = findFlow(defs, ids(1))!;
    expect(invoice.def.kind).toBe('flow');
    expect(invoice.def.displayName).toBe('Invoice');
  });

  it('resolves the version-10 names, aliases and the ambiguous name', async () => {
    const defs = await loadDefinitions(FLOWS_DIR);
    expect(findActionflowsByName(defs, 'Legacy lookup')).toHaveLength(1);
    expect(findActionflowsByName(defs, 'Echo and enrich').map((a) => a.def.application).sort()).toEqual(['Demo', 'Other']);
    expect(findActionflowByAlias(defs, 'customers')?.def.name).toBe('Customer sync');
  });

  it('has working expressions in the demos', async () => {
    const defs = await loadDefinitions(FLOWS_DIR);
    const order = findFlow(defs, ids(2))!;
    // The large-order review is an `if`: its condition is compiled under `<id>#condition`.
    const review = order.conditions.get('large-order#condition')!;
    expect(await review.test({ input: { order: { customer: 'ACME', amount: 1500 } } })).toBe(true);
    expect(await review.test({ input: { order: { customer: 'ACME', amount: '500' } } })).toBe(false);
    const doc = order.templates.get(templateKey('confirmation', 'fileName'))!;
    expect(await doc.render({ input: { order: { customer: 'ACME', amount: 5 } } })).toBe('Order confirmation ACME.pdf');

    const crm = findFlow(defs, ids(3))!;
    const body = await crm.steps[1].template!.render({ input: { id: ['a-1', 'b-2'], entity: 'account', userId: 'u' } });
    expect(body).toContain('Records: a-1, b-2');

    const routing = findFlow(defs, ids(9))!;
    expect(routing.def.zones!.map((z) => [z.id, z.steps])).toEqual([['prepare', ['fetch', 'route']], ['records', ['each-record']], ['finish', ['summary']]]);
    expect(routing.def.steps.map((st) => st.id)).toEqual(['fetch', 'route', 'each-record', 'summary']);
    expect(await routing.conditions.get('vip#condition')!.test({ iteration: { item: 'vip-7' } })).toBe(true);

    const approval = findFlow(defs, ids(4))!;
    expect(await approval.templates.get(templateKey('approvalDocument', 'template'))!.render({ form: { approver: 'Ann', approved: true } })).toContain(
      'Approver: Ann\nApproved: yes',
    );

    const echo = findActionflow(defs, 'Demo', 'Echo and enrich')!;
    expect(await echo.transform!.evaluate({ email: 'ann@example.com' })).toEqual({ email: 'ann@example.com', domain: 'example.com' });

    const validate = findActionflow(defs, 'Demo', 'Validate customers')!;
    const [missing] = validate.failures;
    expect(await missing.when.test({ name: 'x' }, { index: 3 })).toBe(true);
    expect(await missing.message.render({ name: 'x' }, { index: 3 })).toBe('Record 3 has no email address');

    const stop = findActionflow(defs, 'Demo', 'Credit check')!.stop!;
    expect(await stop.when.test({ amount: 1001 })).toBe(true);

    const prices = findActionflow(defs, 'Demo', 'Regional prices')!;
    const input = { body: '', contentType: '', headers: {}, url: '/' };
    expect(await prices.records!.evaluate(input, { params: { region: 'EU', currency: 'EUR' }, input })).toHaveLength(2);
    expect(await prices.records!.evaluate(input, { params: { region: 'US', currency: 'USD', limit: '1' }, input })).toHaveLength(1);
  });
});

describe('broken definitions', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function folder(files: Record<string, string>): string {
    dir = mkdtempSync(path.join(tmpdir(), 'flowmock-defs-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  }

  async function problemsOf(files: Record<string, string>): Promise<DefinitionProblem[]> {
    const err = await loadDefinitions(folder(files)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DefinitionError);
    return (err as DefinitionError).problems.map((p) => ({ ...p, file: path.basename(p.file) }));
  }

  const flow = (id: number, steps: string, extra = '') => `id: ${ids(id)}\ndisplayName: Flow ${id}\ninput: {kind: none}\n${extra}steps:\n${steps}`;
  const progress = (id: string, pct?: number) => `  - {id: ${id}, type: progress, durationMs: 10${pct === undefined ? '' : `, percentage: ${pct}`}}\n`;
  const actionflow = (name: string, extra = '') => `kind: actionflow\napplication: App\nname: ${name}\nmode: sync\noutput: {name: Out}\n${extra}`;

  it.each([
    ['a JSONata error in an if condition', flow(1, '  - {id: c, type: if, condition: "a >", then: [{id: x, type: progress, durationMs: 1}]}\n'), '/steps/0/condition: jsonata'],
    ['a step id used again inside a body', flow(1, progress('a') + '  - {id: t, type: try, try: [{id: a, type: progress, durationMs: 1}]}\n'), '/steps/1/try/0/id: unique-step-id'],
    ['an iterate inside a body', flow(1, '  - {id: c, type: if, condition: "true", then: [{id: i, type: iterate, items: "[1]", steps: [{id: x, type: progress, durationMs: 1}]}]}\n'), '/steps/0/then/0/type: iterate-top-level'],
    ['a case value used twice', flow(1, '  - {id: s, type: switch, value: "1", cases: [{value: "1", steps: [{id: x, type: progress, durationMs: 1}]}, {value: "1", steps: [{id: y, type: progress, durationMs: 1}]}]}\n'), '/steps/0/cases/1/value: unique-case-value'],
    ['a construct with a when (constructs are not steps that do work)', flow(1, '  - {id: t, type: try, when: "true", try: [{id: x, type: progress, durationMs: 1}]}\n'), '/steps/0/when: additionalProperties'],
    ['an empty then-branch', flow(1, '  - {id: c, type: if, condition: "true", then: []}\n'), '/steps/0/then: minItems'],
    ['a schema error inside a nested body', flow(1, '  - {id: t, type: try, try: [{id: x, type: fail, status: Fatal, message: m}]}\n'), '/steps/0/try/0/status: enum'],
    ['both steps and zones', flow(1, progress('a'), 'zones: [{id: z, steps: [{id: b, type: progress, durationMs: 1}]}]\n'), ': steps-or-zones'],
    ['a zone id used twice', `id: ${ids(1)}\ndisplayName: Z\ninput: {kind: none}\nzones:\n  - {id: z, steps: [{id: a, type: progress, durationMs: 1}]}\n  - {id: z, steps: [{id: b, type: progress, durationMs: 1}]}\n`, '/zones/1/id: unique-zone-id'],
  ])('constructs: %s is a problem at its pointer', async (_what, text, expected) => {
    const problems = await problemsOf({ 'f.yaml': text });
    expect(problems.map((p) => `${p.pointer}: ${p.rule}`)).toContain(expected);
  });

  it('reports every kind of problem of every file together', async () => {
    const problems = await problemsOf({
      'a-bad-yaml.yaml': 'id: [unclosed\n',
      'b-dup-key.yaml': flow(2, progress('a')) + 'displayName: again\n',
      'c-schema.yaml': flow(3, '  - {id: a, type: fail, status: Fatal}\n  - {id: b, type: teleport}\n', 'colour: red\n'),
      'd-jsonata.yaml': flow(4, progress('a') + '  - {id: b, type: progress, durationMs: 1, when: "amount >"}\n'),
      'e-dup-step.yaml': flow(5, progress('a') + progress('a')),
      'f-dup-flow-id.yaml': flow(5, progress('a')),
      'g-percentage.yaml': flow(7, progress('a', 60) + progress('b', 30)),
      'h-alias.yaml': actionflow('First', 'alias: Second\n'),
      'i-second.yaml': actionflow('Second'),
      'j-template.yml': flow(10, '  - {id: d, type: document, fileName: "x{{ a + }}.pdf", template: ok}\n'),
      'README.md': 'not a definition',
    });
    const lines = problems.map((p) => `${p.file}: ${p.pointer}: ${p.rule}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'a-bad-yaml.yaml: : yaml',
        'b-dup-key.yaml: /displayName: duplicate-key',
        'c-schema.yaml: /colour: additionalProperties',
        'c-schema.yaml: /steps/0/status: enum',
        'c-schema.yaml: /steps/0/message: required',
        'c-schema.yaml: /steps/1/type: enum',
        'd-jsonata.yaml: /steps/1/when: jsonata',
        'e-dup-step.yaml: /steps/1/id: unique-step-id',
        'f-dup-flow-id.yaml: /id: unique-flow-id',
        'g-percentage.yaml: /steps/1/percentage: monotone-percentage',
        'h-alias.yaml: /alias: alias-clash',
        'j-template.yml: /steps/0/fileName: template',
      ]),
    );
    expect(problems.some((p) => p.file === 'README.md')).toBe(false);
    expect(problems.find((p) => p.rule === 'jsonata')!.message).toMatch(/^JSONata syntax error at position 8: .*\(line 6\)$/);
  });

  it('lists each problem as <file>: <pointer>: <rule>: <message> in the error message', async () => {
    const d = folder({ 'order.yaml': flow(1, '  - {id: a, type: progress, durationMs: 1, when: "amount >"}\n') });
    const err = await loadDefinitions(d).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^1 problem in the flow definitions:\n.*order\.yaml: \/steps\/0\/when: jsonata: JSONata syntax error at position 8: /);
  });

  it('checks flow schema details', async () => {
    const problems = await problemsOf({
      'x.yaml': [
        'id: not-a-uuid',
        'displayName: X',
        'input: {kind: none, rootElement: order}',
        'maxDurationMs: 99999999999',
        'steps:',
        '  - {id: a, type: progress, durationMs: -1, percentage: 101}',
        '  - {id: b, type: document, fileName: x.pdf}',
        '  - {id: c, type: userInput, fields: []}',
        '  - {id: d, type: userInput, fields: [{key: k, title: K, type: boolean, default: "yes"}, {key: k, title: K2, type: string}]}',
        '',
      ].join('\n'),
    });
    const lines = problems.map((p) => `${p.pointer}: ${p.rule}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        '/id: format',
        '/input/rootElement: not-allowed',
        '/maxDurationMs: maximum',
        '/steps/0/durationMs: minimum',
        '/steps/0/percentage: maximum',
        '/steps/1/template: required',
        '/steps/2/fields: minItems',
        '/steps/3/fields/0/default: type',
        '/steps/3/fields/1/key: unique-field-key',
      ]),
    );
  });

  it('checks actionflow schema details and cross-file uniqueness', async () => {
    const problems = await problemsOf({
      'a.yaml': actionflow('Same', 'mode: sometimes\n'.replace('mode', 'timeoutMs: 0\nrecordDelayMs: 1.5\nresponse: {statusCode: 204, headers: {"bad header": x}}\nparameters: [{name: body}, {name: 1x}, {name: ok}, {name: ok}]\n#')),
      'b.yaml': actionflow('Same', 'alias: shared\n'),
      'c.yaml': actionflow('Other', 'alias: shared\nfailures: [{when: "x"}]\nstop: {when: "(", message: m}\n'),
      'd.yaml': 'kind: workflow\n',
    });
    const lines = problems.map((p) => `${p.file}: ${p.pointer}: ${p.rule}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'a.yaml: /timeoutMs: minimum',
        'a.yaml: /recordDelayMs: type',
        'a.yaml: /response/statusCode: enum',
        'a.yaml: /response/headers/bad header: propertyNames',
        'a.yaml: /parameters/0/name: not',
        'a.yaml: /parameters/1/name: pattern',
        'a.yaml: /parameters/3/name: unique-parameter-name',
        'b.yaml: /name: unique-actionflow-name',
        'c.yaml: /alias: unique-alias',
        'c.yaml: /failures/0/message: required',
        'c.yaml: /stop/when: jsonata',
        'd.yaml: /kind: enum',
      ]),
    );
    expect(problems.find((p) => p.rule === 'not')!.message).toMatch(/reserved input name/);
  });

  it('reports a missing folder', () => {
    expect(() => loadDefinitionsSync('/nonexistent/flowmock')).toThrow(DefinitionError);
  });

  it('loads an empty folder and a flow without kind', async () => {
    expect(await loadDefinitions(folder({}))).toEqual({ flows: [], actionflows: [] });
    rmSync(dir!, { recursive: true, force: true });
    const defs = await loadDefinitions(folder({ 'f.yml': flow(1, progress('a', 10) + progress('b') + progress('c', 10)) }));
    expect(defs.flows[0].def.kind).toBe('flow');
    expect(defs.flows[0].steps).toHaveLength(3);
  });
});
