/**
 * `document`: renders a PDF (or, `format: docx`, a Word file) from its template and puts it in the
 * output model under the step id; document and execution are saved in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { DocumentRecord } from '../../store/types.js';
import { DOCX_CONTENT_TYPE, renderExecutionDocx } from '../documents/docx.js';
import { renderExecutionPdf } from '../documents/pdf.js';
import { durationMs, nonEmptyString, stepSchema, template } from '../definitions/schema-parts.js';
import { endBlock, raisePercentage, startBlock } from '../flows/execution-state.js';
import { storesDocuments } from '../flows/scenarios.js';
import type { DoStepModule } from './types.js';

export const documentStep: DoStepModule<'document'> = {
  type: 'document',
  kind: 'do',
  info: { displayName: 'Generate document', description: 'Renders a PDF from a template and puts it in the output model under the step id.', vendorType: 'gendoc', group: 'steps' },
  schema: stepSchema(
    'document',
    {
      durationMs,
      fileName: { ...nonEmptyString, description: 'File name of the produced document (template).' },
      templateId: nonEmptyString,
      language: nonEmptyString,
      template: { ...template, description: 'Body text of the PDF (template).' },
      format: { enum: ['pdf', 'docx'], default: 'pdf', description: 'pdf (default) or docx: the produced document is a PDF or a Word (OOXML) file.' },
    },
    ['fileName', 'template'],
  ),
  output: {
    id: 'document',
    schema: {
      type: 'object',
      properties: { document: { type: 'object', properties: { id: { type: 'string' }, displayName: { type: 'string' }, type: { const: 'document' } } } },
    },
  },

  async run(ctx, step, zone, rec) {
    const message = (await ctx.text(step, 'message', ctx.context(rec))) ?? `Generating ${step.displayName ?? step.id}`;
    let fresh = await ctx.live();
    if (!fresh) return false;
    startBlock(fresh, step, zone, ctx.iso());
    fresh.progress.message = message;
    await ctx.persist(fresh);
    await ctx.sleep(step.durationMs ?? 0);

    fresh = await ctx.live();
    if (!fresh) return false;
    const context = ctx.context(fresh);
    const docx = step.format === 'docx';
    const displayName = (await ctx.text(step, 'fileName', context)) || `${step.id}.${docx ? 'docx' : 'pdf'}`;
    const body = (await ctx.text(step, 'template', context)) ?? '';
    const createdAt = ctx.iso();
    const source = {
      title: step.displayName ?? displayName,
      flowName: fresh.flowName,
      executionId: fresh.id,
      createdAt,
      body,
      inputValues: ctx.inputValues(fresh),
    };
    // `format: docx` (the document step's option): a Word file instead of a PDF.
    const pdf = docx ? renderExecutionDocx(source) : await renderExecutionPdf(source);

    const done = await ctx.live();
    if (!done) return false;
    const doc: DocumentRecord = {
      id: randomUUID(),
      executionId: done.id,
      displayName,
      description: null,
      createdAt,
      createdBy: done.createdBy,
      templateId: step.templateId ?? null,
      language: step.language ?? null,
      finished: true,
      expiration: null,
      contentType: docx ? DOCX_CONTENT_TYPE : 'application/pdf',
      size: pdf.length,
      source,
    };
    const produced = { document: { id: doc.id, displayName, type: 'document' } };
    done.output.model[step.id] = produced;
    endBlock(done, step.id, 'Output', ctx.iso(), { output: produced });
    raisePercentage(done, step.percentage);
    // Document and record together: a reader never sees a model pointing at a missing document.
    await ctx.store.transaction(async (tx) => {
      // Scenario `document-missing`: the model names the document, but it is never stored (404).
      if (storesDocuments(done)) await tx.documents.insert(doc, pdf);
      await ctx.advance(done, tx);
    });
    return true;
  },
};
