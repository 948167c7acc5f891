import type * as A from '../../grammar/ast.js';
import type { DiagnosticBag, Note, Severity } from '../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import { span, type Span } from '../source.js';
import { suggest } from '../util/did-you-mean.js';
import { ArithmeticError, binaryScalar } from './arithmetic.js';
import { evalCall, emitOp } from './calls.js';
import type { DefinitionRef, Frame } from './frame.js';
import type { GraphBuilder } from './graph-builder.js';
import type { Limits } from './limits.js';
import { LimitError, LowerError } from './lower-error.js';
import { projectionHelp } from './shape-help.js';
import { assignedNames } from './assigned-names.js';
import { bool, float, int, list, NONE, POISON, str, typeName, type Value } from '../value.js';

/** Everything lowering needs that does not change between frames. */
export interface World {
  readonly definitions: ReadonlyMap<string, DefinitionRef>;
  readonly limits: Limits;
}

type Returned = { values: Value[] };

const isEquality = (op: A.BinaryOperator): boolean => op === '==' || op === '!=';
type ChainLink = A.BinaryExpression | A.PipeExpression | A.IndexExpression;

/**
 * Evaluates statements and expressions of one model at compile time. Tensor expressions
 * become IR nodes; every other value is computed on the spot. Errors are reported per
 * statement and lowering continues with the next one.
 */
export class Evaluator {
  readonly frames: Frame[] = [];
  private steps = 0;

  constructor(
    readonly world: World,
    readonly builder: GraphBuilder,
    readonly diagnostics: DiagnosticBag,
  ) {}

  get frame(): Frame {
    return this.frames[this.frames.length - 1];
  }

  spanOf(loc: A.Loc, frame: Frame = this.frame): Span {
    return span(frame.ref.source, loc.start, loc.end);
  }

  report(
    severity: Severity,
    code: DiagnosticCode,
    message: string,
    loc: A.Loc,
    notes: readonly Note[] = [],
    help?: string,
  ): void {
    this.diagnostics.add({
      severity,
      code,
      message,
      span: this.spanOf(loc),
      notes,
      expansion: this.frame.expansion,
      ...(help ? { help } : {}),
    });
  }

  /** Count `cost` steps of work (one per expression or statement; one per item copied). */
  tick(loc: A.Loc, cost = 1): void {
    if ((this.steps += cost) > this.world.limits.steps) {
      const n = this.world.limits.steps.toLocaleString('en-US');
      throw new LimitError(
        'E4002',
        `evaluation exceeded the limit of ${n} steps; netc stops lowering this model`,
        loc,
      );
    }
  }

  /** Runs statements until a `return`; reports and skips statements that fail. */
  execBody(body: readonly A.Statement[]): Returned | undefined {
    for (const stmt of body) {
      try {
        const r = this.exec(stmt);
        if (r) return r;
      } catch (e) {
        if (e instanceof LimitError || !(e instanceof LowerError)) throw e;
        this.report('error', e.code, e.message, e.loc, e.notes, e.help);
        for (const name of assignedNames(stmt)) this.frame.vars.set(name, POISON);
        if (stmt.kind === 'Return') return { values: stmt.values.map(() => POISON) };
      }
    }
    return undefined;
  }

  private exec(stmt: A.Statement): Returned | undefined {
    this.tick(stmt.loc);
    switch (stmt.kind) {
      case 'Assign':
        this.bindPattern(stmt.target, this.eval(stmt.value), false);
        return undefined;
      case 'Return':
        return { values: stmt.values.map((v) => this.eval(v.value)) };
      case 'If':
        return this.execIf(stmt);
      case 'For':
        return this.execFor(stmt);
    }
  }

  private execIf(stmt: A.IfStatement): Returned | undefined {
    const c = this.eval(stmt.condition);
    if (c.kind === 'poison') {
      for (const name of assignedNames(stmt)) this.frame.vars.set(name, POISON);
      return undefined;
    }
    if (c.kind !== 'bool')
      throw new LowerError(
        'E2001',
        `an 'if' condition must be bool, found ${typeName(c)}`,
        stmt.condition.loc,
      );
    if (c.value) return this.execBody(stmt.then);
    if (!stmt.otherwise) return undefined;
    return Array.isArray(stmt.otherwise)
      ? this.execBody(stmt.otherwise)
      : this.execBody([stmt.otherwise as A.IfStatement]);
  }

