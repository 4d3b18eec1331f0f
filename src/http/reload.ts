/**
 * Reload without a restart.
 *
 * Spec: everything the server derives from the bundled spec (operations, router, validators,
 * server-wide answers, Prefer answers, the dispatcher, the /openapi.json and /openapi.yaml bytes)
 * is one `SpecRuntime`, built in full before it replaces the current one in a `SpecHolder`; a
 * request uses the runtime current when it arrives. A new spec that does not parse, whose schemas
 * do not compile, or that has an operation without a handler is refused: the old runtime stays
 * and a warning says why.
 *
 * Definitions: the `--flows` folder is loaded with `loadDefinitions` (all-or-nothing) and put in
 * the services' `DefinitionsHolder`; a broken file keeps the last good set and logs the
 * DefinitionError (file, JSON pointer, rule).
 *
 * `watchForChanges` watches the flows folder and the spec file's folder with fs.watch and reloads
 * after a quiet period (debounce), one reload at a time.
 */
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Logger } from 'pino';
import type { FlowmockConfig } from '../config.js';
import type { Services } from '../handler-contract/services.js';
import type { BodyChecks, Handlers } from '../handler-contract/handler-types.js';
import type { RandomSource } from '../random.js';
import { listOperations, GENERATED_DIR, type OperationSpec } from './openapi-document.js';
import { Router } from './router.js';
import { SpecValidator } from './validation.js';
import { createDispatcher } from './dispatch.js';
import { ServerWideAnswers } from './server-wide.js';
import { PreferAnswers } from '../mock/prefer.js';
import { loadDefinitions, DefinitionError } from '../engine/definitions/load.js';
import type { DefinitionsHolder } from '../engine/definitions/holder.js';

type Obj = Record<string, any>;

export interface SpecRuntime {
  doc: Obj;
  ops: OperationSpec[];
  router: Router;
  validator: SpecValidator;
  serverWide: ServerWideAnswers;
  prefer: PreferAnswers;
  dispatch: ReturnType<typeof createDispatcher>;
  /** The bytes served at /openapi.json and /openapi.yaml. */
  json: Buffer;
  yaml: Buffer;
  loadedAt: Date;
}

export interface SpecRuntimeDeps {
  config: FlowmockConfig;
  services: Services;
  logger: Logger;
  handlers: Handlers;
  /** Rules on a body that depend on state, run before its schema (src/api/handlers.ts). */
  bodyChecks: BodyChecks;
  /** The stream dynamic Prefer bodies draw from; kept across reloads. */
  preferRandom: RandomSource;
}

/** The bundled spec file the server reads: config `specFile`, else generated/openapi.json. */
export function specFilePath(config: Pick<FlowmockConfig, 'specFile'>): string {
  return path.resolve(config.specFile ?? path.join(GENERATED_DIR, 'openapi.json'));
}

/** Reads the bundled spec (JSON) and its YAML twin (the sibling openapi.yaml, or the JSON as YAML). */
export function readSpecFiles(file: string): { doc: Obj; json: Buffer; yaml: Buffer } {
  const json = readFileSync(file);
  const doc = JSON.parse(json.toString('utf8')) as Obj;
  if (typeof doc?.openapi !== 'string' || typeof doc.paths !== 'object') throw new Error(`${file} is not an OpenAPI document`);
  const yamlFile = path.join(path.dirname(file), 'openapi.yaml');
  const yaml = existsSync(yamlFile) && path.basename(file) === 'openapi.json'
    ? readFileSync(yamlFile)
    : Buffer.from(YAML.stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }));
  return { doc, json, yaml };
}

/**
 * Builds a complete runtime from a document; throws when any part fails (nothing is swapped).
 * `eager` compiles every validator now, so a schema Ajv refuses fails here: for a spec someone
 * edited (a reload, a `--spec` file). The bundled spec compiles per operation at its first
 * request (start-up time); test/foundation/spec-validators.test.ts proves all of it compiles.
 */
export function buildSpecRuntime(files: { doc: Obj; json: Buffer; yaml: Buffer }, deps: SpecRuntimeDeps, opts: { eager?: boolean } = {}): SpecRuntime {
  const { doc } = files;
  const ops = listOperations(doc);
  const missing = ops.filter((op) => typeof (deps.handlers as Record<string, unknown>)[op.operationId] !== 'function').map((op) => op.operationId);
  if (missing.length) throw new Error(`the spec has operations without a handler in this server: ${missing.join(', ')} (restart after adding them)`);
  const router = new Router(ops);
  const validator = new SpecValidator(doc, ops, { responses: deps.config.validateResponses });
  if (opts.eager) validator.compileAll();
  const serverWide = new ServerWideAnswers(doc, validator, deps.config.validateResponses);
  const prefer = new PreferAnswers({ doc, ops, validator, serverWide, random: deps.preferRandom });
  const dispatch = createDispatcher({
    router, validator, handlers: prefer.wrap(deps.handlers), bodyChecks: deps.bodyChecks, services: deps.services,
    validateResponses: deps.config.validateResponses, logger: deps.logger, serverWide,
  });
  return { doc, ops, router, validator, serverWide, prefer, dispatch, json: files.json, yaml: files.yaml, loadedAt: new Date() };
}

