/**
 * SortPseudoFields without HTTP: the pseudo elements a standard template definition holds, sorted.
 * They come from the definition's `schemas` (XML Schemas: every element declared, inline or by a
 * named complex type) and its `datasets` (data sets of the project, by id or display name: their
 * data fields, as GetTemplateSchema reads them). An element or field with elements or fields of its
 * own is a `relation`, any other a `field`. The order is a tree walk: the roots of each source in the
 * definition's order (schemas first, then data sets); under each parent its fields first, then its
 * relations, each group by display name (case-insensitive, then id), every relation followed by
 * what it holds. An id is the path of names from the source (`<schema name or data set id>/a/b`).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { checkXmlLimits } from '../xml-limits.js';
import type { Field } from './template-schema.js';

export interface PseudoElement { type: 'field' | 'relation'; id: string; displayName: string }

/** A definition part that cannot be read, named by its JSON pointer into the body. */
export class PseudoFieldError extends Error {
  constructor(readonly pointer: string, readonly rule: string, message: string) {
    super(message);
    this.name = 'PseudoFieldError';
  }
}

/** `relation` when it has a complex type or fields of its own (a recursive type is not expanded again). */
interface Node { name: string; displayName: string; relation: boolean; children: Node[] }

/** Most elements the schemas of one definition may declare (as expanded through named types). */
export const MAX_PSEUDO_ELEMENTS = 10000;

type X = Record<string, unknown>;
const list = (v: unknown): X[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is X => typeof x === 'object' && x !== null);
const local = (name: string) => (name.includes(':') ? name.slice(name.indexOf(':') + 1) : name);

/** The element declarations directly inside a complex type (through sequence, all, choice and complexContent extension). */
function elementsOf(type: X): X[] {
  const out: X[] = [];
  const walk = (x: X) => {
    out.push(...list(x.element));
    for (const k of ['sequence', 'all', 'choice', 'complexContent', 'extension', 'group']) for (const c of list(x[k])) walk(c);
  };
  walk(type);
  return out;
}

/** The tree of elements an XML Schema declares at its top level. */
export function schemaNodes(xsd: string, pointer: string): Node[] {
  if (XMLValidator.validate(xsd) !== true) throw new PseudoFieldError(pointer, 'format', 'the schema is not well-formed XML');
  const limit = checkXmlLimits(xsd);
  if (limit) throw new PseudoFieldError(pointer, limit.rule, limit.message);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true }).parse(xsd) as X;
  const schema = list(doc.schema)[0];
  if (!schema) throw new PseudoFieldError(pointer, 'format', 'the schema is not an XML Schema (no xs:schema root)');
  const types = new Map(list(schema.complexType).filter((t) => typeof t['@name'] === 'string').map((t) => [t['@name'] as string, t]));
  const globals = new Map(list(schema.element).filter((e) => typeof e['@name'] === 'string').map((e) => [e['@name'] as string, e]));
  let count = 0;
  const node = (el: X, path: readonly string[]): Node | undefined => {
    const ref = typeof el['@ref'] === 'string' ? globals.get(local(el['@ref'])) : undefined;
    const decl = ref ?? el;
    const name = decl['@name'];
    if (typeof name !== 'string') return undefined;
    if (++count > MAX_PSEUDO_ELEMENTS) throw new PseudoFieldError(pointer, 'maxItems', `the schema declares more than ${MAX_PSEUDO_ELEMENTS} elements (named types expanded)`);
    const inline = list(decl.complexType)[0];
    const typeName = typeof decl['@type'] === 'string' ? local(decl['@type']) : undefined;
    const named = typeName !== undefined ? types.get(typeName) : undefined;
    const type = inline ?? named;
    // A named type already being expanded on this path (a type that contains itself) is not expanded again.
    const recursive = typeName !== undefined && path.includes(typeName);
    const children = type && !recursive
      ? elementsOf(type).map((c) => node(c, typeName !== undefined ? [...path, typeName] : path)).filter((c): c is Node => c !== undefined)
      : [];
    return { name, displayName: name, relation: type !== undefined, children };
  };
  return list(schema.element).map((e) => node(e, [])).filter((n): n is Node => n !== undefined);
}

/** A data set's fields (template-schema's tree) as pseudo nodes. */
export function datasetNodes(fields: Field[]): Node[] {
  return fields.map((f) => ({ name: f.name, displayName: f.title ?? f.name, relation: f.children !== undefined, children: datasetNodes(f.children ?? []) }));
}

const byName = (a: Node, b: Node) => a.displayName.localeCompare(b.displayName, 'en', { sensitivity: 'base' }) || a.name.localeCompare(b.name);

/** The sorted pseudo elements of the sources (each a root id and its nodes), in the order the sources come. */
export function sortPseudoElements(sources: Array<{ id: string; nodes: Node[] }>): PseudoElement[] {
  const out: PseudoElement[] = [];
  const walk = (nodes: Node[], prefix: string) => {
    const fields = nodes.filter((n) => !n.relation).sort(byName);
    const relations = nodes.filter((n) => n.relation).sort(byName);
    for (const f of fields) out.push({ type: 'field', id: `${prefix}/${f.name}`, displayName: f.displayName });
    for (const r of relations) {
      out.push({ type: 'relation', id: `${prefix}/${r.name}`, displayName: r.displayName });
      walk(r.children, `${prefix}/${r.name}`);
    }
  };
  for (const s of sources) walk(s.nodes, s.id);
  return out;
}
