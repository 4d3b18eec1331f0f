/**
 * The flows the engine and the API see: those of the definition files (DefinitionsHolder) and
 * those created over the API (store.apiFlows, translated by vendor-body.ts). A reload of the files
 * replaces the file flows only; the API flows live in the store, so a restart keeps them too.
 * When a file defines a flow id that an API flow has, the file's flow wins the lookup (and the
 * API flow is listed no more until the file is gone): ids of file flows are fixed by their files.
 */
import type { Logger } from 'pino';
import type { ApiFlowRecord, Store } from '../../store/types.js';
import type { DefinitionsHolder } from './holder.js';
import type { LoadedFlow } from './load.js';
import { translateVendorFlow } from './vendor-body.js';

export interface ApiFlow { record: ApiFlowRecord; loaded: LoadedFlow }

export class FlowCatalog {
  private api: Map<string, ApiFlow> | undefined;
  private merged: { fileVersion: number; apiVersion: number; byId: Map<string, LoadedFlow> } | undefined;
  private apiVersion = 0;

  constructor(private readonly store: Store, private readonly holder: DefinitionsHolder, private readonly logger?: Logger) {}

  /** Reads the API flows from the store (a stored flow that no longer translates is skipped, with a warning); the composition root awaits it before use. */
  async load(): Promise<void> {
    const api = new Map<string, ApiFlow>();
    for (const record of await this.store.apiFlows.list()) {
      try {
        api.set(record.id, { record, loaded: translateVendorFlow(record.flow, record.id) });
      } catch (err) {
        this.logger?.warn({ flowId: record.id, err: (err as Error).message }, 'a stored API flow no longer translates; it is left out');
      }
    }
    this.api = api;
    this.apiVersion++;
  }

  /** API flows by id, as loaded and changed since. */
  apiFlows(): Map<string, ApiFlow> {
    if (!this.api) throw new Error('FlowCatalog.load() must be awaited before the catalog is used');
    return this.api;
  }

  /** The file flow with this id, if any. */
  fileFlow(id: string): LoadedFlow | undefined {
    return this.holder.flowsById().get(id);
  }

  /** Flow id → flow, file flows and API flows (the engine's lookup). */
  flowsById(): Map<string, LoadedFlow> {
    const fileVersion = this.holder.version;
    if (!this.merged || this.merged.fileVersion !== fileVersion || this.merged.apiVersion !== this.apiVersion) {
      const byId = new Map<string, LoadedFlow>();
      for (const [id, f] of this.apiFlows()) byId.set(id, f.loaded);
      for (const [id, f] of this.holder.flowsById()) byId.set(id, f);
      this.merged = { fileVersion, apiVersion: this.apiVersion, byId };
    }
    return this.merged.byId;
  }

  /** Stores a new API flow (already translated). */
  async insert(record: ApiFlowRecord, loaded: LoadedFlow): Promise<void> {
    await this.store.apiFlows.insert(record);
    this.apiFlows().set(record.id, { record, loaded });
    this.apiVersion++;
  }

  async update(record: ApiFlowRecord, loaded: LoadedFlow): Promise<void> {
    await this.store.apiFlows.update(record);
    this.apiFlows().set(record.id, { record, loaded });
    this.apiVersion++;
  }

  async delete(id: string): Promise<boolean> {
    const gone = (await this.store.apiFlows.delete(id));
    this.apiFlows().delete(id);
    this.apiVersion++;
    return gone;
  }
}
