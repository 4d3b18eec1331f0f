/**
 * Finds the actionflow a URL names. 11.1.1+ URLs carry application and name; the deprecated
 * version 10 form carries only a name (or a URL alias), which works while names are unique.
 * Names compare exactly (case-sensitive) after the HTTP layer has URL-decoded them.
 *
 * `notFound` and `ambiguous` (with the applications' names) are for callers with valid
 * credentials only: the HTTP layer checks the token before it answers 404 or 409.
 */
import type { LoadedActionflow } from '../definitions/load.js';

export type ActionflowLookup =
  | { kind: 'found'; af: LoadedActionflow }
  | { kind: 'notFound' }
  | { kind: 'ambiguous'; applications: string[] };

/** The lookup of a version-10 URL (the only form that can be ambiguous). */
export type V10Lookup = ActionflowLookup;

export class ActionflowCatalog {
  /** A function, not a list, so definitions reloaded later are seen. */
  constructor(private readonly list: () => LoadedActionflow[]) {}

  all(): LoadedActionflow[] {
    return this.list();
  }

  byApplicationAndName(application: string, name: string): LoadedActionflow | null {
    return this.list().find((af) => af.def.application === application && af.def.name === name) ?? null;
  }

  /** `byApplicationAndName` as a lookup (found or notFound), for code that also takes version-10 URLs. */
  lookup(application: string, name: string): ActionflowLookup {
    const af = this.byApplicationAndName(application, name);
    return af ? { kind: 'found', af } : { kind: 'notFound' };
  }

  /** Alias first, then a name unique across applications. */
  byV10Name(nameOrAlias: string): V10Lookup {
    const all = this.list();
    const byAlias = all.filter((af) => af.def.alias === nameOrAlias);
    if (byAlias.length > 0) return single(byAlias);
    return single(all.filter((af) => af.def.name === nameOrAlias));
  }
}

function single(matches: LoadedActionflow[]): ActionflowLookup {
  if (matches.length === 0) return { kind: 'notFound' };
  if (matches.length === 1) return { kind: 'found', af: matches[0] };
  const applications = [...new Set(matches.map((af) => af.def.application))].sort();
  return { kind: 'ambiguous', applications };
}
