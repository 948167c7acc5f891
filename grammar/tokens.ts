import { createToken, Lexer, type TokenType } from 'chevrotain';

/** Tokens of the `.net` language. Keywords are longer-alt variants of Identifier. */
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  label: 'a name',
});

const keyword = (word: string): TokenType =>
  createToken({
    name: word[0].toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    label: `'${word}'`,
  });

export const Block = keyword('block');
export const Model = keyword('model');
export const Import = keyword('import');
export const For = keyword('for');
export const In = keyword('in');
export const If = keyword('if');
export const Else = keyword('else');
export const Return = keyword('return');
export const And = keyword('and');
export const Or = keyword('or');
export const Not = keyword('not');
export const True = keyword('true');
export const False = keyword('false');
export const None = keyword('none');

export const Float = createToken({
  name: 'Float',
  pattern: /(?:\d+\.\d*(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\.\d+(?:[eE][+-]?\d+)?)/,
  label: 'a number',
});
export const Integer = createToken({ name: 'Integer', pattern: /\d+/, label: 'a number' });
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"(?:[^"\\\n\r]|\\.)*"/,
  label: 'a string',
});

const punct = (name: string, pattern: string | RegExp, label: string): TokenType =>
  createToken({ name, pattern, label: `'${label}'` });

export const Pipe = punct('Pipe', '|>', '|>');
export const Power = punct('Power', '**', '**');
export const FloorDiv = punct('FloorDiv', '//', '//');
export const EqEq = punct('EqEq', '==', '==');
export const NotEq = punct('NotEq', '!=', '!=');
export const LessEq = punct('LessEq', '<=', '<=');
export const GreaterEq = punct('GreaterEq', '>=', '>=');
export const Less = punct('Less', '<', '<');
export const Greater = punct('Greater', '>', '>');
export const Assign = punct('Assign', '=', '=');
export const Plus = punct('Plus', '+', '+');
export const Minus = punct('Minus', '-', '-');
export const Star = punct('Star', '*', '*');
export const Slash = punct('Slash', '/', '/');
export const Percent = punct('Percent', '%', '%');
export const Question = punct('Question', '?', '?');
export const Colon = punct('Colon', ':', ':');
export const Comma = punct('Comma', ',', ',');
export const LParen = punct('LParen', '(', '(');
export const RParen = punct('RParen', ')', ')');
export const LBracket = punct('LBracket', '[', '[');
export const RBracket = punct('RBracket', ']', ']');
export const LBrace = punct('LBrace', '{', '{');
export const RBrace = punct('RBrace', '}', '}');

export const Comment = createToken({ name: 'Comment', pattern: /#[^\n\r]*/, group: 'comments' });
export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\uFEFF]+/,
  group: Lexer.SKIPPED,
});

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  Block,
  Model,
  Import,
  For,
  In,
  If,
  Else,
  Return,
  And,
  Or,
  Not,
  True,
  False,
  None,
  Identifier,
  Float,
  Integer,
  StringLiteral,
  Pipe,
  Power,
  FloorDiv,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Assign,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Question,
  Colon,
  Comma,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
];

export const netLexer = new Lexer(allTokens, {
  positionTracking: 'full',
  ensureOptimizations: false,
});
