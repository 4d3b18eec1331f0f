/**
 * RunCleanup: each of the vendor's CleanupActions really removes what it names, from executions
 * older than the age the cleanup settings give it (settings.ts, part `cleanup`; an execution's age
 * is the time since its last change, on the engine clock):
 *   remove{Internal|Output|Full}{Success|Error|Cancelled|Interrupted}
 *     finished executions of that outcome (Success includes Warning: finished with warnings):
 *     Internal = their input and internal data objects, Output = their documents and output data
 *     objects, Full = the executions themselves with everything of them;
 *   removeSelectFlow   executions still waiting for the caller to pick a flow: removed;
 *   interruptWaiting   executions waiting for a callback: Interrupted;
 *   interruptUserInput executions waiting for user input: Interrupted.
 * Without a list of actions, every action whose settings give an age and whose schedule (or that
 * of a level above it) is not disabled runs; a named action must have an age. flowmock runs no schedules of its own.
 */
import type { DataRecord, ExecutionRecord, ExecutionStatus, Store } from '../../store/types.js';
import { subSettings } from './settings.js';

export const CLEANUP_ACTIONS = [
  'removeInternalSuccess', 'removeOutputSuccess', 'removeFullSuccess',
  'removeInternalError', 'removeOutputError', 'removeFullError',
  'removeInternalCancelled', 'removeOutputCancelled', 'removeFullCancelled',
  'removeInternalInterrupted', 'removeOutputInterrupted', 'removeFullInterrupted',
  'removeSelectFlow', 'interruptWaiting', 'interruptUserInput',
] as const;
export type CleanupAction = (typeof CLEANUP_ACTIONS)[number];

type What = 'internal' | 'output' | 'full' | 'interrupt';
interface ActionPlan { statuses: ExecutionStatus[]; what: What; path: string[] }

const OUTCOMES = { Success: ['Success', 'Warning'], Error: ['Error'], Cancelled: ['Canceled'], Interrupted: ['Interrupted'] } as const;

function planOf(action: CleanupAction): ActionPlan {
  const m = /^remove(Internal|Output|Full)(Success|Error|Cancelled|Interrupted)$/.exec(action);
  if (m) {
    const what = m[1].toLowerCase() as 'internal' | 'output' | 'full';
    const outcome = m[2] as keyof typeof OUTCOMES;
    return { statuses: [...OUTCOMES[outcome]], what, path: ['flowExecutions', 'completed', outcome.toLowerCase(), what] };
  }
  if (action === 'removeSelectFlow') return { statuses: ['SelectFlow'], what: 'full', path: ['flowExecutions', 'inProgress', 'selectFlow'] };
  if (action === 'interruptWaiting') return { statuses: ['Waiting'], what: 'interrupt', path: ['flowExecutions', 'inProgress', 'waiting'] };
  return { statuses: ['UserInput'], what: 'interrupt', path: ['flowExecutions', 'inProgress', 'userInput'] };
}

/** The settings of one action (the vendor's CleanupActionSettings), as the cleanup part has them. */
interface ActionSettings { schedule?: { disabled?: boolean; cronExpression?: string }; age?: { timeUnit: 'seconds' | 'minutes' | 'hours' | 'days'; period?: number } }

/** A request RunCleanup refuses: the query parameter `action` and why. */
export class CleanupError extends Error {
  constructor(readonly rule: string, message: string) { super(message); }
}

const UNIT_MS = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

export interface CleanupResult { action: CleanupAction; settings: ActionSettings; affected: number }

/** The actions `action` names (comma-separated; empty or absent: all that are configured). */
export function parseActions(action: string | undefined): CleanupAction[] | null {
  if (action === undefined || action.trim() === '') return null;
  const names = action.split(',').map((a) => a.trim());
  const unknown = names.find((n) => !(CLEANUP_ACTIONS as readonly string[]).includes(n));
  if (unknown !== undefined) throw new CleanupError('enum', `${unknown || '(empty)'} is not a cleanup action; the actions are ${CLEANUP_ACTIONS.join(', ')}`);
  return [...new Set(names as CleanupAction[])];
}

