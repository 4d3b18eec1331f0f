/**
 * Finds the actionflow a URL names. 11.1.1+ URLs carry application and name; the deprecated
 * version 10 form carries only a name (or a URL alias), which works while names are unique.
 * Names compare exactly (case-sensitive) after the HTTP layer has URL-decoded them.
 */
import type { LoadedActionflow } from '../definitions/load.js';

export type V10Lookup =
  | { kind: 'found'; af: LoadedActionflow }
  | { kind: 'notFound' }
  | { kind: 'ambiguous'; applications: string[] };

export class ActionflowCatalog {
  /** A function, not a list, so definitions reloaded later are seen. */
  constructor(private readonly list: () => LoadedActionflow[]) {}

  all(): LoadedActionflow[] {
    return this.list();
  }

  byApplicationAndName(application: string, name: string): LoadedActionflow | null {
    return this.list().find((af) => af.def.application === application && af.def.name === name) ?? null;
  }

  /** Alias first, then a name unique across applications. */
  byV10Name(nameOrAlias: string): V10Lookup {
    const all = this.list();
    const byAlias = all.filter((af) => af.def.alias === nameOrAlias);
    if (byAlias.length > 0) return single(byAlias);
    return single(all.filter((af) => af.def.name === nameOrAlias));
  }
}

function single(matches: LoadedActionflow[]): V10Lookup {
  if (matches.length === 0) return { kind: 'notFound' };
  if (matches.length === 1) return { kind: 'found', af: matches[0] };
  const applications = [...new Set(matches.map((af) => af.def.application))].sort();
  return { kind: 'ambiguous', applications };
}