  private execFor(stmt: A.ForStatement): Returned | undefined {
    const iterable = this.eval(stmt.iterable);
    if (iterable.kind === 'poison') {
      for (const name of assignedNames(stmt)) this.frame.vars.set(name, POISON);
      return undefined;
    }
    if (iterable.kind !== 'list') {
      throw new LowerError(
        'E2001',
        `a 'for' loop needs a list or range(...), found ${typeName(iterable)}`,
        stmt.iterable.loc,
      );
    }
    if (iterable.items.length > this.world.limits.loopIterations) {
      const n = this.world.limits.loopIterations.toLocaleString('en-US');
      throw new LowerError(
        'E4002',
        `loop of ${iterable.items.length} iterations exceeds the limit of ${n}`,
        stmt.iterable.loc,
      );
    }
    const loops = this.frame.loops;
    const mark = loops.length;
    try {
      for (const item of iterable.items) {
        this.tick(stmt.loc); // an empty body must cost something too
        loops.length = mark;
        this.bindPattern(stmt.pattern, item);
        const r = this.execBody(stmt.body);
        if (r) return r;
      }
    } finally {
      loops.length = mark;
    }
    return undefined;
  }

  /**
   * Binds the names of a pattern to a value, unpacking lists (a block's several return values
   * are one); `loop` also records them as loop variables, for the expansion notes. A failed
   * value (poison) poisons every name. Every count is checked before a name is bound.
   */
  private bindPattern(p: A.Pattern, v: Value, loop = true): void {
    this.checkUnpack(p, v);
    this.bindChecked(p, v, loop);
  }

  private checkUnpack(p: A.Pattern, v: Value): void {
    if (p.kind === 'Identifier' || v.kind === 'poison') return;
    if (v.kind !== 'list' || v.items.length !== p.items.length) {
      const found =
        v.kind === 'list'
          ? `a list of ${v.items.length} value${v.items.length === 1 ? '' : 's'}`
          : typeName(v);
      throw new LowerError(
        'E2006',
        `cannot unpack ${found} into ${p.items.length} name${p.items.length === 1 ? '' : 's'}`,
        p.loc,
      );
    }
    p.items.forEach((item, i) => this.checkUnpack(item, v.items[i]));
  }

  private bindChecked(p: A.Pattern, v: Value, loop: boolean): void {
    if (p.kind === 'Identifier') {
      this.frame.vars.set(p.name, v);
      if (loop) this.frame.loops.push({ name: p.name, value: v });
      return;
    }
    p.items.forEach((item, i) =>
      this.bindChecked(item, v.kind === 'list' ? v.items[i] : POISON, loop),
    );
  }

  eval(e: A.Expression): Value {
    if (e.kind === 'Binary' || e.kind === 'Pipe' || e.kind === 'Index') return this.chain(e);
    this.tick(e.loc);
    switch (e.kind) {
      case 'Integer':
        if (!Number.isSafeInteger(e.value))
          throw new LowerError(
            'E2005',
            `integer ${e.raw} is too large (at most ${Number.MAX_SAFE_INTEGER})`,
            e.loc,
          );
        return int(e.value);
      case 'Float':
        if (!Number.isFinite(e.value))
          throw new LowerError(
            'E2005',
            `number ${e.raw} is out of range (at most ${Number.MAX_VALUE})`,
            e.loc,
          );
        return float(e.value);
      case 'String':
        return str(e.value);
      case 'Boolean':
        return bool(e.value);
      case 'None':
        return NONE;
      case 'Name':
        return this.lookup(e);
      case 'List':
        return list(e.items.map((i) => this.eval(i)));
      case 'Call':
        return evalCall(this, e);
      case 'Unary':
        return this.unary(e);
      case 'Conditional':
        return this.conditional(e);
    }
  }

