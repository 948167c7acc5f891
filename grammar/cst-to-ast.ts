import type { CstElement, CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';

/**
 * Turns the parser's CST into the typed AST. It expects a CST without syntax errors; on a
 * recovered (partial) CST it may throw `MissingNode`, and the caller drops that definition.
 */
export class MissingNode extends Error {}

type Children = Record<string, CstElement[] | undefined>;

const isToken = (e: CstElement): e is IToken => 'image' in e;

function tokens(c: Children, name: string): IToken[] {
  return (c[name] ?? []).filter(isToken);
}
function nodes(c: Children, name: string): CstNode[] {
  return (c[name] ?? []).filter((e): e is CstNode => !isToken(e));
}
function token(c: Children, name: string): IToken {
  const t = tokens(c, name)[0];
  if (!t || t.isInsertedInRecovery || Number.isNaN(t.startOffset)) throw new MissingNode(name);
  return t;
}
function node(c: Children, name: string): CstNode {
  const n = nodes(c, name)[0];
  if (!n || n.recoveredNode) throw new MissingNode(name);
  return n;
}

const tokLoc = (t: IToken): A.Loc => ({
  start: t.startOffset,
  end: (t.endOffset ?? t.startOffset) + 1,
});
const join = (a: A.Loc, b: A.Loc): A.Loc => ({
  start: Math.min(a.start, b.start),
  end: Math.max(a.end, b.end),
});
const ident = (t: IToken): A.Identifier => ({ kind: 'Identifier', name: t.image, loc: tokLoc(t) });

/** All tokens of a CST node in source order (for operator sequences mixed with operands). */
function ordered(n: CstNode): CstElement[] {
  const groups = Object.values(n.children).filter(
    (v): v is CstElement[] => v !== undefined && v.length > 0,
  );
  if (groups.length === 1) return groups[0].slice();
  const offset = (e: CstElement): number =>
    isToken(e) ? e.startOffset : (e.location?.startOffset ?? 0);
  // Sort offsets, not elements: an operator chain can have a million parts.
  const all = groups.flat();
  const keys = all.map(offset);
  const order = all.map((_, i) => i).sort((a, b) => keys[a] - keys[b]);
  return order.map((i) => all[i]);
}

function nodeLoc(n: CstNode): A.Loc {
  const l = n.location;
  if (!l || Number.isNaN(l.startOffset)) throw new MissingNode(n.name);
  return { start: l.startOffset, end: (l.endOffset ?? l.startOffset) + 1 };
}

export function unescapeString(raw: string): string {
  return raw.slice(1, -1).replace(/\\(u\{[0-9a-fA-F]{1,6}\}|.)/g, (_m, e: string) => {
    if (e.startsWith('u{'))
      return String.fromCodePoint(Math.min(parseInt(e.slice(2, -1), 16), 0x10ffff));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}

export function buildImport(n: CstNode): A.ImportDecl {
  const c = n.children;
  const s = token(c, 'StringLiteral');
  return {
    kind: 'Import',
    path: { kind: 'String', value: unescapeString(s.image), loc: tokLoc(s) },
    loc: nodeLoc(n),
  };
}

export function buildDefinition(n: CstNode): A.Definition {
  const c = n.children;
  return {
    kind: tokens(c, 'Block').length > 0 ? 'Block' : 'Model',
    name: ident(token(c, 'Identifier')),
    params: nodes(c, 'param').map(buildParam),
    body: buildBody(node(c, 'body')),
    loc: nodeLoc(n),
  };
}

function buildParam(n: CstNode): A.Param {
  const c = n.children;
  const shape = nodes(c, 'shapeType')[0];
  const dflt = nodes(c, 'expression')[0];
  return {
    kind: 'Param',
    name: ident(token(c, 'Identifier')),
    ...(shape ? { shape: buildShape(shape) } : {}),
    ...(dflt ? { default: expression(dflt) } : {}),
    loc: nodeLoc(n),
  };
}

function buildShape(n: CstNode): A.ShapeType {
  const dims = nodes(n.children, 'dim').map((d): A.DimNode => {
    const t = ordered(d)[0];
    if (!t || !isToken(t)) throw new MissingNode('dim');
    const loc = tokLoc(t);
    if (t.tokenType.name === 'Integer') return { kind: 'DimSize', value: Number(t.image), loc };
    if (t.tokenType.name === 'Question') return { kind: 'DimUnknown', loc };
    return { kind: 'DimName', name: t.image, loc };
  });
  return { kind: 'ShapeType', dims, loc: nodeLoc(n) };
}

function buildBody(n: CstNode): A.Statement[] {
  token(n.children, 'RBrace');
  return nodes(n.children, 'statement').map((s) => statement(ordered(s)[0] as CstNode));
}

function statement(n: CstNode): A.Statement {
  if (!n) throw new MissingNode('statement');
  const c = n.children;
  const loc = nodeLoc(n);
  switch (n.name) {
    case 'assignment':
      return {
        kind: 'Assign',
        target: pattern(node(c, 'pattern')),
        value: expression(node(c, 'expression')),
        loc,
      };
    case 'forStatement':
      return {
        kind: 'For',
        pattern: pattern(node(c, 'pattern')),
        iterable: expression(node(c, 'expression')),
        body: buildBody(node(c, 'body')),
        loc,
      };
    case 'ifStatement':
      return ifStatement(n);
    case 'returnStatement':
      return { kind: 'Return', values: nodes(c, 'returnValue').map(returnValue), loc };
    default:
      throw new MissingNode(n.name);
  }
}

function ifStatement(n: CstNode): A.IfStatement {
  const c = n.children;
  const bodies = nodes(c, 'body');
  const elseIf = nodes(c, 'ifStatement')[0];
  const otherwise = elseIf ? ifStatement(elseIf) : bodies[1] ? buildBody(bodies[1]) : undefined;
  return {
    kind: 'If',
    condition: expression(node(c, 'expression')),
    then: buildBody(node(c, 'body')),
    ...(otherwise ? { otherwise } : {}),
    loc: nodeLoc(n),
  };
}

function returnValue(n: CstNode): A.ReturnValue {
  const c = n.children;
  const name = tokens(c, 'Identifier')[0];
  return {
    kind: 'ReturnValue',
    ...(name ? { name: ident(name) } : {}),
    value: expression(node(c, 'expression')),
    loc: nodeLoc(n),
  };
}

function pattern(n: CstNode): A.Pattern {
  const items = nodes(n.children, 'patternItem').map(patternItem);
  return items.length === 1 ? items[0] : { kind: 'TuplePattern', items, loc: nodeLoc(n) };
}

function patternItem(n: CstNode): A.Pattern {
  const inner = nodes(n.children, 'pattern')[0];
  if (!inner) return ident(token(n.children, 'Identifier'));
  const p = pattern(inner);
  // The tuple's location includes its parentheses.
  return p.kind === 'TuplePattern'
    ? { ...p, loc: nodeLoc(n) }
    : { kind: 'TuplePattern', items: [p], loc: nodeLoc(n) };
}

/** expression = pipe [ "?" expression ":" expression ] */
export function expression(n: CstNode): A.Expression {
  const c = n.children;
  const base = pipe(node(c, 'pipe'));
  const branches = nodes(c, 'expression');
  if (branches.length === 0) return base;
  if (branches.length !== 2) throw new MissingNode('conditional');
  const otherwise = expression(branches[1]);
  return {
    kind: 'Conditional',
    condition: base,
    then: expression(branches[0]),
    otherwise,
    loc: join(base.loc, otherwise.loc),
  };
}

function pipe(n: CstNode): A.Expression {
  let result = leftAssociative(node(n.children, 'orExpr'));
  for (const t of nodes(n.children, 'callTarget')) {
    const call = callTarget(t);
    result = { kind: 'Pipe', input: result, call, loc: join(result.loc, call.loc) };
  }
  return result;
}

function callTarget(n: CstNode): A.CallExpression {
  const c = n.children;
  const list = nodes(c, 'argumentList')[0];
  if (list) token(list.children, 'RParen');
  return {
    kind: 'Call',
    callee: ident(token(c, 'Identifier')),
    args: list ? nodes(list.children, 'argument').map(argument) : [],
    parens: list !== undefined,
    loc: nodeLoc(n),
  };
}

function argument(n: CstNode): A.Argument {
  const c = n.children;
  const name = tokens(c, 'Identifier')[0];
  return {
    kind: 'Argument',
    ...(name ? { name: ident(name) } : {}),
    value: expression(node(c, 'expression')),
    loc: nodeLoc(n),
  };
}

const binaryRules = new Set(['orExpr', 'andExpr', 'comparison', 'additive', 'multiplicative']);

/** or/and/comparison/additive/multiplicative: operands and operators alternate, left to right. */
function leftAssociative(n: CstNode): A.Expression {
  if (!binaryRules.has(n.name)) return prefix(n);
  const parts = ordered(n);
  let left = operand(parts[0]);
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const op = parts[i];
    const right = operand(parts[i + 1]);
    if (!isToken(op)) throw new MissingNode('operator');
    left = {
      kind: 'Binary',
      operator: op.image as A.BinaryOperator,
      left,
      right,
      operatorLoc: tokLoc(op),
      loc: join(left.loc, right.loc),
    };
  }
  if (parts.length % 2 === 0) throw new MissingNode('operand');
  return left;
}

function operand(e: CstElement | undefined): A.Expression {
  if (!e || isToken(e)) throw new MissingNode('operand');
  return leftAssociative(e);
}

/** not / unary / power / postfix / primary */
function prefix(n: CstNode): A.Expression {
  const c = n.children;
  switch (n.name) {
    case 'notExpr':
    case 'unary': {
      const inner = nodes(c, n.name)[0];
      if (!inner) return leftAssociative(ordered(n)[0] as CstNode);
      const opToken = ordered(n)[0] as IToken;
      const operandExpr = prefix(inner);
      return {
        kind: 'Unary',
        operator: opToken.image as A.UnaryOperator,
        operand: operandExpr,
        loc: join(tokLoc(opToken), operandExpr.loc),
      };
    }
    case 'power': {
      const base = prefix(node(c, 'postfix'));
      const exp = nodes(c, 'unary')[0];
      if (!exp) return base;
      const right = prefix(exp);
      return {
        kind: 'Binary',
        operator: '**',
        left: base,
        right,
        operatorLoc: tokLoc(token(c, 'Power')),
        loc: join(base.loc, right.loc),
      };
    }
    case 'postfix':
      return postfix(n);
    default:
      return primary(n);
  }
}

function postfix(n: CstNode): A.Expression {
  let result = primary(node(n.children, 'primary'));
  const closers = tokens(n.children, 'RBracket');
  nodes(n.children, 'expression').forEach((ix, i) => {
    const close = closers[i];
    if (!close) throw new MissingNode(']');
    result = {
      kind: 'Index',
      target: result,
      index: expression(ix),
      loc: join(result.loc, tokLoc(close)),
    };
  });
  return result;
}

function primary(n: CstNode): A.Expression {
  const first = ordered(n)[0];
  if (!first) throw new MissingNode('primary');
  if (!isToken(first)) {
    if (first.name === 'callTarget') {
      const call = callTarget(first);
      return call.parens ? call : { kind: 'Name', name: call.callee.name, loc: call.loc };
    }
    return first.name === 'list' ? listLiteral(first, false) : parenthesized(first);
  }
  const loc = tokLoc(first);
  switch (first.tokenType.name) {
    case 'Integer':
      return { kind: 'Integer', value: Number(first.image), raw: first.image, loc };
    case 'Float':
      return { kind: 'Float', value: Number(first.image), raw: first.image, loc };
    case 'StringLiteral':
      return { kind: 'String', value: unescapeString(first.image), loc };
    case 'True':
    case 'False':
      return { kind: 'Boolean', value: first.image === 'true', loc };
    case 'None':
      return { kind: 'None', loc };
    default:
      throw new MissingNode(first.tokenType.name);
  }
}

function parenthesized(n: CstNode): A.Expression {
  token(n.children, 'RParen');
  const items = nodes(n.children, 'expression').map(expression);
  const commas = tokens(n.children, 'Comma');
  if (items.length === 1 && commas.length === 0) return items[0];
  return { kind: 'List', items, tuple: true, loc: nodeLoc(n) };
}

function listLiteral(n: CstNode, tuple: boolean): A.Expression {
  token(n.children, 'RBracket');
  return {
    kind: 'List',
    items: nodes(n.children, 'expression').map(expression),
    tuple,
    loc: nodeLoc(n),
  };
}
