/** `switch`: runs the first case whose value equals the JSONata value as text, else `default`; reported as switch {caseValue, caseBody}. */
import { constructSchema, jsonata, stepList } from '../definitions/schema-parts.js';
import type { SwitchStepDef } from '../definitions/types.js';
import { cursorOf } from '../flows/cursor.js';
import { openBody } from '../flows/execution-state.js';
import type { CloseOp, EnterOp } from '../flows/program.js';
import { bodyZone } from '../flows/zones.js';
import type { ConstructModule } from './types.js';

type SwitchOp = EnterOp<SwitchStepDef, { cases: Array<{ value: string; at: number }>; defaultAt: number; endAt: number }>;

export const switchStep: ConstructModule<'switch'> = {
  type: 'switch',
  kind: 'construct',
  info: { displayName: 'Switch', description: 'Runs the first case whose value equals the JSONata value as text, else `default`; reported as switch {caseValue, caseBody}.', vendorType: 'other', group: 'control' },
  schema: constructSchema(
    'switch',
    {
      value: { ...jsonata, description: 'JSONata; its result as text is compared with each case value.' },
      cases: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['value', 'steps'],
          properties: { value: { type: 'string' }, steps: stepList },
        },
      },
      default: stepList,
    },
    ['value', 'cases'],
  ),
  expressions: ['value'],

  /** Case values are unique: a second case with the same value could never run. */
  check(raw, at, report) {
    if (!Array.isArray(raw.cases)) return;
    const values = new Map<string, number>();
    raw.cases.forEach((c: unknown, n) => {
      if (typeof c !== 'object' || c === null || Array.isArray(c) || typeof (c as { value?: unknown }).value !== 'string') return;
      const value = (c as { value: string }).value;
      const first = values.get(value);
      if (first !== undefined) report.add(`${at}/cases/${n}/value`, 'unique-case-value', `case value "${value}" is already used by ${at}/cases/${first}; it could never run`);
      else values.set(value, n);
    });
  },

  bodies: (step) => [
    ...(step.cases ?? []).map((c, n) => ({ at: `cases/${n}/steps`, steps: c.steps ?? [] })),
    ...(step.default ? [{ at: 'default', steps: step.default }] : []),
  ],

  /** switch, each case body with a close (jumps to the end), default body, close. */
  compile(step, zone, e) {
    const op = e.emit<SwitchOp>({ kind: 'enter', op: 'switch', step, zone, jumps: { cases: [], defaultAt: 0, endAt: 0 } });
    const closes: CloseOp[] = [];
    step.cases.forEach((c, n) => {
      op.jumps.cases.push({ value: c.value, at: e.next });
      e.body(c.steps, bodyZone(step.id, `case-${n + 1}`));
      closes.push(e.emit<CloseOp>({ kind: 'close', op: 'close', owner: step.id, to: 0 }));
    });
    op.jumps.defaultAt = e.next;
    e.body(step.default ?? [], bodyZone(step.id, 'default'));
    e.emit<CloseOp>({ kind: 'close', op: 'close', owner: step.id });
    op.jumps.endAt = e.next;
    for (const close of closes) close.to = op.jumps.endAt;
  },

  /** Evaluates the value; opens caseBody and jumps to the matching case (or the default). */
  async enter(ctx, entry, rec) {
    const op = entry as SwitchOp;
    const { step } = op;
    const value = await ctx.expression(step.id, 'value', step.value, ctx.context(rec));
    const caseValue = value === undefined || value === null ? null : typeof value === 'object' ? JSON.stringify(value) : String(value);
    const fresh = await ctx.live();
    if (!fresh) return false;
    const match = op.jumps.cases.find((c) => c.value === caseValue);
    openBody(fresh, step, op.zone, { switch: { caseValue, caseBody: [] } }, 'caseBody');
    cursorOf(fresh).stepIndex = match ? match.at : op.jumps.defaultAt;
    await ctx.persist(fresh);
    return true;
  },
};
