/**
 * The parser of flowmock's expression language (README "Expressions"): a recursive-descent parser
 * over the tokenizer's tokens, one function per precedence level, then a check of every function
 * call against the catalogue (functions.ts) and of the operand types the parser can know, then the
 * canonical text (optionally indented). Errors carry the offset, the 1-based line and the 0-based
 * position in the line of where they are (ParseExpressionResponseErrors).
 *
 * Precedence, lowest first: or (||), and (&&), not (!), comparison (= == <> != < <= > >=, not
 * chained), & (text concatenation), + -, * / %, unary -, ^ (right-associative), then literals,
 * field references, calls and parentheses.
 */
import { KEYWORDS, tokenize, type Token } from './tokenizer.js';
import { argumentAt, arity, findFunction, type ArgumentType, type ValueType } from './functions.js';

/** Deepest nesting of parentheses, calls and operators (each a level of the tree) the parser follows: a limit, in the spec. */
export const MAX_EXPRESSION_DEPTH = 128;

export type Node =
  | { kind: 'literal'; type: 'number' | 'text' | 'boolean' | 'null'; value: string; offset: number }
  | { kind: 'reference'; path: string[]; offset: number }
  | { kind: 'call'; name: string; args: Node[]; offset: number }
  | { kind: 'unary'; op: '-' | 'not'; operand: Node; offset: number }
  | { kind: 'binary'; op: string; left: Node; right: Node; offset: number };

export interface ExpressionError { message: string; offset: number; line: number; posInLine: number }

export interface ParseResult {
  /** The syntax tree, when the text has no error. */
  ast?: Node;
  /** The canonical text, when the text has no error. */
  text?: string;
  errors: ExpressionError[];
}

/** Canonical spelling of each binary operator, and its precedence (higher binds tighter). */
const BINARY: Record<string, { op: string; level: number }> = {
  or: { op: 'or', level: 1 }, '||': { op: 'or', level: 1 },
  and: { op: 'and', level: 2 }, '&&': { op: 'and', level: 2 },
  '=': { op: '=', level: 4 }, '==': { op: '=', level: 4 }, '<>': { op: '<>', level: 4 }, '!=': { op: '<>', level: 4 },
  '<': { op: '<', level: 4 }, '<=': { op: '<=', level: 4 }, '>': { op: '>', level: 4 }, '>=': { op: '>=', level: 4 },
  '&': { op: '&', level: 5 },
  '+': { op: '+', level: 6 }, '-': { op: '-', level: 6 },
  '*': { op: '*', level: 7 }, '/': { op: '/', level: 7 }, '%': { op: '%', level: 7 },
  '^': { op: '^', level: 9 },
};
const LEVEL_NOT = 3;
const LEVEL_NEGATE = 8;
const LEVEL_PRIMARY = 10;
const COMPARISON_LEVEL = 4;

class SyntaxError_ extends Error {
  constructor(message: string, readonly offset: number) { super(message); }
}

function describe(t: Token): string {
  if (t.kind === 'end') return 'the end of the expression';
  if (t.kind === 'text') return 'a text';
  if (t.kind === 'number') return `the number ${t.raw}`;
  return `"${t.raw}"`;
}

const unexpected = (t: Token) => (t.kind === 'end' ? 'unexpected end of the expression' : `unexpected ${describe(t)}`);

