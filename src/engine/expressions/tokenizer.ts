/**
 * The tokenizer of flowmock's expression language (README "Expressions"). It reads the whole text
 * and reports every character it cannot read, each at its offset, so a caller sees all lexical
 * errors at once; the parser runs only on a text without them.
 */

export type TokenKind = 'number' | 'text' | 'name' | 'quotedName' | 'keyword' | 'operator' | 'punct' | 'end';

export interface Token {
  kind: TokenKind;
  /** number: as written; text and quotedName: the value without quotes; keyword: lower case; operator/punct: the symbol. */
  value: string;
  /** Offset of the token's first character in the source (0-based, UTF-16 units). */
  offset: number;
  /** The source text of the token. */
  raw: string;
}

export interface LexicalError { message: string; offset: number }

export const KEYWORDS = new Set(['and', 'or', 'not', 'true', 'false', 'null']);

/** Longest first, so `<=` is not read as `<` then `=`. */
const OPERATORS = ['<>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '^', '&', '=', '<', '>', '!'];
const PUNCT = ['(', ')', ',', '.'];

const isDigit = (c: string) => c >= '0' && c <= '9';
const isNameStart = (c: string) => /[A-Za-z_]/.test(c);
const isNamePart = (c: string) => /[A-Za-z0-9_]/.test(c);

export function tokenize(src: string): { tokens: Token[]; errors: LexicalError[] } {
  const tokens: Token[] = [];
  const errors: LexicalError[] = [];
  let i = 0;
  const push = (kind: TokenKind, value: string, start: number) => tokens.push({ kind, value, offset: start, raw: src.slice(start, i) });

  while (i < src.length) {
    const c = src[i];
    const start = i;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') { i++; continue; }

    if (isDigit(c)) {
      while (i < src.length && isDigit(src[i])) i++;
      if (src[i] === '.' && !isDigit(src[i + 1] ?? '')) {
        errors.push({ message: 'a decimal point in a number must be followed by digits', offset: i });
        i++;
        continue;
      }
      if (src[i] === '.') { i++; while (i < src.length && isDigit(src[i])) i++; }
      if (src[i] === 'e' || src[i] === 'E') {
        const e = i;
        i++;
        if (src[i] === '+' || src[i] === '-') i++;
        if (!isDigit(src[i] ?? '')) { errors.push({ message: 'an exponent in a number must have digits', offset: e }); continue; }
        while (i < src.length && isDigit(src[i])) i++;
      }
      if (i < src.length && isNameStart(src[i])) {
        errors.push({ message: `a number must not run into a name ("${src.slice(start, i + 1)}")`, offset: i });
        while (i < src.length && isNamePart(src[i])) i++;
        continue;
      }
      push('number', src.slice(start, i), start);
      continue;
    }

    if (c === "'" || c === '"') {
      // A quote inside a text is written twice ('it''s').
      let value = '';
      i++;
      let closed = false;
      while (i < src.length) {
        if (src[i] === c) {
          if (src[i + 1] === c) { value += c; i += 2; continue; }
          i++;
          closed = true;
          break;
        }
        value += src[i++];
      }
      if (!closed) { errors.push({ message: `unterminated text: no closing ${c}`, offset: start }); continue; }
      push('text', value, start);
      continue;
    }

    if (c === '[') {
      // A field name that is not an identifier ([first name]); no ] inside.
      const close = src.indexOf(']', i + 1);
      if (close < 0) { errors.push({ message: 'unterminated field name: no closing ]', offset: start }); i = src.length; continue; }
      const name = src.slice(i + 1, close);
      i = close + 1;
      if (name.trim() === '') { errors.push({ message: 'a field name in [ ] must not be empty', offset: start }); continue; }
      push('quotedName', name, start);
      continue;
    }

    if (isNameStart(c)) {
      while (i < src.length && isNamePart(src[i])) i++;
      const word = src.slice(start, i);
      if (KEYWORDS.has(word.toLowerCase())) push('keyword', word.toLowerCase(), start);
      else push('name', word, start);
      continue;
    }

    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) { i += op.length; push('operator', op, start); continue; }
    if (PUNCT.includes(c)) { i++; push('punct', c, start); continue; }

    const cp = src.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    errors.push({ message: `unexpected character ${JSON.stringify(ch)}`, offset: start });
    i += ch.length;
  }
  tokens.push({ kind: 'end', value: '', offset: src.length, raw: '' });
  return { tokens, errors };
}
