/**
 * Checks a flow-start request body against the flow's input kind (none, xml, plugin, any)
 * and parses it into the value templates and conditions see as `input`.
 */
import { createRequire } from 'node:module';
import { checkXmlLimits } from '../xml-limits.js';
import type { FlowDef } from '../definitions/types.js';
import { InputError } from './errors.js';
import type { FlowInput, PluginInput } from './types.js';

export interface RequestBody {
  contentType: string | null;
  raw: Buffer | null;
}

const XML_TYPES = new Set(['application/xml', 'text/xml']);
const JSON_TYPE = 'application/json';

/** "application/xml; charset=utf-8" → "application/xml". */
function mediaType(contentType: string | null): string | null {
  if (!contentType) return null;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return type || null;
}

/** One sentence naming what the flow accepts, appended to every error message. */
export function describeFlowInput(flow: FlowDef): string {
  const root = flow.input.rootElement ? ` with root element <${flow.input.rootElement}>` : '';
  switch (flow.input.kind) {
    case 'none':
      return 'This flow takes no input: send the request without a body.';
    case 'xml':
      return `This flow takes an XML document (application/xml or text/xml)${root}.`;
    case 'plugin':
      return 'This flow takes plug-in JSON (application/json) with "id" (a list of record ids) and "entity".';
    case 'any':
      return `This flow takes no body, an XML document (application/xml or text/xml)${root}, or plug-in JSON (application/json).`;
  }
}

/** The media types a flow takes a body in; empty for a flow that takes no body. */
export function flowMediaTypes(flow: FlowDef): string[] {
  switch (flow.input.kind) {
    case 'none':
      return [];
    case 'xml':
      return [...XML_TYPES];
    case 'plugin':
      return [JSON_TYPE];
    case 'any':
      return [JSON_TYPE, ...XML_TYPES];
  }
}

/**
 * The first rule of a start body, before anything reads it: a body of a kind the flow takes. A
 * flow without input takes no body (`noBody`); otherwise the media type must be one of
 * `flowMediaTypes` (`mediaType`). No body passes: whether one is required comes later.
 */
export function checkFlowMediaType(flow: FlowDef, body: RequestBody): void {
  if (!body.raw || decode(body.raw).trim() === '') return;
  if (flow.input.kind === 'none') {
    throw inputError(flow, 'invalid', '', 'noBody', 'The request has a body, but this flow takes none.');
  }
  const type = mediaType(body.contentType);
  if (!type || !flowMediaTypes(flow).includes(type)) {
    throw inputError(flow, 'unsupportedMediaType', '', 'mediaType', `The media type ${type ?? '(none)'} is not accepted.`);
  }
}

function inputError(flow: FlowDef, kind: 'invalid' | 'unsupportedMediaType', pointer: string, rule: string, what: string): InputError {
  return new InputError({ kind, pointer, rule, message: `${what} ${describeFlowInput(flow)}` });
}

export function parseFlowInput(flow: FlowDef, body: RequestBody): FlowInput {
  const fail = (kind: 'invalid' | 'unsupportedMediaType', pointer: string, rule: string, what: string): never => {
    throw inputError(flow, kind, pointer, rule, what);
  };
  checkFlowMediaType(flow, body);
  const text = body.raw && body.raw.length > 0 ? decode(body.raw) : '';
  const empty = text.trim() === '';
  const type = mediaType(body.contentType);

  switch (flow.input.kind) {
    case 'none':
      return { kind: 'none' };
    case 'xml':
      if (empty) fail('invalid', '', 'required', 'The request has no body.');
      return parseXml(flow, text, body.contentType ?? type!, fail);
    case 'plugin':
      if (empty) fail('invalid', '', 'required', 'The request has no body.');
      return parsePlugin(text, fail);
    case 'any':
      if (empty) return { kind: 'none' };
      return type === JSON_TYPE ? parsePlugin(text, fail) : parseXml(flow, text, body.contentType ?? type!, fail);
  }
}

type Fail = (kind: 'invalid' | 'unsupportedMediaType', pointer: string, rule: string, what: string) => never;

