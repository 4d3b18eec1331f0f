/**
 * Finds module-level mutable state in TypeScript sources: a server's long-lived services belong to
 * the composition root (src/services.ts), which builds and closes them; a module that keeps state
 * of its own shares it between every server of a process (tests, embedding) and outlives close().
 *
 * Reported, per top-level declaration of a file (the TypeScript compiler's AST, not text):
 *  - `let` / `var`;
 *  - `new WeakMap()` / `new WeakSet()` (their only use is to attach state to objects), and
 *    instances of classes known to keep state (`Ajv`, `EventEmitter`);
 *  - a `Map`, `Set`, array or object literal that a function of the file mutates (`set`, `add`,
 *    `delete`, `clear`, `push`, `splice`, …, or an assignment to one of its properties), or an
 *    empty `new Map()` / `new Set()` it hands to another function (a cache helper). Filling a
 *    constant table at load time, outside any function, is not state.
 */
import ts from 'typescript';

export interface ModuleStateFinding {
  file: string;
  name: string;
  line: number;
  why: string;
}

const ALWAYS_STATEFUL = new Set(['WeakMap', 'WeakSet', 'Ajv', 'Ajv2020', 'EventEmitter']);
const COLLECTIONS = new Set(['Map', 'Set', 'Array']);
const MUTATORS = new Set(['set', 'add', 'delete', 'clear', 'push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);

function insideFunction(node: ts.Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n) || ts.isClassStaticBlockDeclaration(n)) return true;
  }
  return false;
}

/** The identifier a property access chain starts from (`a.b.c` → a), or null. */
function rootIdentifier(expr: ts.Expression): ts.Identifier | null {
  let e: ts.Expression = expr;
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  return ts.isIdentifier(e) ? e : null;
}

/** Names of top-level consts that a function of this file mutates. */
function mutatedInFunctions(source: ts.SourceFile, candidates: Set<string>, escapes: Set<string>): Set<string> {
  const mutated = new Set<string>();
  const note = (id: ts.Identifier | null, at: ts.Node) => {
    if (id && candidates.has(id.text) && insideFunction(at)) mutated.add(id.text);
  };
  const visit = (node: ts.Node): void => {
    // x.set(...), x.push(...), x.a.b.push(...)
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && MUTATORS.has(node.expression.name.text)) {
      note(rootIdentifier(node.expression.expression), node);
    }
    // x.a = …, x[k] = …, x.a += …, x.a++, delete x.a
    if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment
      && (ts.isPropertyAccessExpression(node.left) || ts.isElementAccessExpression(node.left))) {
      note(rootIdentifier(node.left), node);
    }
    if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node))
      && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)
      && (ts.isPropertyAccessExpression(node.operand) || ts.isElementAccessExpression(node.operand))) {
      note(rootIdentifier(node.operand), node);
    }
    if (ts.isDeleteExpression(node)) note(rootIdentifier(node.expression), node);
    // f(x): an empty collection handed to a function escapes; counted as mutated (the callee may be a cache helper).
    if (ts.isCallExpression(node)) for (const a of node.arguments) if (ts.isIdentifier(a) && escapes.has(a.text)) note(a, node);
    // Object.assign(x, …)
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.getText(source) === 'Object.assign' && node.arguments[0]) {
      note(rootIdentifier(node.arguments[0]), node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return mutated;
}

function constructed(init: ts.Expression | undefined): { cls: string; empty: boolean } | null {
  let e = init;
  while (e && (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e))) e = e.expression;
  if (e && ts.isNewExpression(e) && ts.isIdentifier(e.expression)) return { cls: e.expression.text, empty: !e.arguments?.length };
  return null;
}

function isLiteralContainer(init: ts.Expression | undefined): boolean {
  let e = init;
  while (e && (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e))) e = e.expression;
  return !!e && (ts.isArrayLiteralExpression(e) || ts.isObjectLiteralExpression(e));
}

/** Module-level mutable state in one file's text. */
export function findModuleState(file: string, text: string): ModuleStateFinding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const findings: ModuleStateFinding[] = [];
  const watched = new Map<string, { line: number; what: string }>();
  const empty = new Set<string>();
  for (const stmt of source.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    const flags = stmt.declarationList.flags;
    const isConst = (flags & ts.NodeFlags.Const) !== 0;
    for (const decl of stmt.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name)) continue;
      const name = decl.name.text;
      const line = source.getLineAndCharacterOfPosition(decl.getStart(source)).line + 1;
      if (!isConst) {
        findings.push({ file, name, line, why: `top-level ${flags & ts.NodeFlags.Let ? 'let' : 'var'}` });
        continue;
      }
      const made = constructed(decl.initializer);
      if (made && ALWAYS_STATEFUL.has(made.cls)) findings.push({ file, name, line, why: `top-level new ${made.cls}()` });
      else if (made && COLLECTIONS.has(made.cls)) {
        watched.set(name, { line, what: `new ${made.cls}()` });
        if (made.empty) empty.add(name);
      }
      else if (isLiteralContainer(decl.initializer)) watched.set(name, { line, what: 'literal' });
    }
  }
  if (watched.size) {
    for (const name of mutatedInFunctions(source, new Set(watched.keys()), empty)) {
      const w = watched.get(name)!;
      findings.push({ file, name, line: w.line, why: `top-level ${w.what} mutated by a function` });
    }
  }
  return findings;
}
