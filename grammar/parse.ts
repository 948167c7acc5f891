import type { CstNode, IToken, TokenType } from 'chevrotain';
import type * as A from './ast.js';
import { buildDefinition, buildImport, MissingNode } from './cst-to-ast.js';
import { netParser } from './parser.js';
import * as T from './tokens.js';

/** A syntax problem, located by offsets; the compiler turns it into a diagnostic. */
export interface SyntaxProblem {
  readonly code: 'E0001' | 'E0002' | 'E0003' | 'E0004' | 'E4002';
  readonly message: string;
  readonly loc: A.Loc;
}

export interface ParseResult {
  /** Definitions that contain a syntax error are left out. */
  readonly program: A.Program;
  readonly problems: readonly SyntaxProblem[];
}

/** Brackets nested deeper than this are rejected before parsing (the parser is recursive). */
export const MAX_NESTING = 64;
/**
 * Files with more tokens than this are rejected before parsing, so that no input can keep the
 * parser busy for long (about 1 s at the limit on our machines; the largest sample has ~3,000).
 */
export const MAX_TOKENS = 100_000;
/** Stop reporting after this many syntax errors in one file. */
export const MAX_SYNTAX_ERRORS = 50;

export function parse(text: string): ParseResult {
  const lexed = T.netLexer.tokenize(text);
  const problems: SyntaxProblem[] = lexed.errors.map((e) => lexProblem(text, e.offset, e.length));
  const comments: A.Comment[] = (lexed.groups.comments ?? []).map((t) => ({
    kind: 'Comment',
    text: t.image.slice(1),
    loc: { start: t.startOffset, end: t.startOffset + t.image.length },
  }));
  const deep = tooDeep(lexed.tokens) ?? tooMany(lexed.tokens);
  const whole: A.Loc = { start: 0, end: text.length };
  if (deep) {
    problems.push(deep);
    return { program: { kind: 'Program', items: [], comments, loc: whole }, problems };
  }
  netParser.errorLimit = MAX_SYNTAX_ERRORS;
  netParser.input = lexed.tokens;
  const cst = netParser.program();
  for (const e of netParser.errors) {
    const t = e.token;
    const start = Number.isNaN(t.startOffset) ? text.length : t.startOffset;
    // At the end of the file the span is empty: it must not reach past the text.
    const end = Math.min(start + Math.max(t.image.length, 1), text.length);
    problems.push({ code: 'E0002', message: e.message, loc: { start, end } });
  }
  const items = buildItems(cst, problems);
  return {
    program: { kind: 'Program', items, comments, loc: whole },
    problems: problems.slice(0, MAX_SYNTAX_ERRORS),
  };
}

function tooMany(tokens: readonly IToken[]): SyntaxProblem | undefined {
  if (tokens.length <= MAX_TOKENS) return undefined;
  const t = tokens[MAX_TOKENS];
  const n = MAX_TOKENS.toLocaleString('en-US');
  return {
    code: 'E4002',
    message: `the file has ${tokens.length.toLocaleString('en-US')} tokens, more than the limit of ${n} tokens per file; split it with imports`,
    loc: { start: t.startOffset, end: t.startOffset + t.image.length },
  };
}

function lexProblem(text: string, offset: number, length: number): SyntaxProblem {
  const loc = { start: offset, end: offset + length };
  if (text[offset] === '"')
    return {
      code: 'E0004',
      message: "unterminated string: add the closing '\"' on the same line",
      loc,
    };
  const ch = String.fromCodePoint(text.codePointAt(offset) ?? 0);
  const shown = /^[\x21-\x7e]$/.test(ch) ? ch : `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`;
  const more =
    length > ch.length ? ` (and ${length - ch.length} more characters that start no token)` : '';
  return { code: 'E0001', message: `unexpected character '${shown}'${more}`, loc };
}

/** Tokens after which a `-` or `+` is binary (they end an operand). */
const OPERAND_END = new Set<TokenType>([
  T.Identifier,
  T.Integer,
  T.Float,
  T.StringLiteral,
  T.True,
  T.False,
  T.None,
  T.RParen,
  T.RBracket,
]);
/** Tokens that start a new expression: every operator chain before them is complete. */
const BOUNDARY = new Set<TokenType>([
  T.Comma,
  T.Assign,
  T.Return,
  T.For,
  T.In,
  T.If,
  T.Else,
  T.Block,
  T.Model,
  T.Import,
]);
/** Binary operators that end a chain of `-`, `+` and `**` (but not a chain of `not`). */
const ENDS_ARITH = new Set<TokenType>([
  T.Star,
  T.Slash,
  T.FloorDiv,
  T.Percent,
  T.EqEq,
  T.NotEq,
  T.Less,
  T.LessEq,
  T.Greater,
  T.GreaterEq,
]);