  /**
   * Left-nested chains (`a + b + ...`, `x |> f |> g`, `x[0][1]`) can be tens of thousands of
   * links long (the parser builds them iteratively, without a nesting limit). Their left spine
   * is walked with a loop, so the recursion depth stays within the parser's nesting limit.
   */
  private chain(top: ChainLink): Value {
    const links: ChainLink[] = [];
    let e: A.Expression = top;
    while (e.kind === 'Binary' || e.kind === 'Pipe' || e.kind === 'Index') {
      this.tick(e.loc);
      links.push(e);
      e = e.kind === 'Binary' ? e.left : e.kind === 'Pipe' ? e.input : e.target;
    }
    let value = this.eval(e);
    for (let i = links.length - 1; i >= 0; i--) {
      const link = links[i];
      if (link.kind === 'Pipe') value = evalCall(this, link.call, { value, loc: link.input.loc });
      else if (link.kind === 'Index') value = this.index(link, value);
      else value = this.binary(link, value);
    }
    return value;
  }

  private lookup(e: A.NameExpression): Value {
    const v = this.frame.vars.get(e.name);
    if (v) return v;
    const hint = suggest(e.name, this.frame.vars.keys());
    const notes = hint ? [{ message: `did you mean '${hint}'?` }] : [];
    throw new LowerError('E1001', `undefined name '${e.name}'`, e.loc, notes);
  }

  private index(e: A.IndexExpression, target: Value): Value {
    const ix = this.eval(e.index);
    if (target.kind === 'poison' || ix.kind === 'poison') return POISON;
    if (target.kind === 'tensor' && ix.kind === 'int') {
      // `x[i]`: index i of the first axis after the batch, which goes (a `slice` layer).
      const given = { axis: int(0), start: ix, squeeze: bool(true) };
      return emitOp(this, 'slice', [target], given, e.loc, { start: e.index.loc });
    }
    if (target.kind !== 'list') {
      const hint =
        target.kind === 'tensor'
          ? [
              {
                message:
                  'a tensor index must be an int; slice(x, axis:, start:, stop:, step:) takes ranges',
              },
            ]
          : [];
      throw new LowerError(
        'E2001',
        `cannot index ${typeName(target)}${target.kind === 'tensor' ? ` with ${typeName(ix)}` : '; only lists and tensors can be indexed'}`,
        target.kind === 'tensor' ? e.index.loc : e.target.loc,
        hint,
      );
    }
    if (ix.kind !== 'int')
      throw new LowerError('E2001', `a list index must be int, found ${typeName(ix)}`, e.index.loc);
    const n = target.items.length;
    const i = ix.value < 0 ? n + ix.value : ix.value;
    if (i < 0 || i >= n) {
      const valid = n === 0 ? 'the list is empty' : `valid indices: ${-n} to ${n - 1}`;
      throw new LowerError(
        'E2004',
        `index ${ix.value} is out of range for a list of ${n} item${n === 1 ? '' : 's'} (${valid})`,
        e.index.loc,
      );
    }
    return target.items[i];
  }

  private unary(e: A.UnaryExpression): Value {
    const v = this.eval(e.operand);
    if (v.kind === 'poison') return POISON;
    if (e.operator === 'not') {
      if (v.kind !== 'bool')
        throw new LowerError('E2001', `'not' needs a bool, found ${typeName(v)}`, e.operand.loc);
      return bool(!v.value);
    }
    if (v.kind === 'int' || v.kind === 'float')
      return e.operator === '-' ? { kind: v.kind, value: -v.value || 0 } : v;
    if (v.kind === 'tensor' && e.operator === '-')
      return emitOp(this, 'scale', [v], { factor: float(-1) }, e.loc);
    throw new LowerError('E2001', `unary '${e.operator}' is not defined for ${typeName(v)}`, e.loc);
  }

  private conditional(e: A.ConditionalExpression): Value {
    const c = this.eval(e.condition);
    if (c.kind === 'poison') return POISON;
    if (c.kind !== 'bool')
      throw new LowerError(
        'E2001',
        `a condition before '?' must be bool, found ${typeName(c)}`,
        e.condition.loc,
      );
    return this.eval(c.value ? e.then : e.otherwise);
  }

