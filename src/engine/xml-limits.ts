/**
 * Limits on XML input checked before it is parsed into objects, so that input no parser can turn
 * into an object (nesting past the parser's limit, names that are JavaScript's own object
 * properties) is a 400 naming the rule instead of an exception (a 500).
 */
export const MAX_XML_DEPTH = 100;
/** Element and attribute names that would reach Object.prototype (prototype pollution). */
export const RESERVED_XML_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export interface XmlLimitViolation { rule: 'maxDepth' | 'reservedName'; pointer: string; message: string }

const RESERVED = new Set(RESERVED_XML_NAMES);
// One pass over the tags (comments, CDATA, processing instructions and declarations removed
// first); every pattern is linear. Attribute values may hold '>' inside quotes.
const TAG = /<(\/?)([A-Za-z_:][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const ATTRIBUTE = /([A-Za-z_:][^\s=/>]*)\s*=/g;

/** The first limit `xml` (already well formed) breaks, or null. */
export function checkXmlLimits(xml: string): XmlLimitViolation | null {
  const text = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').replace(/<[?!][^>]*>/g, '');
  const stack: string[] = [];
  for (const m of text.matchAll(TAG)) {
    const [, closing, name, rest] = m;
    if (closing) { stack.pop(); continue; }
    const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
    const at = `/${[...stack, name].slice(0, 5).join('/')}${stack.length >= 5 ? '/…' : ''}`;
    if (RESERVED.has(local) || RESERVED.has(name)) {
      return { rule: 'reservedName', pointer: at, message: `The XML element name <${name}> is not accepted: ${RESERVED_XML_NAMES.join(', ')} are reserved names.` };
    }
    for (const a of rest.replace(/"[^"]*"|'[^']*'/g, '""').matchAll(ATTRIBUTE)) {
      const attr = a[1].includes(':') ? a[1].slice(a[1].indexOf(':') + 1) : a[1];
      if (RESERVED.has(attr)) {
        return { rule: 'reservedName', pointer: at, message: `The XML attribute name ${a[1]} is not accepted: ${RESERVED_XML_NAMES.join(', ')} are reserved names.` };
      }
    }
    if (rest.trimEnd().endsWith('/')) continue; // <empty/>
    stack.push(name);
    if (stack.length > MAX_XML_DEPTH) {
      return { rule: 'maxDepth', pointer: at, message: `The XML input nests elements deeper than ${MAX_XML_DEPTH} levels.` };
    }
  }
  return null;
}