function decode(raw: Buffer): string {
  const text = raw.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * fast-xml-parser is loaded by the first XML input, not at start-up (issue 17: ~50 ms and a few MB
 * a server that never receives XML would pay). Synchronous, so parsing stays synchronous; Node
 * keeps the module once loaded.
 */
export const loadXml = (): typeof import('fast-xml-parser') => createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');

// processEntities off: entity references stay literal text, so nothing expands.
const PARSER_OPTIONS = {
  processEntities: false,
  ignoreAttributes: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Keep ids like "007" as strings; plain decimals become numbers for conditions.
  numberParseOptions: { hex: false, leadingZeros: false, eNotation: false },
};

function parseXml(flow: FlowDef, xml: string, contentType: string, fail: Fail): FlowInput {
  // Refused before parsing: a DTD is where XXE and entity expansion ("billion laughs") live.
  if (/<!DOCTYPE/i.test(xml)) fail('invalid', '', 'noDtd', 'The XML input has a DOCTYPE; DTDs and entities are not accepted.');
  const { XMLParser, XMLValidator } = loadXml();
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    fail('invalid', '', 'wellFormed', `The XML input is not well formed at line ${line}, column ${col}: ${msg}.`);
  }
  const limit = checkXmlLimits(xml);
  if (limit) fail('invalid', limit.pointer, limit.rule, limit.message);
  // JSON round trip: plain objects only, whatever the parser built.
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(JSON.stringify(new XMLParser(PARSER_OPTIONS).parse(xml))) as Record<string, unknown>;
  } catch (err) {
    // Whatever else the parser refuses is the input's fault, not the server's.
    return fail('invalid', '', 'wellFormed', `The XML input cannot be read: ${(err as Error).message}.`);
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith('#') && !k.startsWith('?'));
  if (roots.length !== 1) fail('invalid', '', 'rootElement', 'The XML input must have exactly one root element.');
  const root = roots[0];
  const expected = flow.input.rootElement;
  if (expected && root !== expected) {
    fail('invalid', `/${root}`, 'rootElement', `The XML root element is <${root}>, expected <${expected}>.`);
  }
  for (const path of flow.input.requiredElements ?? []) {
    const segments = path.split('/').filter(Boolean);
    if (!hasPath(doc[root], segments)) {
      const shown = [root, ...segments].map((s) => `<${s}>`).join('/');
      fail('invalid', `/${[root, ...segments].join('/')}`, 'requiredElement', `The XML input lacks the required element ${shown}.`);
    }
  }
  return { kind: 'xml', xml, value: doc, contentType };
}

/** Repeated elements parse to arrays: a path exists when any repetition has it. */
function hasPath(node: unknown, segments: string[]): boolean {
  if (segments.length === 0) return node !== undefined;
  if (Array.isArray(node)) return node.some((n) => hasPath(n, segments));
  if (node === null || typeof node !== 'object') return false;
  const [head, ...rest] = segments;
  return Object.prototype.hasOwnProperty.call(node, head) && hasPath((node as Record<string, unknown>)[head], rest);
}

function parsePlugin(text: string, fail: Fail): FlowInput {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return fail('invalid', '', 'json', `The body is not valid JSON (${(err as Error).message}).`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('invalid', '', 'type', 'The body must be a JSON object.');
  const obj = body as Record<string, unknown>;
  if (!('id' in obj)) fail('invalid', '/id', 'required', 'The field "id" is missing.');
  if (!Array.isArray(obj.id)) fail('invalid', '/id', 'type', 'The field "id" must be an array of record ids.');
  const ids = obj.id as unknown[];
  if (ids.length === 0) fail('invalid', '/id', 'minItems', 'The field "id" must list at least one record id.');
  ids.forEach((v, i) => {
    if (typeof v !== 'string' || v === '') fail('invalid', `/id/${i}`, 'type', `The record id at /id/${i} must be a non-empty string.`);
  });
  if (!('entity' in obj)) fail('invalid', '/entity', 'required', 'The field "entity" is missing.');
  if (typeof obj.entity !== 'string' || obj.entity === '') fail('invalid', '/entity', 'type', 'The field "entity" must be a non-empty string.');
  for (const key of ['userId', 'organizationUniqueName']) {
    if (obj[key] !== undefined && typeof obj[key] !== 'string') fail('invalid', `/${key}`, 'type', `The field "${key}" must be a string.`);
  }
  return { kind: 'plugin', value: obj as PluginInput };
}
