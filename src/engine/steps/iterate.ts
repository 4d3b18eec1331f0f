/**
 * `iterate` (top level only): runs its steps once per item of a JSONata list; each run is a
 * state.iterations entry (vendor FlowExecutionIteration) with its own report.
 */
import type { ExecutionRecord } from '../../store/types.js';
import { constructSchema, jsonata, stepList, template } from '../definitions/schema-parts.js';
import type { IterateStepDef } from '../definitions/types.js';
import { cursorOf } from '../flows/cursor.js';
import type { EnterOp, InnerOp } from '../flows/program.js';
import { bodyZone } from '../flows/zones.js';
import type { ConstructModule, StepRunContext } from './types.js';

type IterateOp = EnterOp<IterateStepDef, { endAt: number }>;
/** End of an iteration body: the next iteration starts at `bodyAt`, or the loop ends. */
type NextIterationOp = InnerOp<{ bodyAt: number }>;

export const iterateStep: ConstructModule<'iterate'> = {
  type: 'iterate',
  kind: 'construct',
  info: { displayName: 'Iterate', description: 'Runs its steps once per item of a JSONata list; each run is a state.iterations entry with its own report. Top level only.', vendorType: 'other', group: 'control' },
  schema: constructSchema(
    'iterate',
    {
      items: { ...jsonata, description: 'JSONata giving the items; each item is one iteration.' },
      iterationName: { ...template, description: 'Display name of each iteration (template; `iteration.item`, `iteration.index`).' },
      steps: stepList,
    },
    ['items', 'steps'],
  ),
  expressions: ['items'],
  templates: ['iterationName'],
  ownsIterations: true,

  /** Iterations are not nested: an iterate construct stands at the top level of the flow. */
  check(_raw, at, report, nested) {
    if (nested) report.add(`${at}/type`, 'iterate-top-level', 'an iterate step must be at the top level of the flow (iterations are not nested)');
  },

  bodies: (step) => [{ at: 'steps', steps: step.steps ?? [] }],

  /** iterate, body, nextIteration (jumps back to the body while items are left). */
  compile(step, zone, e) {
    const op = e.emit<IterateOp>({ kind: 'enter', op: 'iterate', step, zone, jumps: { endAt: 0 } });
    const bodyAt = e.next;
    e.body(step.steps, bodyZone(step.id, 'iteration'));
    e.emit<NextIterationOp>({ kind: 'inner', op: 'nextIteration', type: 'iterate', owner: step.id, jumps: { bodyAt } });
    op.jumps.endAt = e.next;
  },

  /** Evaluates the items; starts the first iteration (or jumps to the end when there are none). */
  async enter(ctx, entry, rec) {
    const op = entry as IterateOp;
    const { step } = op;
    const raw = await ctx.expression(step.id, 'items', step.items, ctx.context(rec));
    const items = raw === undefined || raw === null ? [] : Array.isArray(raw) ? (raw as unknown[]) : [raw];
    const name = items.length > 0 ? await iterationName(ctx, step.id, items, 0, rec) : '';
    const fresh = await ctx.live();
    if (!fresh) return false;
    const cursor = cursorOf(fresh);
    if (items.length === 0) {
      cursor.stepIndex = op.jumps.endAt;
    } else {
      cursor.iteration = { owner: step.id, items, index: 0, at: pushIteration(fresh, step.id, 0, name) };
      cursor.stepIndex++;
    }
    await ctx.persist(fresh);
    return true;
  },

  async inner(ctx, inner, rec) {
    const op = inner as NextIterationOp;
    const it = cursorOf(rec).iteration;
    const more = it !== undefined && it.index + 1 < it.items.length;
    const name = more ? await iterationName(ctx, it.owner, it.items, it.index + 1, rec) : '';
    const fresh = await ctx.live();
    if (!fresh) return false;
    const c = cursorOf(fresh);
    if (more && c.iteration) {
      c.iteration.index++;
      c.iteration.at = pushIteration(fresh, c.iteration.owner, c.iteration.index, name);
      c.stepIndex = op.jumps.bodyAt;
    } else {
      delete c.iteration;
      c.stepIndex++;
    }
    await ctx.persist(fresh);
    return true;
  },
};

/** The display name of iteration `index`: the construct's iterationName template, else "<name> <n>". */
async function iterationName(ctx: StepRunContext, owner: string, items: unknown[], index: number, rec: ExecutionRecord): Promise<string> {
  const op = ctx.program.ops.find((o): o is IterateOp => o.kind === 'enter' && o.op === 'iterate' && o.step.id === owner);
  const context = { ...ctx.context(rec), iteration: { index, item: items[index] } };
  const source = op?.step.iterationName;
  return (source !== undefined && (await ctx.template(source).render(context))) || `${op?.step.displayName ?? owner} ${index + 1}`;
}

/**
 * Appends the FlowExecutionIteration of item `index` (id `<construct id>-<n>`, unique within the
 * execution because construct ids are unique in the flow). The first one replaces the plug-in
 * record iterations: the construct owns state.iterations from then on.
 */
function pushIteration(rec: ExecutionRecord, owner: string, index: number, displayName: string): number {
  const cursor = cursorOf(rec);
  if (!cursor.ownIterations) {
    rec.iterations = [];
    cursor.ownIterations = true;
  }
  rec.iterations.push({ id: `${owner}-${index + 1}`, displayName, report: [] });
  return rec.iterations.length - 1;
}
