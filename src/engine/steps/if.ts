/** `if`: runs `then` when its JSONata condition holds, else `else`; reported as condition {result, body}. */
import { toBoolean } from '../definitions/expressions.js';
import { constructSchema, jsonata, stepList } from '../definitions/schema-parts.js';
import type { IfStepDef } from '../definitions/types.js';
import { cursorOf } from '../flows/cursor.js';
import { openBody } from '../flows/execution-state.js';
import type { CloseOp, EnterOp } from '../flows/program.js';
import { bodyZone } from '../flows/zones.js';
import type { ConstructModule } from './types.js';

type IfOp = EnterOp<IfStepDef, { elseAt: number; endAt: number }>;

export const ifStep: ConstructModule<'if'> = {
  type: 'if',
  kind: 'construct',
  info: { displayName: 'Condition', description: 'Runs `then` when its JSONata condition holds, else `else`; reported as condition {result, body}.', vendorType: 'other', group: 'control' },
  schema: constructSchema(
    'if',
    {
      condition: { ...jsonata, description: 'JSONata condition: `then` runs when it holds, else `else`.' },
      then: stepList,
      else: stepList,
    },
    ['condition', 'then'],
  ),
  expressions: ['condition'],

  bodies: (step) => [{ at: 'then', steps: step.then ?? [] }, ...(step.else ? [{ at: 'else', steps: step.else }] : [])],

  /** if, then-body, close (jumps to the end), else-body, close. */
  compile(step, zone, e) {
    const op = e.emit<IfOp>({ kind: 'enter', op: 'if', step, zone, jumps: { elseAt: 0, endAt: 0 } });
    e.body(step.then, bodyZone(step.id, 'then'));
    const closeThen = e.emit<CloseOp>({ kind: 'close', op: 'close', owner: step.id, to: 0 });
    op.jumps.elseAt = e.next;
    e.body(step.else ?? [], bodyZone(step.id, 'else'));
    e.emit<CloseOp>({ kind: 'close', op: 'close', owner: step.id });
    op.jumps.endAt = e.next;
    closeThen.to = op.jumps.endAt;
  },

  /** Evaluates the condition, records `condition {result, body}` and runs the matching branch. */
  async enter(ctx, entry, rec) {
    const op = entry as IfOp;
    const { step } = op;
    const result = toBoolean(await ctx.expression(step.id, 'condition', step.condition, ctx.context(rec)));
    const fresh = await ctx.live();
    if (!fresh) return false;
    openBody(fresh, step, op.zone, { condition: { result, body: [] } }, 'body');
    cursorOf(fresh).stepIndex = result ? cursorOf(fresh).stepIndex + 1 : op.jumps.elseAt;
    await ctx.persist(fresh);
    return true;
  },
};
