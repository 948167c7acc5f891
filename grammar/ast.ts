/**
 * The typed AST of a `.net` file. Every node has a `kind` and a `loc` (0-based offsets,
 * end exclusive) into its file's text. Parentheses are not kept: the printer re-derives them
 * from precedence.
 */
export interface Loc {
  readonly start: number;
  readonly end: number;
}

export interface Identifier {
  readonly kind: 'Identifier';
  readonly name: string;
  readonly loc: Loc;
}

export interface Program {
  readonly kind: 'Program';
  readonly items: readonly TopLevel[];
  readonly comments: readonly Comment[];
  readonly loc: Loc;
}

export interface Comment {
  readonly kind: 'Comment';
  /** The text after `#`. */
  readonly text: string;
  readonly loc: Loc;
}

export type TopLevel = ImportDecl | Definition;

/** `import "std/resnet.net"` */
export interface ImportDecl {
  readonly kind: 'Import';
  readonly path: StringLiteral;
  readonly loc: Loc;
}

/** `block name(params) { body }` or `model name(params) { body }` */
export interface Definition {
  readonly kind: 'Block' | 'Model';
  readonly name: Identifier;
  readonly params: readonly Param[];
  readonly body: readonly Statement[];
  readonly loc: Loc;
}

/** `filters`, `stride = 1`, `image: [224, 224, 3]` */
export interface Param {
  readonly kind: 'Param';
  readonly name: Identifier;
  readonly shape?: ShapeType;
  readonly default?: Expression;
  readonly loc: Loc;
}

/** `[?, T, 3]` */
export interface ShapeType {
  readonly kind: 'ShapeType';
  readonly dims: readonly DimNode[];
  readonly loc: Loc;
}

export type DimNode =
  | { readonly kind: 'DimSize'; readonly value: number; readonly loc: Loc }
  | { readonly kind: 'DimName'; readonly name: string; readonly loc: Loc }
  | { readonly kind: 'DimUnknown'; readonly loc: Loc };

export type Statement = AssignStatement | ForStatement | IfStatement | ReturnStatement;

/** `y = f(x)`, or `a, (b, c) = f(x)` which unpacks a list (the values of a block's `return`). */
export interface AssignStatement {
  readonly kind: 'Assign';
  readonly target: Pattern;
  readonly value: Expression;
  readonly loc: Loc;
}

/** `for i, (a, b) in enumerate(xs) { ... }` */
export interface ForStatement {
  readonly kind: 'For';
  readonly pattern: Pattern;
  readonly iterable: Expression;
  readonly body: readonly Statement[];
  readonly loc: Loc;
}

export type Pattern = Identifier | TuplePattern;

export interface TuplePattern {
  readonly kind: 'TuplePattern';
  readonly items: readonly Pattern[];
  readonly loc: Loc;
}

export interface IfStatement {
  readonly kind: 'If';
  readonly condition: Expression;
  readonly then: readonly Statement[];
  /** `else { ... }` or `else if ...` */
  readonly otherwise?: readonly Statement[] | IfStatement;
  readonly loc: Loc;
}

/** `return x` or `return logits: a, probs: b` */
export interface ReturnStatement {
  readonly kind: 'Return';
  readonly values: readonly ReturnValue[];
  readonly loc: Loc;
}

export interface ReturnValue {
  readonly kind: 'ReturnValue';
  readonly name?: Identifier;
  readonly value: Expression;
  readonly loc: Loc;
}

export type Expression =
  | IntegerLiteral
  | FloatLiteral
  | StringLiteral
  | BooleanLiteral
  | NoneLiteral
  | NameExpression
  | ListExpression
  | CallExpression
  | IndexExpression
  | UnaryExpression
  | BinaryExpression
  | ConditionalExpression
  | PipeExpression;

export interface IntegerLiteral {
  readonly kind: 'Integer';
  readonly value: number;
  readonly raw: string;
  readonly loc: Loc;
}

export interface FloatLiteral {
  readonly kind: 'Float';
  readonly value: number;
  readonly raw: string;
  readonly loc: Loc;
}

export interface StringLiteral {
  readonly kind: 'String';
  readonly value: string;
  readonly loc: Loc;
}

export interface BooleanLiteral {
  readonly kind: 'Boolean';
  readonly value: boolean;
  readonly loc: Loc;
}

export interface NoneLiteral {
  readonly kind: 'None';
  readonly loc: Loc;
}

export interface NameExpression {
  readonly kind: 'Name';
  readonly name: string;
  readonly loc: Loc;
}

/** `[a, b]` (list) or `(a, b)` (tuple); both evaluate to lists. */
export interface ListExpression {
  readonly kind: 'List';
  readonly items: readonly Expression[];
  readonly tuple: boolean;
  readonly loc: Loc;
}

export interface CallExpression {
  readonly kind: 'Call';
  readonly callee: Identifier;
  readonly args: readonly Argument[];
  /** False for a bare name on the right of `|>` (`x |> relu`). */
  readonly parens: boolean;
  readonly loc: Loc;
}

/** `64`, or `stride: 2` */
export interface Argument {
  readonly kind: 'Argument';
  readonly name?: Identifier;
  readonly value: Expression;
  readonly loc: Loc;
}

export interface IndexExpression {
  readonly kind: 'Index';
  readonly target: Expression;
  readonly index: Expression;
  readonly loc: Loc;
}

export type UnaryOperator = '-' | '+' | 'not';

export interface UnaryExpression {
  readonly kind: 'Unary';
  readonly operator: UnaryOperator;
  readonly operand: Expression;
  readonly loc: Loc;
}

export type BinaryOperator =
  'or' | 'and' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '//' | '%' | '**';

export interface BinaryExpression {
  readonly kind: 'Binary';
  readonly operator: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
  /** Where the operator token is, for diagnostics about the operation itself. */
  readonly operatorLoc: Loc;
  readonly loc: Loc;
}

/** `cond ? a : b` */
export interface ConditionalExpression {
  readonly kind: 'Conditional';
  readonly condition: Expression;
  readonly then: Expression;
  readonly otherwise: Expression;
  readonly loc: Loc;
}

/** `x |> f(a)` means `f(x, a)`. */
export interface PipeExpression {
  readonly kind: 'Pipe';
  readonly input: Expression;
  readonly call: CallExpression;
  readonly loc: Loc;
}