/** The current spec runtime; `replace` swaps it in one assignment. */
export class SpecHolder {
  private runtime: SpecRuntime;
  version = 1;

  constructor(initial: SpecRuntime, readonly deps: SpecRuntimeDeps, readonly file: string) {
    this.runtime = initial;
  }

  current(): SpecRuntime {
    return this.runtime;
  }

  replace(next: SpecRuntime): void {
    this.runtime = next;
    this.version++;
  }

  /**
   * Re-reads the spec file (or takes `files`), builds a runtime and swaps it in. Returns false,
   * keeping the current runtime, when anything fails; the warning says why.
   */
  reload(files?: { doc: Obj; json: Buffer; yaml: Buffer }): boolean {
    const log = this.deps.logger;
    try {
      const next = buildSpecRuntime(files ?? readSpecFiles(this.file), this.deps, { eager: true });
      this.replace(next);
      log.info({ file: this.file, operations: next.ops.length, version: this.version }, 'spec reloaded');
      return true;
    } catch (err) {
      log.warn({ file: this.file, reason: (err as Error).message }, 'spec not reloaded; keeping the last good version');
      return false;
    }
  }
}

export function createSpecHolder(deps: SpecRuntimeDeps): SpecHolder {
  const file = specFilePath(deps.config);
  const bundled = file === path.resolve(path.join(GENERATED_DIR, 'openapi.json'));
  return new SpecHolder(buildSpecRuntime(readSpecFiles(file), deps, { eager: !bundled }), deps, file);
}

/** The server's spec holder: its Prefer answers draw dynamic bodies from the `prefer` fork of services.random. */
export function createServerSpecHolder(config: FlowmockConfig, services: Services, logger: Logger, handlers: Handlers, bodyChecks: BodyChecks): SpecHolder {
  return createSpecHolder({ config, services, logger, handlers, bodyChecks, preferRandom: services.random.fork('prefer') });
}

/**
 * Loads the flows folder again and swaps the definitions in. Returns false, keeping the last good
 * definitions, when the folder does not load; the warning carries the DefinitionError message.
 */
export async function reloadDefinitions(dir: string, holder: DefinitionsHolder, logger: Logger): Promise<boolean> {
  try {
    const next = await loadDefinitions(dir);
    holder.replace(next);
    logger.info({ dir, flows: next.flows.length, actionflows: next.actionflows.length, version: holder.version }, 'definitions reloaded');
    return true;
  } catch (err) {
    const reason = err instanceof DefinitionError ? err.message : (err as Error).message;
    logger.warn({ dir, reason }, 'definitions not reloaded; keeping the last good version');
    return false;
  }
}

export interface Watching {
  close(): void;
  /** Resolves when no reload is pending or running (tests). */
  idle(): Promise<void>;
}

export interface WatchOptions {
  flowsDir: string;
  definitions: DefinitionsHolder;
  spec: SpecHolder;
  logger: Logger;
  /** Quiet time after the last change before reloading (default 250 ms). */
  debounceMs?: number;
}

/**
 * Watches the flows folder (any `*.yaml`/`*.yml` change) and the spec file's folder (the spec
 * file or its YAML twin) and reloads after `debounceMs` without further changes. Watching a
 * folder, not a file, keeps working when editors and generators replace files by renaming.
 */
export function watchForChanges(opts: WatchOptions): Watching {
  const log = opts.logger.child({ component: 'reload' });
  const debounceMs = opts.debounceMs ?? 250;
  const watchers: FSWatcher[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;

  const schedule = (key: string, job: () => Promise<unknown> | unknown) => {
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      if (closed) return;
      chain = chain.then(() => (closed ? undefined : job())).catch((err) => log.error({ err }, 'reload failed'));
    }, debounceMs));
  };

  const watchDir = (dir: string, relevant: (file: string | null) => boolean, key: string, job: () => Promise<unknown> | unknown) => {
    try {
      const w = watch(dir, { persistent: false }, (_event, file) => {
        if (relevant(file ? file.toString() : null)) schedule(key, job);
      });
      w.on('error', (err) => log.warn({ dir, reason: err.message }, 'stopped watching'));
      watchers.push(w);
      log.info({ dir }, 'watching for changes');
    } catch (err) {
      log.warn({ dir, reason: (err as Error).message }, 'cannot watch; reload on change is off for it');
    }
  };

  watchDir(path.resolve(opts.flowsDir), (f) => f === null || /\.ya?ml$/i.test(f), 'definitions',
    () => reloadDefinitions(opts.flowsDir, opts.definitions, log));
  const specFile = opts.spec.file;
  const specNames = new Set([path.basename(specFile), 'openapi.yaml']);
  watchDir(path.dirname(specFile), (f) => f === null || specNames.has(f), 'spec', () => opts.spec.reload());

  return {
    close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      for (const w of watchers) w.close();
    },
    async idle() {
      for (;;) {
        const c = chain;
        await c;
        if (timers.size === 0 && c === chain) return;
        await new Promise((r) => setTimeout(r, debounceMs));
      }
    },
  };
}
