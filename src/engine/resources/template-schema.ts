/**
 * GetTemplateSchema without HTTP: the schema of the data a template takes, derived from the data
 * fields of the data sets it names (`datasets[].id`), as XML Schema (`xsd`) or JSON Schema 2020-12
 * (`json`). One root (`templateData`) holds one element/property per data set, named by its
 * `wrapperElementName`, else its display name as an XML name; inside, the data set's fields:
 * - custom content: each field by `fieldName` (else id, else display name), typed by the field type
 *   (number integer/real, boolean, date, time, dateTime, data as base64, optionset as the enumeration
 *   of its option values, the rest text), required and repeating as the field says;
 * - standard content: each entity (repeating) with its fields as optional text;
 * - extended content: its fields (by `parent` under the parent's element when that is a field), typed by `type`;
 * - schema and form content (an XSD of their own): any content, the data set's schema says what;
 * - no content: an empty element.
 */

type Obj = Record<string, unknown>;

export type TemplateSchemaFormat = 'xsd' | 'json';
export const TEMPLATE_SCHEMA_FORMATS: readonly TemplateSchemaFormat[] = ['xsd', 'json'];

type Kind = 'string' | 'integer' | 'decimal' | 'boolean' | 'date' | 'time' | 'dateTime' | 'base64' | 'any';

/** A node of the schema tree both formats write. */
export interface Field {
  name: string;
  title?: string;
  kind: Kind;
  required: boolean;
  repeating: boolean;
  options?: string[];
  children?: Field[];
  note?: string;
}

export interface SchemaDataset { id: string; displayName: string; body?: Obj }

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** An XML NCName from any text: words joined in camel case, letters, digits, _ - . kept, the rest _, a leading non-letter prefixed with _. */
export function xmlName(text: string): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const camel = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  const safe = camel.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(safe) ? safe : `_${safe}`;
}

function customKind(f: Obj): Kind {
  switch (f.type) {
    case 'number': return isObj(f.number) && f.number.type === 'integer' ? 'integer' : 'decimal';
    case 'boolean': return 'boolean';
    case 'date': return 'date';
    case 'time': return 'time';
    case 'dateTime': return 'dateTime';
    case 'data': return 'base64';
    default: return 'string';
  }
}

function namedKind(type: string | undefined): Kind {
  switch ((type ?? '').toLowerCase()) {
    case 'number': case 'decimal': case 'real': case 'double': return 'decimal';
    case 'integer': case 'int': case 'long': return 'integer';
    case 'boolean': return 'boolean';
    case 'date': return 'date';
    case 'time': return 'time';
    case 'datetime': return 'dateTime';
    default: return 'string';
  }
}

/** The data fields of a data set's body as a tree (entities and parents hold their fields); `note` for content described elsewhere. */
export function datasetFields(body: Obj | undefined): { fields: Field[]; note?: string } {
  const content = isObj(body?.content) ? body.content : undefined;
  if (!content) return { fields: [] };
  if (content.type === 'custom' && isObj(content.customContent)) {
    return {
      fields: arr(content.customContent.fields).map((f) => ({
        name: xmlName(str(f.fieldName) ?? str(f.id) ?? str(f.displayName) ?? 'field'),
        title: str(f.displayName),
        kind: customKind(f),
        required: f.required === true,
        repeating: f.repeating === true,
        ...(f.type === 'optionset' && isObj(f.optionset)
          ? { options: arr(f.optionset.options).map((o) => str(o.value)).filter((v): v is string => v !== undefined) }
          : {}),
      })),
    };
  }
  if (content.type === 'standard' && isObj(content.standardContent)) {
    return {
      fields: arr(content.standardContent.entities).map((e) => ({
        name: xmlName(str(e.name) ?? str(e.displayName) ?? 'entity'),
        title: str(e.displayName),
        kind: 'string' as Kind,
        required: false,
        repeating: true,
        children: arr(e.fields).map((f) => ({
          name: xmlName(str(f.name) ?? str(f.displayName) ?? 'field'), title: str(f.displayName), kind: 'string' as Kind, required: false, repeating: false,
        })),
      })),
    };
  }
  if (content.type === 'extended' && isObj(content.extendedContent)) {
    const all = arr(content.extendedContent.fields).map((f) => ({
      parent: str(f.parent), key: str(f.name) ?? str(f.displayName) ?? 'field',
      field: { name: xmlName(str(f.name) ?? str(f.displayName) ?? 'field'), title: str(f.displayName), kind: namedKind(str(f.type)), required: false, repeating: false } as Field,
    }));
    const byKey = new Map(all.map((x) => [x.key, x.field]));
    const top: Field[] = [];
    for (const x of all) {
      const parent = x.parent !== undefined && x.parent !== x.key ? byKey.get(x.parent) : undefined;
      if (parent) (parent.children ??= []).push(x.field);
      else top.push(x.field);
    }
    return { fields: top };
  }
  if (content.type === 'schema' || content.type === 'form') {
    return { fields: [], note: `the ${content.type} data set's own XML Schema (its schemaContent) describes this content` };
  }
  return { fields: [] };
}

