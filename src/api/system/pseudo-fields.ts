/**
 * SortPseudoFields: the pseudo elements of a standard template definition (its XML Schemas and the
 * data sets it names), sorted as src/engine/resources/pseudo-fields.ts documents. A schema that is
 * not an XML Schema, or a data set the project does not have, is a 400 naming it.
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { invalidField } from '../../handler-contract/problem.js';
import { ResourceError } from '../../engine/resources/resource-engine.js';
import { datasetFields } from '../../engine/resources/template-schema.js';
import { PseudoFieldError, datasetNodes, schemaNodes, sortPseudoElements } from '../../engine/resources/pseudo-fields.js';

/** XSD text as is; anything that does not start like XML is read as its base64. */
function schemaText(content: string): string {
  const trimmed = content.trimStart();
  if (trimmed.startsWith('<') || trimmed === '') return content;
  return Buffer.from(content, 'base64').toString('utf8');
}

export const pseudoFieldHandlers: Pick<Handlers, 'SortPseudoFields'> = {
  async SortPseudoFields(ctx) {
    const body = ctx.body ?? {};
    const sources: Parameters<typeof sortPseudoElements>[0] = [];
    for (const [i, schema] of (body.schemas ?? []).entries()) {
      const pointer = `/schemas/${i}/content`;
      if (typeof schema.content !== 'string' || schema.content.trim() === '') throw invalidField('body', pointer, 'required', 'each schema needs its XML Schema text in content');
      try {
        sources.push({ id: schema.name || `schema${i + 1}`, nodes: schemaNodes(schemaText(schema.content), pointer) });
      } catch (err) {
        if (err instanceof PseudoFieldError) throw invalidField('body', err.pointer, err.rule, err.message);
        throw err;
      }
    }
    const engine = ctx.services.resources;
    const datasets = engine.collection('datasets');
    for (const [i, name] of (body.datasets ?? []).entries()) {
      let found;
      try {
        found = (await engine.get(datasets, name)).record;
      } catch (err) {
        if (!(err instanceof ResourceError && err.kind === 'notFound')) throw err;
        const byName = await engine.list(datasets, { filter: { type: 'and', nodes: [{ condition: { key: 'displayName', operator: 'equalTo', values: [name] } }] }, page: 0, size: 1 });
        found = byName.content[0]?.record;
      }
      if (!found) throw invalidField('body', `/datasets/${i}`, 'exists', `no data set has the id or display name ${JSON.stringify(name.slice(0, 100))}`);
      sources.push({ id: found.id, nodes: datasetNodes(datasetFields(found.body).fields) });
    }
    return { status: 200, body: sortPseudoElements(sources) };
  },
};
