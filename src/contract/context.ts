/**
 * What a scenario gets: clients for the proxies (strict for valid requests, lenient for requests
 * that break the spec on purpose), the fixtures, the recorder, the spec index and the seed.
 * Scenarios are plain async functions of this context, shared by the vitest suite and the CLI.
 */
import type { ClientFactory } from './harness/client.js';
import type { ContractFixtures } from './fixtures.js';
import type { Recorder } from './recorder.js';
import type { SpecIndex } from './spec-index.js';

export interface Target {
  /** Prism proxy with --errors: every valid request goes here. */
  strict: ClientFactory;
  /** Prism proxy without --errors: requests that break the spec on purpose (Prism would answer them itself). */
  lenient: ClientFactory;
  /** The server behind the proxies; used only to read binary bodies byte for byte (Prism alters them). */
  upstreamUrl: string;
  fixtures: ContractFixtures;
}

export interface ScenarioContext {
  recorder: Recorder;
  spec: SpecIndex;
  seed: number;
  /**
   * `reference`: the flowmock reference server started by the harness; `external`: --target URL;
   * `mock`: Prism's stateless mock of the spec (--target prism-mock), held to the conformance checks only.
   */
  kind: 'reference' | 'external' | 'mock';
  main: Target;
  /** A second reference server with maxConcurrent 1 and speed > 0 (queue, Interrupted), when available. */
  queue?: Omit<Target, 'lenient'>;
  /** Negative cases per rule site (fast-check samples). */
  negativeRuns: number;
  log(line: string): void;
}

export type Api = 'smartflows' | 'phixflow';

export interface Scenario {
  name: string;
  api: Api;
  /** A reason to skip (missing fixtures, no queue server), or null to run. */
  skip?(ctx: ScenarioContext): string | null;
  run(ctx: ScenarioContext): Promise<void>;
}