/** The schema tree of a template's data: one node per data set, in the template's order. */
function schemaTree(datasets: SchemaDataset[]): Field[] {
  const used = new Set<string>();
  return datasets.map((d) => {
    const content = isObj(d.body?.content) ? d.body.content : undefined;
    const inner = content && isObj(content[`${content.type}Content`]) ? (content[`${content.type}Content`] as Obj) : undefined;
    let name = xmlName(str(inner?.wrapperElementName) ?? d.displayName);
    for (let i = 2; used.has(name); i++) name = `${xmlName(str(inner?.wrapperElementName) ?? d.displayName)}${i}`;
    used.add(name);
    const { fields, note } = datasetFields(d.body);
    return { name, title: d.displayName, kind: note ? 'any' : 'string', required: false, repeating: false, children: note ? undefined : fields, note: note ?? `data set ${d.displayName} (${d.id})` };
  });
}

const escXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const XSD_TYPE: Record<Exclude<Kind, 'any'>, string> = {
  string: 'xs:string', integer: 'xs:integer', decimal: 'xs:decimal', boolean: 'xs:boolean', date: 'xs:date', time: 'xs:time', dateTime: 'xs:dateTime', base64: 'xs:base64Binary',
};

function xsdElement(f: Field, pad: string, root = false): string[] {
  const occurs = root ? '' : ` minOccurs="${f.required ? 1 : 0}" maxOccurs="${f.repeating ? 'unbounded' : 1}"`;
  const doc = f.note ?? (f.title && f.title !== f.name ? f.title : undefined);
  const annotation = doc ? [`${pad}  <xs:annotation><xs:documentation>${escXml(doc)}</xs:documentation></xs:annotation>`] : [];
  if (f.kind === 'any') {
    return [`${pad}<xs:element name="${f.name}"${occurs}>`, ...annotation,
      `${pad}  <xs:complexType><xs:sequence><xs:any processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xs:sequence></xs:complexType>`,
      `${pad}</xs:element>`];
  }
  if (f.children) {
    return [`${pad}<xs:element name="${f.name}"${occurs}>`, ...annotation, `${pad}  <xs:complexType>`, `${pad}    <xs:sequence>`,
      ...f.children.flatMap((c) => xsdElement(c, `${pad}      `)), `${pad}    </xs:sequence>`, `${pad}  </xs:complexType>`, `${pad}</xs:element>`];
  }
  if (f.options) {
    return [`${pad}<xs:element name="${f.name}"${occurs}>`, ...annotation, `${pad}  <xs:simpleType>`, `${pad}    <xs:restriction base="xs:string">`,
      ...f.options.map((o) => `${pad}      <xs:enumeration value="${escXml(o)}"/>`), `${pad}    </xs:restriction>`, `${pad}  </xs:simpleType>`, `${pad}</xs:element>`];
  }
  if (annotation.length) return [`${pad}<xs:element name="${f.name}" type="${XSD_TYPE[f.kind]}"${occurs}>`, ...annotation, `${pad}</xs:element>`];
  return [`${pad}<xs:element name="${f.name}" type="${XSD_TYPE[f.kind]}"${occurs}/>`];
}

function jsonNode(f: Field): Obj {
  let node: Obj;
  if (f.kind === 'any') node = {};
  else if (f.children) {
    node = { type: 'object', properties: Object.fromEntries(f.children.map((c) => [c.name, jsonNode(c)])), additionalProperties: false };
    const required = f.children.filter((c) => c.required).map((c) => c.name);
    if (required.length) node.required = required;
  } else if (f.options) node = { type: 'string', enum: f.options };
  else {
    node = {
      string: { type: 'string' }, integer: { type: 'integer' }, decimal: { type: 'number' }, boolean: { type: 'boolean' },
      date: { type: 'string', format: 'date' }, time: { type: 'string', format: 'time' }, dateTime: { type: 'string', format: 'date-time' },
      base64: { type: 'string', contentEncoding: 'base64' },
    }[f.kind];
  }
  const title = f.title && f.title !== f.name ? { title: f.title } : {};
  const description = f.note ? { description: f.note } : {};
  return f.repeating ? { ...title, ...description, type: 'array', items: node } : { ...title, ...description, ...node };
}

/** The schema text of a template's data in a format, and the file name it goes by. */
export function templateSchema(template: { id: string; displayName: string }, datasets: SchemaDataset[], format: TemplateSchemaFormat): { text: string; fileName: string } {
  const root: Field = { name: 'templateData', kind: 'string', required: true, repeating: false, children: schemaTree(datasets), note: `The data of template ${template.displayName} (${template.id}), one element per data set.` };
  const base = template.id.replace(/[^A-Za-z0-9._-]/g, '_');
  if (format === 'json') {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `urn:flowmock:template:${encodeURIComponent(template.id)}:schema`,
      title: template.displayName,
      description: root.note,
      type: 'object',
      properties: { templateData: { ...jsonNode({ ...root, note: undefined }) } },
      required: ['templateData'],
      additionalProperties: false,
    };
    return { text: `${JSON.stringify(schema, null, 2)}\n`, fileName: `${base}.schema.json` };
  }
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">',
    ...xsdElement(root, '  ', true),
    '</xs:schema>',
  ];
  return { text: `${lines.join('\n')}\n`, fileName: `${base}.xsd` };
}
