import {
  CstParser,
  type CstNode,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from 'chevrotain';
import { EOF } from 'chevrotain';
import * as T from './tokens.js';

/** What each rule is, for "expected ..." messages. */
const ruleDescriptions: Record<string, string> = {
  program: "'block', 'model' or 'import'",
  definition: "'block' or 'model'",
  statement: "a statement (an assignment, 'for', 'if' or 'return')",
  expression: 'an expression',
  primary: 'an expression',
  dim: "a dimension (a number, a name or '?')",
  patternItem: "a name or '('",
  unary: 'an expression',
  notExpr: 'an expression',
};

export function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return 'end of file';
  const image = token.image.length > 20 ? `${token.image.slice(0, 20)}…` : token.image;
  return `'${image}'`;
}

function tokenLabel(t: TokenType): string {
  return t.LABEL ?? t.name;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) =>
    `expected ${tokenLabel(expected)}, found ${describeToken(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) =>
    `expected 'block', 'model' or 'import', found ${describeToken(firstRedundant)}`,
  buildNoViableAltMessage: ({ actual, ruleName }) =>
    `expected ${ruleDescriptions[ruleName] ?? ruleName}, found ${describeToken(actual[0])}`,
  buildEarlyExitMessage: ({ actual, ruleName }) =>
    `expected ${ruleDescriptions[ruleName] ?? ruleName}, found ${describeToken(actual[0])}`,
};

/**
 * The `.net` grammar (see docs/language.md for the EBNF). A pure parser: it builds a CST that
 * `cst-to-ast.ts` turns into the typed AST. Error recovery is on, so one run reports every
 * syntax error it can.
 */
export class NetParser extends CstParser {
  /**
   * Stop looping over definitions and statements once this many syntax errors are recorded:
   * recovering from each error is slow, and a megabyte of junk would take minutes otherwise.
   */
  errorLimit = Infinity;
  private readonly underErrorLimit = (): boolean => this.errors.length < this.errorLimit;

  constructor() {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: 'full',
      errorMessageProvider: messages,
    });
    this.performSelfAnalysis();
  }

  /** program = { import | definition } */
  program = this.RULE('program', () => {
    this.MANY({
      GATE: this.underErrorLimit,
      DEF: () =>
        this.OR([
          { ALT: () => this.SUBRULE(this.importDecl) },
          { ALT: () => this.SUBRULE(this.definition) },
        ]),
    });
  });

  /** import = "import" STRING */
  importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLiteral);
  });

  /** definition = ("block" | "model") NAME "(" [ param { "," param } [","] ] ")" body */
  definition = this.RULE('definition', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Block) }, { ALT: () => this.CONSUME(T.Model) }]);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.param);
      this.MANY({
        GATE: () => this.LA(2).tokenType !== T.RParen,
        DEF: () => (this.CONSUME(T.Comma), this.SUBRULE2(this.param)),
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
    this.SUBRULE(this.body);
  });

  /** param = NAME [ ":" shape ] [ "=" expression ] */
  param = this.RULE('param', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => (this.CONSUME(T.Colon), this.SUBRULE(this.shapeType)));
    this.OPTION2(() => (this.CONSUME(T.Assign), this.SUBRULE(this.expression)));
  });

  /** shape = "[" [ dim { "," dim } ] "]" */
  shapeType = this.RULE('shapeType', () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.dim) });
    this.CONSUME(T.RBracket);
  });

  /** dim = INTEGER | NAME | "?" */
  dim = this.RULE('dim', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Integer) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.Question) },
    ]);
  });

  /** body = "{" { statement } "}" */
  body = this.RULE('body', () => {
    this.CONSUME(T.LBrace);
    this.MANY({ GATE: this.underErrorLimit, DEF: () => this.SUBRULE(this.statement) });
    this.CONSUME(T.RBrace);
  });

  /** statement = assignment | for | if | return */
  statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.assignment) },
      { ALT: () => this.SUBRULE(this.forStatement) },
      { ALT: () => this.SUBRULE(this.ifStatement) },
      { ALT: () => this.SUBRULE(this.returnStatement) },
    ]);
  });

  /** assignment = pattern "=" expression */
  assignment = this.RULE('assignment', () => {
    this.SUBRULE(this.pattern);
    this.CONSUME(T.Assign);
    this.SUBRULE(this.expression);
  });

  /** for = "for" pattern "in" expression body */
  forStatement = this.RULE('forStatement', () => {
    this.CONSUME(T.For);
    this.SUBRULE(this.pattern);
    this.CONSUME(T.In);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.body);
  });

  /** pattern = patternItem { "," patternItem } */
  pattern = this.RULE('pattern', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.patternItem) });
  });

  /** patternItem = NAME | "(" pattern ")" */
  patternItem = this.RULE('patternItem', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => (this.CONSUME(T.LParen), this.SUBRULE(this.pattern), this.CONSUME(T.RParen)) },
    ]);
  });

  /** if = "if" expression body [ "else" ( if | body ) ] */
  ifStatement = this.RULE('ifStatement', () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.body);
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.OR([
        { ALT: () => this.SUBRULE(this.ifStatement) },
        { ALT: () => this.SUBRULE2(this.body) },
      ]);
    });
  });

  /** return = "return" returnValue { "," returnValue } */
  returnStatement = this.RULE('returnStatement', () => {
    this.CONSUME(T.Return);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.returnValue) });
  });

  /** returnValue = [ NAME ":" ] expression */
  returnValue = this.RULE('returnValue', () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Colon,
      DEF: () => (this.CONSUME(T.Identifier), this.CONSUME(T.Colon)),
    });
    this.SUBRULE(this.expression);
  });

  /** expression = pipe [ "?" expression ":" expression ] */
  expression = this.RULE('expression', () => {
    this.SUBRULE(this.pipe);
    this.OPTION(() => {
      this.CONSUME(T.Question);
      this.SUBRULE(this.expression);
      this.CONSUME(T.Colon);
      this.SUBRULE2(this.expression);
    });
  });

  /** pipe = or { "|>" callTarget } */
  pipe = this.RULE('pipe', () => {
    this.SUBRULE(this.orExpr);
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      this.SUBRULE(this.callTarget);
    });
  });

  /** callTarget = NAME [ arguments ] */
  callTarget = this.RULE('callTarget', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.argumentList));
  });

  /** or = and { "or" and } */
  orExpr = this.RULE('orExpr', () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => (this.CONSUME(T.Or), this.SUBRULE2(this.andExpr)));
  });

  /** and = not { "and" not } */
  andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr);
    this.MANY(() => (this.CONSUME(T.And), this.SUBRULE2(this.notExpr)));
  });

  /** not = "not" not | comparison */
  notExpr = this.RULE('notExpr', () => {
    this.OR([
      { ALT: () => (this.CONSUME(T.Not), this.SUBRULE(this.notExpr)) },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  /** comparison = additive [ ("==" | "!=" | "<" | "<=" | ">" | ">=") additive ] */
  comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.EqEq) },
        { ALT: () => this.CONSUME(T.NotEq) },
        { ALT: () => this.CONSUME(T.LessEq) },
        { ALT: () => this.CONSUME(T.GreaterEq) },
        { ALT: () => this.CONSUME(T.Less) },
        { ALT: () => this.CONSUME(T.Greater) },
      ]);
      this.SUBRULE2(this.additive);
    });
  });

  /** additive = multiplicative { ("+" | "-") multiplicative } */
  additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  /** multiplicative = unary { ("*" | "/" | "//" | "%") unary } */
  multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star) },
        { ALT: () => this.CONSUME(T.Slash) },
        { ALT: () => this.CONSUME(T.FloorDiv) },
        { ALT: () => this.CONSUME(T.Percent) },
      ]);
      this.SUBRULE2(this.unary);
    });
  });

  /** unary = ("-" | "+") unary | power */
  unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Minus) }, { ALT: () => this.CONSUME(T.Plus) }]);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]);
  });

  /** power = postfix [ "**" unary ] */
  power = this.RULE('power', () => {
    this.SUBRULE(this.postfix);
    this.OPTION(() => (this.CONSUME(T.Power), this.SUBRULE(this.unary)));
  });

  /** postfix = primary { "[" expression "]" } */
  postfix = this.RULE('postfix', () => {
    this.SUBRULE(this.primary);
    this.MANY(
      () => (this.CONSUME(T.LBracket), this.SUBRULE(this.expression), this.CONSUME(T.RBracket)),
    );
  });

  /** primary = INTEGER | FLOAT | STRING | "true" | "false" | "none" | callTarget | parenthesized | list */
  primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Integer) },
      { ALT: () => this.CONSUME(T.Float) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.None) },
      { ALT: () => this.SUBRULE(this.callTarget) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
      { ALT: () => this.SUBRULE(this.list) },
    ]);
  });

  /** parenthesized = "(" expression { "," expression } [","] ")" */
  parenthesized = this.RULE('parenthesized', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.MANY({
      GATE: () => this.LA(2).tokenType !== T.RParen,
      DEF: () => (this.CONSUME(T.Comma), this.SUBRULE2(this.expression)),
    });
    this.OPTION(() => this.CONSUME2(T.Comma));
    this.CONSUME(T.RParen);
  });

  /** list = "[" [ expression { "," expression } [","] ] "]" */
  list = this.RULE('list', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY({
        GATE: () => this.LA(2).tokenType !== T.RBracket,
        DEF: () => (this.CONSUME(T.Comma), this.SUBRULE2(this.expression)),
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  /** arguments = "(" [ argument { "," argument } [","] ] ")" */
  argumentList = this.RULE('argumentList', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.argument);
      this.MANY({
        GATE: () => this.LA(2).tokenType !== T.RParen,
        DEF: () => (this.CONSUME(T.Comma), this.SUBRULE2(this.argument)),
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
  });

  /** argument = [ NAME ":" ] expression */
  argument = this.RULE('argument', () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Colon,
      DEF: () => (this.CONSUME(T.Identifier), this.CONSUME(T.Colon)),
    });
    this.SUBRULE(this.expression);
  });
}

/** One parser instance is reused: Chevrotain parsers are built once and reset per input. */
export const netParser = new NetParser();

export type { CstNode };