/** Line (1-based) and position in the line (0-based) of an offset; \r\n, \n and \r each end a line. */
export function positionOf(src: string, offset: number): { line: number; posInLine: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < src.length; i++) {
    const c = src[i];
    if (c === '\n' || (c === '\r' && src[i + 1] !== '\n')) { line++; lineStart = i + 1; }
  }
  return { line, posInLine: offset - lineStart };
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private get t(): Token { return this.tokens[this.pos]; }
  private next(): Token { return this.tokens[this.pos++]; }
  private isOp(...ops: string[]): boolean { return (this.t.kind === 'operator' || this.t.kind === 'keyword') && ops.includes(this.t.value); }
  private isPunct(p: string): boolean { return this.t.kind === 'punct' && this.t.value === p; }

  parseAll(): Node {
    if (this.t.kind === 'end') throw new SyntaxError_('the expression is empty', this.t.offset);
    const node = this.or();
    const rest: Token = this.t;
    if (rest.kind !== 'end') {
      const what = this.isPunct(')') ? 'a ) without its (' : describe(rest);
      throw new SyntaxError_(`unexpected ${what}; expected an operator or the end of the expression`, rest.offset);
    }
    return node;
  }

  private enter(at: Token): void {
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw new SyntaxError_(`the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels`, at.offset);
  }

  /** Each operator of a chain is a level of the tree (a + b + c is (a + b) + c), so it counts towards the depth. */
  private leftAssoc(ops: string[], operand: () => Node): Node {
    const before = this.depth;
    let left = operand();
    while (this.isOp(...ops)) {
      const opTok = this.next();
      this.enter(opTok);
      const right = operand();
      left = { kind: 'binary', op: BINARY[opTok.value].op, left, right, offset: opTok.offset };
    }
    this.depth = before;
    return left;
  }

  private or(): Node { return this.leftAssoc(['or', '||'], () => this.and()); }
  private and(): Node { return this.leftAssoc(['and', '&&'], () => this.not()); }

  private not(): Node {
    if (this.isOp('not', '!')) {
      const opTok = this.next();
      this.enter(opTok);
      const operand = this.not();
      this.depth--;
      return { kind: 'unary', op: 'not', operand, offset: opTok.offset };
    }
    return this.comparison();
  }

  private comparison(): Node {
    const left = this.concat();
    const ops = ['=', '==', '<>', '!=', '<', '<=', '>', '>='];
    if (!this.isOp(...ops)) return left;
    const opTok = this.next();
    const right = this.concat();
    if (this.isOp(...ops)) throw new SyntaxError_(`comparisons do not chain: join ${opTok.raw} and ${this.t.raw} with and`, this.t.offset);
    return { kind: 'binary', op: BINARY[opTok.value].op, left, right, offset: opTok.offset };
  }

  private concat(): Node { return this.leftAssoc(['&'], () => this.additive()); }
  private additive(): Node { return this.leftAssoc(['+', '-'], () => this.multiplicative()); }
  private multiplicative(): Node { return this.leftAssoc(['*', '/', '%'], () => this.unary()); }

  private unary(): Node {
    if (this.isOp('-', '+')) {
      const opTok = this.next();
      this.enter(opTok);
      const operand = this.unary();
      this.depth--;
      // A unary + changes nothing; it is dropped from the canonical text.
      return opTok.value === '-' ? { kind: 'unary', op: '-', operand, offset: opTok.offset } : operand;
    }
    return this.power();
  }

  private power(): Node {
    const base = this.primary();
    if (!this.isOp('^')) return base;
    const opTok = this.next();
    this.enter(opTok);
    const exponent = this.unary();
    this.depth--;
    return { kind: 'binary', op: '^', left: base, right: exponent, offset: opTok.offset };
  }

  private primary(): Node {
    const t = this.t;
    switch (t.kind) {
      case 'number': this.next(); return { kind: 'literal', type: 'number', value: t.value, offset: t.offset };
      case 'text': this.next(); return { kind: 'literal', type: 'text', value: t.value, offset: t.offset };
      case 'keyword':
        if (t.value === 'true' || t.value === 'false') { this.next(); return { kind: 'literal', type: 'boolean', value: t.value, offset: t.offset }; }
        if (t.value === 'null') { this.next(); return { kind: 'literal', type: 'null', value: 'null', offset: t.offset }; }
        break;
      case 'punct':
        if (t.value === '(') {
          this.next();
          this.enter(t);
          const inner = this.or();
          this.depth--;
          if (!this.isPunct(')')) throw new SyntaxError_(`expected ) to close the ( at offset ${t.offset}; found ${describe(this.t)}`, this.t.offset);
          this.next();
          return inner;
        }
        break;
      case 'name':
        if (this.tokens[this.pos + 1].kind === 'punct' && this.tokens[this.pos + 1].value === '(') return this.call();
        return this.reference();
      case 'quotedName':
        return this.reference();
      default:
        break;
    }
    throw new SyntaxError_(`${unexpected(t)}; expected a value, a field, a function call or (`, t.offset);
  }

  private call(): Node {
    const nameTok = this.next();
    const open = this.next();
    this.enter(open);
    const args: Node[] = [];
    if (!this.isPunct(')')) {
      for (;;) {
        args.push(this.or());
        if (this.isPunct(',')) { this.next(); continue; }
        if (this.isPunct(')')) break;
        throw new SyntaxError_(`expected , or ) in the arguments of ${nameTok.value}; found ${describe(this.t)}`, this.t.offset);
      }
    }
    this.next();
    this.depth--;
    return { kind: 'call', name: nameTok.value, args, offset: nameTok.offset };
  }

  private reference(): Node {
    const first = this.next();
    const path = [first.value];
    while (this.isPunct('.')) {
      this.next();
      const seg = this.t;
      if (seg.kind !== 'name' && seg.kind !== 'quotedName' && seg.kind !== 'keyword') {
        throw new SyntaxError_(`expected a field name after "."; found ${describe(seg)}`, seg.offset);
      }
      this.next();
      path.push(seg.kind === 'keyword' ? seg.raw : seg.value);
    }
    return { kind: 'reference', path, offset: first.offset };
  }
}

