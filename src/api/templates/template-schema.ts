/**
 * GetTemplateSchema: the schema of the data a template takes, from the data fields of its data
 * sets (src/engine/resources/template-schema.ts), as XML Schema (default) or JSON Schema. An
 * unknown template is the resource engine's 404; a data set the template names that is gone
 * counts as one without fields.
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { ResourceError } from '../../engine/resources/resource-engine.js';
import { templateSchema, type SchemaDataset, type TemplateSchemaFormat } from '../../engine/resources/template-schema.js';

export const templateSchemaHandlers: Pick<Handlers, 'GetTemplateSchema'> = {
  async GetTemplateSchema(ctx) {
    const engine = ctx.services.resources;
    const template = (await engine.get(engine.collection('templates'), ctx.path.templateId)).record;
    const datasetsCollection = engine.collection('datasets');
    const refs = Array.isArray(template.body.datasets) ? (template.body.datasets as Array<Record<string, unknown>>) : [];
    const datasets: SchemaDataset[] = [];
    for (const ref of refs) {
      if (typeof ref?.id !== 'string') continue;
      try {
        const d = (await engine.get(datasetsCollection, ref.id)).record;
        datasets.push({ id: d.id, displayName: String(d.body.displayName ?? d.id), body: d.body });
      } catch (err) {
        if (!(err instanceof ResourceError && err.kind === 'notFound')) throw err;
        datasets.push({ id: ref.id, displayName: String(ref.displayName ?? ref.id) });
      }
    }
    const format = (ctx.query.format ?? 'xsd').toLowerCase() as TemplateSchemaFormat;
    const { text, fileName } = templateSchema({ id: template.id, displayName: String(template.body.displayName ?? template.id) }, datasets, format);
    return {
      status: 200,
      body: Buffer.from(text, 'utf8'),
      contentType: 'application/octet-stream',
      headers: { 'Content-Disposition': `attachment; filename="${fileName}"` },
    };
  },
};
