/**
 * The evaluation context conditions and templates see, and the input values a document lists.
 * Everything comes from the stored record, so a resumed execution sees what it saw before.
 */
import type { ExecutionRecord } from '../../store/types.js';
import type { FlowDef } from '../definitions/types.js';
import type { EvaluationContext } from './types.js';
import type { EngineCursor } from './cursor.js';
import { walkSteps as allSteps } from '../steps/registry.js';

export function evaluationContext(
  rec: ExecutionRecord, cursor: EngineCursor,
): EvaluationContext & { flow: { id: string; displayName: string }; iteration?: { index: number; item: unknown } } {
  return {
    // Inside an `iterate` construct: the item of this iteration and its 0-based index.
    ...(cursor.iteration ? { iteration: { index: cursor.iteration.index, item: cursor.iteration.items[cursor.iteration.index] } } : {}),
    input: cursor.input ?? null,
    form: cursor.form,
    callback: cursor.callback ?? null,
    execution: { id: rec.id, flowId: rec.flowId, flowName: rec.flowName, createdBy: rec.createdBy },
    // The definitions module documents `flow` in its context too.
    flow: { id: rec.flowId, displayName: rec.flowName },
  };
}

/** Cap on listed values: the PDF caps lines too, this keeps the list itself small. */
const MAX_VALUES = 500;

/**
 * Flattens the input to label/value rows ("order.customer.name", "lines.line[0].sku"),
 * then adds the form values labelled by their field titles.
 */
export function documentInputValues(flow: FlowDef, cursor: EngineCursor): Array<{ label: string; value: string }> {
  const rows: Array<{ label: string; value: string }> = [];
  flatten(cursor.input, '', rows);
  const titles = new Map<string, string>();
  for (const step of allSteps(flow.steps)) if (step.type === 'userInput') for (const f of step.fields) titles.set(f.key, f.title);
  for (const [key, value] of Object.entries(cursor.form)) {
    if (rows.length >= MAX_VALUES) break;
    rows.push({ label: titles.get(key) ?? key, value: scalar(value) });
  }
  return rows;
}

function flatten(value: unknown, label: string, rows: Array<{ label: string; value: string }>): void {
  if (rows.length >= MAX_VALUES || value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(v, `${label}[${i}]`, rows));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, label ? `${label}.${k}` : k, rows);
  } else if (label) {
    rows.push({ label, value: scalar(value) });
  }
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