  private binary(e: A.BinaryExpression, a: Value): Value {
    if (e.operator === 'and' || e.operator === 'or') return this.logical(e, a);
    const b = this.eval(e.right);
    if (a.kind === 'poison' || b.kind === 'poison') return POISON;
    // An optional tensor argument compared with `none`: a tensor is never none.
    const withNone = a.kind === 'none' || b.kind === 'none';
    if ((a.kind === 'tensor' || b.kind === 'tensor') && !(withNone && isEquality(e.operator)))
      return this.tensorBinary(e, a, b);
    // Work in proportion to the operands is charged as steps, so that neither `l = l + l` nor a
    // loop of big comparisons can run away: concatenation copies, string comparison scans,
    // and list equality walks the items (valuesEqual reports how many).
    if (a.kind === 'string' && b.kind === 'string') {
      this.tick(e.operatorLoc, a.value.length + b.value.length);
    } else if (e.operator === '+' && a.kind === 'list' && b.kind === 'list') {
      this.tick(e.operatorLoc, a.items.length + b.items.length);
    }
    try {
      return binaryScalar(e.operator, a, b, (items) => this.tick(e.operatorLoc, items));
    } catch (err) {
      if (err instanceof ArithmeticError)
        throw new LowerError(err.code, err.message, e.operatorLoc);
      throw err;
    }
  }

  private logical(e: A.BinaryExpression, a: Value): Value {
    if (a.kind === 'poison') return POISON;
    if (a.kind !== 'bool')
      throw new LowerError(
        'E2001',
        `'${e.operator}' needs bool operands, found ${typeName(a)}`,
        e.left.loc,
      );
    if (e.operator === 'and' ? !a.value : a.value) return a;
    const b = this.eval(e.right);
    if (b.kind !== 'bool' && b.kind !== 'poison') {
      throw new LowerError(
        'E2001',
        `'${e.operator}' needs bool operands, found ${typeName(b)}`,
        e.right.loc,
      );
    }
    return b;
  }

  /**
   * `a + b`, `a - b`, `a * b`, `a / b` between tensors (NumPy broadcasting past the batch);
   * `k * t`, `t * k`, `t / k` scale by a number.
   */
  private tensorBinary(e: A.BinaryExpression, a: Value, b: Value): Value {
    const both = a.kind === 'tensor' && b.kind === 'tensor';
    const scalar = (v: Value): v is { kind: 'int' | 'float'; value: number } =>
      v.kind === 'int' || v.kind === 'float';
    const ops: Partial<Record<A.BinaryOperator, string>> = {
      '+': 'add',
      '-': 'subtract',
      '*': 'multiply',
      '/': 'divide',
    };
    const op = ops[e.operator];
    if (both && op) {
      try {
        return emitOp(this, op, [a, b], {}, e.loc);
      } catch (err) {
        if (!(err instanceof LowerError) || err.code !== 'E3001' || err.help) throw err;
        const text = (x: A.Expression) => this.frame.ref.source.text.slice(x.loc.start, x.loc.end);
        const help = projectionHelp(
          e.operator,
          { text: text(e.left), shape: a.shape },
          { text: text(e.right), shape: b.shape },
        );
        throw new LowerError(err.code, err.message, err.loc, err.notes, help);
      }
    }
    if (e.operator === '*' && scalar(a) && b.kind === 'tensor')
      return emitOp(this, 'scale', [b], { factor: float(a.value) }, e.loc);
    if ((e.operator === '*' || e.operator === '/') && a.kind === 'tensor' && scalar(b)) {
      if (e.operator === '/' && b.value === 0)
        throw new LowerError('E2003', `division of a tensor by zero`, e.right.loc);
      const factor = e.operator === '*' ? b.value : 1 / b.value;
      return emitOp(this, 'scale', [a], { factor: float(factor) }, e.loc);
    }
    throw new LowerError(
      'E2001',
      `operator '${e.operator}' is not defined for ${typeName(a)} and ${typeName(b)}`,
      e.operatorLoc,
      [
        {
          message:
            "tensors support '+', '-', '*' and '/' with each other, and '*' or '/' by a number",
        },
      ],
    );
  }
}
