/** The actionflow engine's public surface. */
export { ActionflowCatalog, type ActionflowLookup, type V10Lookup } from './resolve.js';
export { ActionflowEngine, type ActionflowEngineOptions } from './actionflow-engine.js';
export { redactHeaders, REDACTED } from './input.js';
export { LOG_BODY_LIMIT_BYTES } from './action-log.js';
export { INTERRUPTED_MESSAGE } from './envelope.js';
export type * from './types.js';
