/**
 * Assembles the spec from its parts. `spec/openapi.yaml` holds the document's head (info, servers,
 * tags, security) and lists the part files under `x-flowmock-parts`, one per area (Smart Flows
 * executions, flows, documents, ...; PhixFlow; flowmock extensions; shared components). Each part
 * is a fragment with `paths` and/or `components`; refs stay internal (`#/components/...`) because
 * they point into the assembled document. Two parts defining the same path or component is an
 * error, so an area cannot silently override another.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';

type Doc = Record<string, unknown>;
const PARTS_KEY = 'x-flowmock-parts';

export async function assembleSpec(rootFile: string): Promise<Doc> {
  const head = YAML.parse(await readFile(rootFile, 'utf8')) as Doc;
  const parts = head[PARTS_KEY];
  if (!Array.isArray(parts) || parts.some((p) => typeof p !== 'string')) {
    throw new Error(`${rootFile}: ${PARTS_KEY} must list the part files`);
  }
  const { [PARTS_KEY]: _parts, ...rest } = head;
  const doc: Doc = { ...rest, paths: {}, components: {} };
  for (const rel of parts as string[]) {
    const file = path.join(path.dirname(rootFile), rel);
    const fragment = (YAML.parse(await readFile(file, 'utf8')) ?? {}) as Doc;
    for (const key of Object.keys(fragment)) {
      if (key !== 'paths' && key !== 'components') throw new Error(`${rel}: a part holds only paths and components, not ${key}`);
    }
    mergeInto(doc.paths as Doc, (fragment.paths ?? {}) as Doc, `${rel}: path`);
    for (const [kind, entries] of Object.entries((fragment.components ?? {}) as Record<string, Doc>)) {
      const target = ((doc.components as Record<string, Doc>)[kind] ??= {});
      mergeInto(target, entries, `${rel}: components.${kind}`);
    }
  }
  return doc;
}

function mergeInto(target: Doc, source: Doc, where: string): void {
  for (const [name, value] of Object.entries(source)) {
    if (name in target) throw new Error(`${where} ${name} is defined by another part too`);
    target[name] = value;
  }
}
