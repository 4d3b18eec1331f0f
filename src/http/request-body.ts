/**
 * Turns the raw body into what an operation takes: checks the media type against the spec
 * (415), parses JSON (400 when malformed), decodes text as strict UTF-8 (400 when invalid);
 * application/octet-stream stays bytes (the handler reads the raw body).
 */
import type { OperationSpec } from './openapi-document.js';
import { isJsonMedia } from './validation.js';
import { ProblemError, invalidField } from '../handler-contract/problem.js';

export interface ParsedBody {
  mediaType: string | null;   // the spec media type that matched
  value: unknown;             // parsed JSON, decoded text, or undefined when there is no body
}

/** `application/json; charset=utf-8` → `application/json`. */
export function mediaTypeOf(header: string | undefined): string | null {
  if (!header) return null;
  const t = header.split(';')[0].trim().toLowerCase();
  return t || null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The deepest nesting a JSON body (or JSON query parameter) may have: far above any real
 * payload, far below what recursive code after the parser (schema validation of the recursive
 * condition group, JSONata, JSON.stringify) survives; deeper is a 400 instead of a stack
 * overflow and a 500.
 */
export const MAX_JSON_DEPTH = 128;

/** True when the JSON text nests arrays and objects deeper than `max` (strings are skipped). */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

export function parseRequestBody(op: OperationSpec, raw: Buffer | null, contentTypeHeader: string | undefined): ParsedBody {
  const spec = op.requestBody;
  const hasBody = raw !== null && raw.length > 0;
  if (!spec) return { mediaType: null, value: undefined }; // operations without a body ignore one
  if (!hasBody) {
    if (spec.required) throw invalidField('body', '', 'required', 'A request body is required.');
    return { mediaType: null, value: undefined };
  }
  const mediaType = mediaTypeOf(contentTypeHeader);
  const accepted = spec.media.map((m) => m.mediaType);
  const match = mediaType && spec.media.find((m) => m.mediaType === mediaType || (m.mediaType.endsWith('/*') && mediaType.startsWith(m.mediaType.slice(0, -1))) || m.mediaType === '*/*');
  if (!match) {
    throw new ProblemError(415, `Content-Type ${mediaType ?? '(none)'} is not accepted; use one of: ${accepted.join(', ')}.`);
  }
  // Bytes (template and asset content): no decoding; the handler reads the raw body.
  if (match.mediaType === 'application/octet-stream') return { mediaType: match.mediaType, value: undefined };
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw invalidField('body', '', 'encoding', 'The body is not valid UTF-8.');
  }
  if (isJsonMedia(match.mediaType)) {
    if (jsonDepthExceeds(text)) throw invalidField('body', '', 'maxDepth', `The body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
    try {
      return { mediaType: match.mediaType, value: JSON.parse(text) };
    } catch (err) {
      const why = err instanceof Error ? err.message : 'parse error';
      throw invalidField('body', '', 'wellFormed', `The body is not well-formed JSON (${why}).`);
    }
  }
  return { mediaType: match.mediaType, value: text };
}
