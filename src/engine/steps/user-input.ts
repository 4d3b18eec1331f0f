/**
 * `userInput`: stops in UserInput with a form until its values are posted (the engine's
 * continueWithInput resumes it); started with /start, it is skipped with the form defaults.
 */
import { nonEmptyString, PATTERNS, stepSchema, type Schema } from '../definitions/schema-parts.js';
import { cursorOf } from '../flows/cursor.js';
import { endBlock, raisePercentage, skippedBlock, startBlock } from '../flows/execution-state.js';
import { formDefaults, formLayout, formSchema } from '../flows/user-input.js';
import type { DoStepModule } from './types.js';

/** A form field's default must fit the field's type (null = no default). */
const fieldDefaultRules = [
  { types: ['string', 'text'], default: { type: ['string', 'null'] } },
  { types: ['date'], default: { type: ['string', 'null'], format: 'date' } },
  { types: ['number'], default: { type: ['number', 'null'] } },
  { types: ['integer'], default: { type: ['integer', 'null'] } },
  { types: ['boolean'], default: { type: ['boolean', 'null'] } },
].map((rule) => ({
  if: { required: ['type'], properties: { type: { enum: rule.types } } },
  then: { properties: { default: rule.default } },
}));

const formField: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'title', 'type'],
  properties: {
    key: { type: 'string', pattern: PATTERNS.fieldKey[0], maxLength: 100 },
    title: nonEmptyString,
    type: { enum: ['string', 'text', 'number', 'integer', 'boolean', 'date'] },
    description: { type: 'string' },
    required: { type: 'boolean' },
    default: { type: ['string', 'number', 'boolean', 'null'] },
  },
  allOf: fieldDefaultRules,
};

export const userInputStep: DoStepModule<'userInput'> = {
  type: 'userInput',
  kind: 'do',
  info: { displayName: 'User input', description: 'Stops in UserInput with a form until its values are posted.', vendorType: 'other', group: 'steps' },
  schema: stepSchema('userInput', { fields: { type: 'array', minItems: 1, items: { $ref: '#/$defs/formField' } } }, ['fields']),
  defs: { formField },
  output: { schema: { type: 'object', description: 'The posted form values, by field key.', additionalProperties: true } },

  /** Field keys are unique within the form. */
  check(raw, at, report) {
    if (!Array.isArray(raw.fields)) return;
    const keys = new Map<string, number>();
    raw.fields.forEach((field: unknown, k) => {
      if (typeof field !== 'object' || field === null || typeof (field as { key?: unknown }).key !== 'string') return;
      const key = (field as { key: string }).key;
      const first = keys.get(key);
      if (first !== undefined) report.add(`${at}/fields/${k}/key`, 'unique-field-key', `field key "${key}" is already used by ${at}/fields/${first}`);
      else keys.set(key, k);
    });
  },

  async run(ctx, step, zone, rec) {
    if (rec.skipUserInput) {
      const at = ctx.iso();
      const cursor = cursorOf(rec);
      cursor.form = { ...cursor.form, ...formDefaults(step) };
      // Skipped, as a step whose condition is false: the output says why.
      skippedBlock(rec, step, zone, at, 'Skipped: started without user input (/start), the form defaults were used');
      raisePercentage(rec, step.percentage);
      await ctx.advance(rec);
      return true;
    }
    const message = (await ctx.text(step, 'message', ctx.context(rec))) ?? step.displayName ?? 'Waiting for user input';
    const fresh = await ctx.live();
    if (!fresh) return false;
    const at = ctx.iso();
    startBlock(fresh, step, zone, at);
    endBlock(fresh, step.id, 'UserInput', at);
    ctx.pauseRunning(fresh, at);
    fresh.status = 'UserInput';
    fresh.progress = {
      percentage: fresh.progress.percentage,
      message,
      status: 'UserInput',
      schema: formSchema(step),
      model: formDefaults(step),
      form: formLayout(step),
    };
    fresh.waitingFor = { type: 'userInput', since: at };
    await ctx.persist(fresh);
    await ctx.drainQueue();
    return false;
  },
};
