/**
 * The package's main entry (`import … from 'flowmock'`): the reference server to embed in a test
 * suite (`startFlowmock`), or to build and run yourself (`createApp`). The typed API client is
 * `flowmock/client`; the contract kit `flowmock/contract`.
 */
export {
  startFlowmock, durationMs, JournalVerificationError,
  type Flowmock, type StartFlowmockOptions, type FlowmockClock, type FlowmockJournal, type JournalExpectation, type Duration,
} from './embed.js';
export { createApp, type FlowmockApp } from './app.js';
export { resolveConfig, DEFAULT_CONFIG, ConfigError, type FlowmockConfig } from './config.js';
export { SETTINGS, type Setting } from './settings.js';
export type { JournalEntry, JournalFilter } from './store/types.js';
export type { FlowScenario, PhixflowScenario } from './engine/scenarios.js';
