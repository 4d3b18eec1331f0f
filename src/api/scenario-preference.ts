/**
 * `Prefer: scenario=<name>` (flowmock extension) on starts and PhixFlow triggers: the scenario of
 * that one execution or run. Other preferences in the header belong to other features and are
 * ignored here. An unknown name is a 400 naming the header and listing the known names.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parsePrefer } from '../handler-contract/prefer-header.js';
import { ProblemError } from '../handler-contract/problem.js';
import { isScenario, knownScenarios, type ScenarioTarget } from '../engine/scenarios.js';

/** The requested scenario (`none` included), or undefined when the header names none. */
export function requestedScenario(headers: IncomingHttpHeaders, target: ScenarioTarget): string | undefined {
  const prefs = parsePrefer(headers.prefer);
  if (!prefs.has('scenario')) return undefined;
  const name = prefs.get('scenario')!;
  if (!isScenario(target, name)) {
    const what = target === 'flow' ? 'flow executions' : 'actionflow runs';
    const message = `${name === '' ? 'an empty scenario' : `"${name}"`} is not a scenario for ${what}; known: ${knownScenarios(target)}`;
    throw new ProblemError(400, `header Prefer: scenario=${name}: ${message}.`, [
      { in: 'header', pointer: '/prefer', rule: 'scenario', message },
    ]);
  }
  return name;
}

/** `Preference-Applied: scenario=<name>` for the scenario in effect (none: no header). */
export function scenarioApplied(scenario: string | undefined): Record<string, string> {
  return scenario ? { 'Preference-Applied': `scenario=${scenario}` } : {};
}