/** Whether the action's schedule, or that of a level above it (the outcome's plan, completed, inProgress), is disabled. */
function disabledOnTheWay(cleanup: Record<string, unknown>, path: string[]): boolean {
  let at: unknown = cleanup;
  for (const k of path) {
    if (typeof at !== 'object' || at === null) return false;
    at = (at as Record<string, unknown>)[k];
    const schedule = (at as { schedule?: { disabled?: unknown } } | undefined)?.schedule;
    if (schedule?.disabled === true) return true;
  }
  return false;
}

const PAGE = 200;

/** The executions in these statuses last changed before `beforeIso`, oldest first (ids only). */
async function candidates(store: Store, statuses: ExecutionStatus[], beforeIso: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 0; ; page++) {
    const p = await store.executions.query({
      ownerId: null,
      filter: { type: 'and', nodes: [
        { condition: { key: 'status', operator: 'in', values: statuses } },
        { condition: { key: 'modifiedAt', operator: 'lessThan', values: [beforeIso] } },
      ] },
      sort: { field: 'modifiedAt', direction: 'asc' }, page, size: PAGE,
    });
    ids.push(...p.content.map((e) => e.id));
    if (p.content.length < PAGE) return ids;
  }
}

const INTERNAL: DataRecord['usage'][] = ['flowExecutionInput', 'flowExecutionInternal'];
const OUTPUT: DataRecord['usage'][] = ['flowExecutionOutput'];

export interface CleanupDeps {
  store: Store;
  now: Date;
  /** Interrupts a live execution still in `status` (the flow engine: stops its timers, closes its blocks). */
  interrupt(id: string, status: ExecutionStatus, message: string): Promise<ExecutionRecord | null>;
}

/** Runs the actions (null: every configured one); what each did, in the vendor's action order. */
export async function runCleanup(deps: CleanupDeps, actions: CleanupAction[] | null): Promise<CleanupResult[]> {
  const { store, now } = deps;
  const cleanup = await subSettings(store, 'cleanup', now);
  const settingsOf = (plan: ActionPlan): ActionSettings | undefined =>
    plan.path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), cleanup) as ActionSettings | undefined;

  const chosen: Array<{ action: CleanupAction; plan: ActionPlan; settings: ActionSettings & { age: NonNullable<ActionSettings['age']> } }> = [];
  for (const action of CLEANUP_ACTIONS) {
    if (actions && !actions.includes(action)) continue;
    const plan = planOf(action);
    const settings = settingsOf(plan);
    if (!settings?.age) {
      if (actions) throw new CleanupError('configured', `${action} has no age in the cleanup settings (cleanup.${plan.path.join('.')}.age; PUT /api/v1/settings/cleanup)`);
      continue;
    }
    if (!actions && disabledOnTheWay(cleanup, plan.path)) continue;
    chosen.push({ action, plan, settings: settings as ActionSettings & { age: NonNullable<ActionSettings['age']> } });
  }

  const results: CleanupResult[] = [];
  for (const { action, plan, settings } of chosen) {
    const ageMs = (settings.age.period ?? 0) * UNIT_MS[settings.age.timeUnit];
    const before = new Date(now.getTime() - ageMs).toISOString();
    let affected = 0;
    for (const id of await candidates(store, plan.statuses, before)) {
      if (plan.what === 'interrupt') {
        const done = await deps.interrupt(id, plan.statuses[0], `Interrupted by the cleanup (${action}): ${plan.statuses[0]} longer than ${settings.age.period ?? 0} ${settings.age.timeUnit}`);
        if (done) affected++;
        continue;
      }
      affected += await store.transaction(async (tx) => {
        const rec = await tx.executions.byId(id);
        if (!rec || !plan.statuses.includes(rec.status) || rec.modifiedAt >= before) return 0; // changed meanwhile
        if (plan.what === 'full') return (await tx.executions.delete(id)) ? 1 : 0;
        if (plan.what === 'internal') return (await tx.data.deleteByExecution(id, INTERNAL)) > 0 ? 1 : 0;
        const docs = await tx.documents.deleteByExecution(id);
        const data = await tx.data.deleteByExecution(id, OUTPUT);
        return docs + data > 0 ? 1 : 0;
      });
    }
    results.push({ action, settings, affected });
  }
  return results;
}