/** Constructs still open at one bracket level: the parser recurses once for each. */
interface Level {
  cond: number;
  not: number;
  arith: number;
  elseIf: number;
}

const fresh = (): Level => ({ cond: 0, not: 0, arith: 0, elseIf: 0 });

/** Count one token into the counters of its bracket level. */
function countOperator(level: Level, type: TokenType, prev: TokenType | undefined): void {
  if (type === T.If && prev === T.Else)
    Object.assign(level, { cond: 0, not: 0, arith: 0, elseIf: level.elseIf + 1 });
  else if (type === T.Else) Object.assign(level, { cond: 0, not: 0, arith: 0 });
  else if (BOUNDARY.has(type)) Object.assign(level, fresh());
  else if (type === T.Question) Object.assign(level, { cond: level.cond + 1, not: 0, arith: 0 });
  else if (type === T.Colon || type === T.And || type === T.Or || type === T.Pipe)
    Object.assign(level, { not: 0, arith: 0 });
  else if (type === T.Not) level.not++;
  else if (type === T.Power) level.arith++;
  else if (type === T.Minus || type === T.Plus)
    level.arith = prev && OPERAND_END.has(prev) ? 0 : level.arith + 1;
  else if (ENDS_ARITH.has(type)) level.arith = 0;
}

/**
 * Brackets, right-nested operators (`**`, prefix `-`/`+`/`not`, `? :`) and `else if`, each make the
 * recursive parser go one level deeper. Their sum beyond MAX_NESTING is rejected here, before
 * it could exhaust the stack. Left-associative chains (`a + b + c`, `x |> f |> g`) are built
 * iteratively and are not limited.
 */
function tooDeep(tokens: readonly IToken[]): SyntaxProblem | undefined {
  const levels: Level[] = [fresh()];
  let prev: TokenType | undefined;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === T.LParen || type === T.LBracket || type === T.LBrace) levels.push(fresh());
    else if (type === T.RParen || type === T.RBracket || type === T.RBrace) {
      if (levels.length > 1) levels.pop();
    } else countOperator(levels[levels.length - 1], type, prev);
    prev = type;
    const brackets = levels.length - 1;
    const depth = levels.reduce((sum, l) => sum + l.cond + l.not + l.arith + l.elseIf, brackets);
    if (depth > MAX_NESTING) {
      const what = depth - brackets > brackets ? 'operators chained' : 'brackets nested';
      return {
        code: 'E0003',
        message: `${what} more than ${MAX_NESTING} deep; netc stops here (limit: nesting depth ${MAX_NESTING})`,
        loc: { start: t.startOffset, end: t.startOffset + t.image.length },
      };
    }
  }
  return undefined;
}

/** Build each top-level item on its own; one that holds a syntax error is dropped. */
function buildItems(cst: CstNode, problems: readonly SyntaxProblem[]): A.TopLevel[] {
  const items: A.TopLevel[] = [];
  const children = [
    ...(cst.children.importDecl ?? []),
    ...(cst.children.definition ?? []),
  ] as CstNode[];
  children.sort((a, b) => (a.location?.startOffset ?? 0) - (b.location?.startOffset ?? 0));
  // Problem offsets, sorted, for a binary search: a file can have 100,000s of lexer errors.
  const starts = problems.map((p) => p.loc.start).sort((a, b) => a - b);
  const problemWithin = (start: number, end: number): boolean => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < starts.length && starts[lo] <= end;
  };
  for (const child of children) {
    const start = child.location?.startOffset ?? NaN;
    const end = (child.location?.endOffset ?? NaN) + 1;
    if (Number.isNaN(start) || problemWithin(start, end)) continue;
    try {
      items.push(child.name === 'importDecl' ? buildImport(child) : buildDefinition(child));
    } catch (e) {
      if (!(e instanceof MissingNode)) throw e;
    }
  }
  return items;
}