const NUMBER_ONLY = new Set<ValueType>(['number', 'unknown']);
const DATE_KINDS = new Set<ValueType>(['date', 'time', 'dateTime', 'text', 'unknown']);

/** Whether a value of `actual` type may fill an argument of type `wanted`; text arguments take any value (converted). */
function fits(wanted: ArgumentType, actual: ValueType): boolean {
  if (wanted === 'number') return NUMBER_ONLY.has(actual);
  if (wanted === 'boolean') return actual === 'boolean' || actual === 'unknown';
  if (wanted === 'date' || wanted === 'time' || wanted === 'dateTime') return DATE_KINDS.has(actual);
  return true;
}

const typeName = (t: ValueType) => (t === 'dateTime' ? 'a date-time' : t === 'unknown' ? 'a value' : `a ${t}`);

/** The type of each node as far as it is known, collecting the calls and operands that do not fit. */
function check(node: Node, errors: Array<{ message: string; offset: number }>): ValueType {
  switch (node.kind) {
    case 'literal': return node.type === 'null' ? 'unknown' : node.type;
    case 'reference': return 'unknown';
    case 'unary': {
      const t = check(node.operand, errors);
      if (node.op === '-') {
        if (!NUMBER_ONLY.has(t)) errors.push({ message: `operator - takes a number; got ${typeName(t)}`, offset: node.offset });
        return 'number';
      }
      if (t !== 'boolean' && t !== 'unknown') errors.push({ message: `operator not takes a boolean; got ${typeName(t)}`, offset: node.offset });
      return 'boolean';
    }
    case 'binary': {
      const l = check(node.left, errors);
      const r = check(node.right, errors);
      const level = BINARY[node.op].level;
      if (node.op === '&') return 'text';
      if (level === COMPARISON_LEVEL) return 'boolean';
      if (node.op === 'and' || node.op === 'or') {
        for (const t of [l, r]) if (t !== 'boolean' && t !== 'unknown') errors.push({ message: `operator ${node.op} takes booleans; got ${typeName(t)}`, offset: node.offset });
        return 'boolean';
      }
      for (const t of [l, r]) {
        if (!NUMBER_ONLY.has(t)) errors.push({ message: `operator ${node.op} takes numbers; got ${typeName(t)}${t === 'text' && node.op === '+' ? ' (join texts with &)' : ''}`, offset: node.offset });
      }
      return 'number';
    }
    case 'call': {
      const types = node.args.map((a) => check(a, errors));
      const f = findFunction(node.name);
      if (!f) {
        errors.push({ message: `unknown function ${node.name} (GetExpressionFunctions lists the functions)`, offset: node.offset });
        return 'unknown';
      }
      const { min, max } = arity(f);
      if (node.args.length < min || node.args.length > max) {
        const takes = max === Infinity ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
        const at = node.args.length > max ? node.args[max].offset : node.offset;
        errors.push({ message: `${f.name} takes ${takes} argument${max === 1 && min === 1 ? '' : 's'}; got ${node.args.length}`, offset: at });
      }
      node.args.forEach((a, i) => {
        const p = argumentAt(f, i);
        if (p && !fits(p.type, types[i])) errors.push({ message: `argument ${p.name} of ${f.name} takes ${p.type === 'dateTime' ? 'a date-time' : `a ${p.type}`}; got ${typeName(types[i])}`, offset: a.offset });
      });
      node.name = f.name;
      return f.returns;
    }
  }
}

