/**
 * `try`: runs `try`; a failure there runs `catch` and the execution ends Warning; reported as
 * try {bodyTry, error, bodyCatch}. The engine hands a failure to the innermost open try
 * (`cursor.tries`, pushed here).
 */
import { constructSchema, stepList } from '../definitions/schema-parts.js';
import type { TryStepDef } from '../definitions/types.js';
import { cursorOf } from '../flows/cursor.js';
import { closeBody, openBody } from '../flows/execution-state.js';
import type { CloseOp, EnterOp, InnerOp } from '../flows/program.js';
import { bodyZone } from '../flows/zones.js';
import type { ConstructModule } from './types.js';

type TryOp = EnterOp<TryStepDef, { catchAt: number; endAt: number }>;
/** bodyTry finished without failure: closes it, drops the try, skips the catch. */
type EndTryOp = InnerOp<{ to: number }>;

export const tryStep: ConstructModule<'try'> = {
  type: 'try',
  kind: 'construct',
  info: { displayName: 'Try', description: 'Runs `try`; a failure there runs `catch` and the execution ends Warning; reported as try {bodyTry, error, bodyCatch}.', vendorType: 'other', group: 'control' },
  schema: constructSchema('try', { try: stepList, catch: stepList }, ['try']),

  bodies: (step) => [{ at: 'try', steps: step.try ?? [] }, ...(step.catch ? [{ at: 'catch', steps: step.catch }] : [])],

  /** try, try-body, endTry (jumps to the end), catch-body, close. */
  compile(step, zone, e) {
    const op = e.emit<TryOp>({ kind: 'enter', op: 'try', step, zone, jumps: { catchAt: 0, endAt: 0 } });
    e.body(step.try, bodyZone(step.id, 'try'));
    const endTry = e.emit<EndTryOp>({ kind: 'inner', op: 'endTry', type: 'try', owner: step.id, jumps: { to: 0 } });
    op.jumps.catchAt = e.next;
    e.body(step.catch ?? [], bodyZone(step.id, 'catch'));
    e.emit<CloseOp>({ kind: 'close', op: 'close', owner: step.id });
    op.jumps.endAt = e.next;
    endTry.jumps.to = op.jumps.endAt;
  },

  /** Opens bodyTry; a failure before the matching endTry jumps to the catch (or the end without catch steps). */
  async enter(ctx, entry, rec) {
    const op = entry as TryOp;
    const cursor = cursorOf(rec);
    openBody(rec, op.step, op.zone, { try: { bodyTry: [], bodyCatch: [] } }, 'bodyTry');
    cursor.tries.push({ owner: op.step.id, catchAt: op.jumps.catchAt, endAt: op.jumps.endAt, hasCatch: (op.step.catch?.length ?? 0) > 0, depth: cursor.frames.length });
    await ctx.advance(rec);
    return true;
  },

  async inner(ctx, inner, rec) {
    const op = inner as EndTryOp;
    const cursor = cursorOf(rec);
    cursor.tries.pop();
    closeBody(rec);
    cursor.stepIndex = op.jumps.to;
    await ctx.persist(rec);
    return true;
  },
};
