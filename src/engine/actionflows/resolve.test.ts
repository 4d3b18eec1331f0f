import { describe, expect, it } from 'vitest';
import type { LoadedActionflow } from '../definitions/load.js';
import { ActionflowCatalog } from './resolve.js';
import { actionflows } from '../../../test/support/actionflows.js';

const def = (application: string, name: string, alias?: string) =>
  `application: ${application}\nname: ${name}\nmode: sync\noutput: { name: Out }\n${alias ? `alias: ${alias}\n` : ''}`;

describe('ActionflowCatalog', () => {
  const all = actionflows(
    def('Sales', 'Echo', 'echo-alias'),
    def('Sales', 'Shared'),
    def('Billing', 'Shared'),
    def('Billing', 'Only Billing'),
  );
  const catalog = new ActionflowCatalog(() => all);

  it('finds an actionflow by application and name, case-sensitively', () => {
    expect(catalog.byApplicationAndName('Sales', 'Echo')?.def.name).toBe('Echo');
    expect(catalog.byApplicationAndName('Billing', 'Echo')).toBeNull();
    expect(catalog.byApplicationAndName('sales', 'echo')).toBeNull();
  });

  it('gives the same lookup for application and name as for a version-10 name (found or notFound)', () => {
    expect(catalog.lookup('Sales', 'Echo')).toMatchObject({ kind: 'found', af: { def: { application: 'Sales', name: 'Echo' } } });
    expect(catalog.lookup('Billing', 'Echo')).toEqual({ kind: 'notFound' });
  });

  it('resolves a version-10 URL by alias', () => {
    const r = catalog.byV10Name('echo-alias');
    expect(r.kind).toBe('found');
    if (r.kind === 'found') expect(r.af.def.name).toBe('Echo');
  });

  it('resolves a version-10 URL by a name unique across applications', () => {
    const r = catalog.byV10Name('Only Billing');
    expect(r).toMatchObject({ kind: 'found', af: { def: { application: 'Billing' } } });
  });

  it('reports a name used in several applications as ambiguous, naming them', () => {
    expect(catalog.byV10Name('Shared')).toEqual({ kind: 'ambiguous', applications: ['Billing', 'Sales'] });
  });

  it('reports an unknown name (or a differently cased one) as not found', () => {
    expect(catalog.byV10Name('Nope')).toEqual({ kind: 'notFound' });
    expect(catalog.byV10Name('only billing')).toEqual({ kind: 'notFound' });
  });

  it('sees reloaded definitions, since it reads them through a function', () => {
    let current: LoadedActionflow[] = [];
    const live = new ActionflowCatalog(() => current);
    expect(live.byV10Name('Echo')).toEqual({ kind: 'notFound' });
    current = all;
    expect(live.byV10Name('Echo').kind).toBe('found');
  });
});