function level(node: Node): number {
  if (node.kind === 'binary') return BINARY[node.op].level;
  if (node.kind === 'unary') return node.op === 'not' ? LEVEL_NOT : LEVEL_NEGATE;
  return LEVEL_PRIMARY;
}

const quoteText = (s: string) => `'${s.replaceAll("'", "''")}'`;
const nameSegment = (s: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && !KEYWORDS.has(s.toLowerCase()) ? s : `[${s}]`);

function containsCall(node: Node): boolean {
  switch (node.kind) {
    case 'call': return true;
    case 'unary': return containsCall(node.operand);
    case 'binary': return containsCall(node.left) || containsCall(node.right);
    default: return false;
  }
}

/**
 * The canonical text: one space around binary operators, canonical operator and keyword spelling,
 * the catalogue's function names, texts in single quotes, only the parentheses precedence needs.
 * Indented, a call one of whose arguments holds a call puts each argument on a line of its own,
 * two spaces deeper.
 */
export function format(node: Node, indent: boolean, depth = 0): string {
  const wrap = (child: Node, needs: boolean) => {
    const text = format(child, indent, depth);
    return needs ? `(${text})` : text;
  };
  switch (node.kind) {
    case 'literal': return node.type === 'text' ? quoteText(node.value) : node.value;
    case 'reference': return node.path.map(nameSegment).join('.');
    case 'unary': {
      const needs = level(node.operand) < level(node);
      return node.op === 'not' ? `not ${wrap(node.operand, needs)}` : `-${wrap(node.operand, needs || node.operand.kind === 'unary')}`;
    }
    case 'binary': {
      const own = level(node);
      const rightAssoc = node.op === '^';
      const comparison = own === COMPARISON_LEVEL;
      const l = wrap(node.left, level(node.left) < own || (level(node.left) === own && (rightAssoc || comparison)) || (rightAssoc && node.left.kind === 'unary'));
      const r = wrap(node.right, level(node.right) < own || (level(node.right) === own && (!rightAssoc || comparison)));
      return `${l} ${node.op} ${r}`;
    }
    case 'call': {
      if (node.args.length === 0) return `${node.name}()`;
      if (indent && node.args.some(containsCall)) {
        const pad = '  '.repeat(depth + 1);
        const args = node.args.map((a) => `${pad}${format(a, indent, depth + 1)}`);
        return `${node.name}(\n${args.join(',\n')}\n${'  '.repeat(depth)})`;
      }
      return `${node.name}(${node.args.map((a) => format(a, indent, depth)).join(', ')})`;
    }
  }
}

/** Parses an expression: its tree and canonical text, or its errors with positions (lexical, else the first syntax error, else every call and operand that does not fit). */
export function parseExpression(src: string, options: { indent?: boolean } = {}): ParseResult {
  const at = (e: { message: string; offset: number }): ExpressionError => ({ message: e.message, offset: e.offset, ...positionOf(src, e.offset) });
  const { tokens, errors: lexical } = tokenize(src);
  if (lexical.length) return { errors: lexical.map(at) };
  let ast: Node;
  try {
    ast = new Parser(tokens).parseAll();
  } catch (err) {
    if (err instanceof SyntaxError_) return { errors: [at(err)] };
    throw err;
  }
  const semantic: Array<{ message: string; offset: number }> = [];
  check(ast, semantic);
  if (semantic.length) return { errors: semantic.sort((a, b) => a.offset - b.offset).map(at) };
  return { ast, text: format(ast, options.indent === true), errors: [] };
}
