/**
 * The flows the engine and the API see: those of the definition files (DefinitionsHolder) and
 * those created over the API (store.apiFlows, translated by vendor-body.ts). A reload of the files
 * replaces the file flows only; the API flows live in the store, so a restart keeps them too.
 * When a file defines a flow id that an API flow has, the file's flow wins the lookup (and the
 * API flow is listed no more until the file is gone): ids of file flows are fixed by their files.
 */
import type { Logger } from 'pino';
import type { Store } from '../../store/types.js';
import type { ApiFlowRecord } from '../../store/api-flows-store.js';
import type { DefinitionsHolder } from './holder.js';
import type { LoadedFlow } from './load.js';
import { translateVendorFlow } from './vendor-body.js';

export interface ApiFlow { record: ApiFlowRecord; loaded: LoadedFlow }

export class FlowCatalog {
  private api: Map<string, ApiFlow> | undefined;
  private merged: { fileVersion: number; apiVersion: number; byId: Map<string, LoadedFlow> } | undefined;
  private apiVersion = 0;

  constructor(private readonly store: Store, private readonly holder: DefinitionsHolder, private readonly logger?: Logger) {}

  /** API flows by id, read from the store once (a stored flow that no longer translates is skipped, with a warning). */
  apiFlows(): Map<string, ApiFlow> {
    if (!this.api) {
      this.api = new Map();
      for (const record of this.store.apiFlows.list()) {
        try {
          this.api.set(record.id, { record, loaded: translateVendorFlow(record.flow, record.id) });
        } catch (err) {
          this.logger?.warn({ flowId: record.id, err: (err as Error).message }, 'a stored API flow no longer translates; it is left out');
        }
      }
    }
    return this.api;
  }

  /** Drops what was read from the store: another replica created, changed or deleted an API flow. */
  forgetApiFlows(): void {
    this.api = undefined;
    this.apiVersion++;
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
  insert(record: ApiFlowRecord, loaded: LoadedFlow): void {
    this.store.apiFlows.insert(record);
    this.apiFlows().set(record.id, { record, loaded });
    this.apiVersion++;
  }

  update(record: ApiFlowRecord, loaded: LoadedFlow): void {
    this.store.apiFlows.update(record);
    this.apiFlows().set(record.id, { record, loaded });
    this.apiVersion++;
  }

  delete(id: string): boolean {
    const gone = this.store.apiFlows.delete(id);
    this.apiFlows().delete(id);
    this.apiVersion++;
    return gone;
  }
}
