/**
 * PhixFlow actionflow scenarios (flowmock extension), as hooks of the record loop:
 *
 * | scenario | what the run does |
 * |---|---|
 * | `timeout` | waits twice its timeout before the first record: a synchronous call is aborted at the timeout (504, Fail envelope); an asynchronous one answers 202 and the run finishes later |
 * | `partial-failure` | every second record (index 1, 3, 5, …) fails as error() would make it; the others are processed; the run is Fail when one failed |
 * | `stop` | stop() after the first record: that record is in `data`, the run is Fail "Stopped: …" |
 */
import type { RecordScenario } from './records.js';

const tag = (name: string): string => `(flowmock scenario ${name})`;

/** The record hooks of a scenario; undefined for none or an unknown name. */
export function recordScenario(scenario: string | undefined, timeoutMs: number): RecordScenario | undefined {
  switch (scenario) {
    case 'timeout':
      return { stallMs: Math.max(1, 2 * timeoutMs) };
    case 'partial-failure':
      return { failRecord: (index) => (index % 2 === 1 ? `Record ${index} failed ${tag('partial-failure')}` : undefined) };
    case 'stop':
      return { stopAfter: (index) => (index === 0 ? `stopped after the first record ${tag('stop')}` : undefined) };
    default:
      return undefined;
  }
}
