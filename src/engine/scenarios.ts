/**
 * Scenario names (flowmock extension): how one execution or actionflow run behaves, chosen per
 * request with `Prefer: scenario=<name>` or per definition with `scenario: <name>`. The names live
 * here, with no dependencies, so the definition JSON Schema, the engines, the HTTP layer and the
 * spec-drift test all use the same lists. What each one does: `flows/scenarios.ts` and
 * `actionflows/scenarios.ts`.
 */

/** Smart Flows scenarios besides `error-at-<percent>`. `none` runs the flow as defined. */
export const FLOW_SCENARIOS = [
  'none',
  'slow-success',
  'stuck',
  'interrupted-after-progress',
  'user-input',
  'waiting',
  'queued',
  'document-missing',
] as const;

/** `error-at-<percent>`, 1-100: ends Error when the percentage would reach that value. */
export const ERROR_AT_PATTERN = '^error-at-([1-9]|[1-9][0-9]|100)$';
const ERROR_AT = new RegExp(ERROR_AT_PATTERN);

/** PhixFlow actionflow scenarios. `none` runs the actionflow as defined. */
export const PHIXFLOW_SCENARIOS = ['none', 'timeout', 'partial-failure', 'stop'] as const;

export type FlowScenario = (typeof FLOW_SCENARIOS)[number] | `error-at-${number}`;
export type PhixflowScenario = (typeof PHIXFLOW_SCENARIOS)[number];
export type ScenarioTarget = 'flow' | 'actionflow';

/** One regular expression per target, for the definition schema (`scenario` field). */
export const FLOW_SCENARIO_PATTERN = `^(${FLOW_SCENARIOS.join('|')}|error-at-([1-9]|[1-9][0-9]|100))$`;
export const PHIXFLOW_SCENARIO_PATTERN = `^(${PHIXFLOW_SCENARIOS.join('|')})$`;

export function isFlowScenario(name: string): name is FlowScenario {
  return (FLOW_SCENARIOS as readonly string[]).includes(name) || ERROR_AT.test(name);
}

export function isPhixflowScenario(name: string): name is PhixflowScenario {
  return (PHIXFLOW_SCENARIOS as readonly string[]).includes(name);
}

export function isScenario(target: ScenarioTarget, name: string): boolean {
  return target === 'flow' ? isFlowScenario(name) : isPhixflowScenario(name);
}

/** The known names as people read them: "none, slow-success, ..., error-at-<1-100>". */
export function knownScenarios(target: ScenarioTarget): string {
  return target === 'flow' ? [...FLOW_SCENARIOS, 'error-at-<1-100>'].join(', ') : PHIXFLOW_SCENARIOS.join(', ');
}

/** The percentage of `error-at-<percent>`, or undefined for any other name. */
export function errorAtPercent(name: string | undefined): number | undefined {
  const m = name ? ERROR_AT.exec(name) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * The scenario an execution runs with: the request's (`Prefer`), else the definition's default;
 * `none` (either way) means no scenario, returned as undefined.
 */
export function effectiveScenario(requested: string | undefined, defined: string | undefined): string | undefined {
  const name = requested ?? defined;
  return name && name !== 'none' ? name : undefined;
}
