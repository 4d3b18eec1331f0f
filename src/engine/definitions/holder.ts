/**
 * The loaded flow and actionflow definitions as one replaceable value. Everything that reads
 * definitions takes a function (`() => holder.current()`, `() => holder.flowsById()`), so a reload
 * (`replace`) is seen by the next read; a reader never sees half of an old and half of a new set.
 *
 * Executions already going on read their flow by id at each step: a changed flow takes effect
 * from the next step, a removed flow ends them with Error (see the flow engine).
 */
import type { LoadedDefinitions, LoadedFlow } from './load.js';

export class DefinitionsHolder {
  private defs: LoadedDefinitions;
  private byId: Map<string, LoadedFlow>;
  private readonly listeners = new Set<(defs: LoadedDefinitions) => void>();
  /** 1 for the definitions loaded at start, one more per replacement. */
  version = 1;

  constructor(initial: LoadedDefinitions) {
    this.defs = initial;
    this.byId = indexFlows(initial);
  }

  current(): LoadedDefinitions {
    return this.defs;
  }

  /** Flow id → flow, of the current definitions. */
  flowsById(): Map<string, LoadedFlow> {
    return this.byId;
  }

  replace(next: LoadedDefinitions): void {
    const byId = indexFlows(next);
    this.defs = next;
    this.byId = byId;
    this.version++;
    for (const l of this.listeners) l(next);
  }

  /** Called after each replacement; returns a function that unsubscribes. */
  onReplace(listener: (defs: LoadedDefinitions) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function indexFlows(defs: LoadedDefinitions): Map<string, LoadedFlow> {
  return new Map(defs.flows.map((f) => [f.def.id, f]));
}
