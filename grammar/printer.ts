import type * as A from './ast.js';
import { expr } from './printer-expr.js';
import { CONTINUATION, INDENT, layout, WIDTH } from './printer-layout.js';
import { attach, commentText, SourceInfo, within } from './printer-source.js';

/**
 * The canonical layout of a `.net` file (the engine of `netc fmt`). `print(parse(text).program,
 * text)` keeps every comment and, with the source text, the blank lines between statements;
 * printing is idempotent. Only a program without syntax problems should be printed: definitions
 * that held a syntax error are not in the AST.
 */
export function print(program: A.Program, source?: string): string {
  const printer = new Printer(new SourceInfo(source), sorted(program.comments));
  const lines = printer.program(program);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export { WIDTH } from './printer-layout.js';

/** A run of printed lines and the source extent it came from (for blank-line detection). */
interface Chunk {
  readonly lines: string[];
  readonly start: number;
  readonly end: number;
  /** 'blank': always a blank line before; 'source': one where the source had one. */
  readonly gap: 'blank' | 'source';
}

/** A printed statement: comments moved out of it, then its lines. */
interface Printed {
  readonly before: A.Comment[];
  readonly lines: string[];
}

const sorted = (comments: readonly A.Comment[]): A.Comment[] =>
  [...comments].sort((a, b) => a.loc.start - b.loc.start);
const indent = (depth: number): string => INDENT.repeat(depth);

class Printer {
  constructor(
    private readonly src: SourceInfo,
    private readonly comments: readonly A.Comment[],
  ) {}

  program(p: A.Program): string[] {
    const { perNode, rest } = attach(this.comments, p.items, this.src);
    const order = p.items
      .map((item, i) => ({ item, i }))
      .sort((a, b) => rank(a.item) - rank(b.item) || a.i - b.i);
    const chunks: Chunk[] = [];
    let previous: A.TopLevel | undefined;
    for (const { item, i } of order) {
      const { leading, inner, trailing } = perNode[i];
      const gap =
        previous === undefined || (previous.kind === 'Import' && item.kind === 'Import')
          ? 'source'
          : 'blank';
      const own = [
        ...leading.map((c) => this.commentChunk(c, 0)),
        ...this.topLevel(item, inner, trailing),
      ];
      chunks.push(...own.map((c, k): Chunk => (k === 0 ? { ...c, gap } : c)));
      previous = item;
    }
    chunks.push(...rest.map((c) => this.commentChunk(c, 0)));
    return this.join(chunks);
  }

  private topLevel(item: A.TopLevel, inner: A.Comment[], trailing?: A.Comment): Chunk[] {
    if (item.kind !== 'Import')
      return [this.chunk(item, this.definition(item, inner), 0, trailing)];
    return [this.chunk(item, { before: inner, lines: [`import ${expr(item.path)}`] }, 0, trailing)];
  }

  /** Moved comments, then the node's lines with its trailing comment on the last one. */
  private chunk(
    node: { loc: A.Loc },
    printed: Printed,
    depth: number,
    trailing?: A.Comment,
  ): Chunk {
    const lines = printed.before.map((c) => indent(depth) + commentText(c));
    const own = [...printed.lines];
    if (trailing) own[own.length - 1] += ` ${commentText(trailing)}`;
    return {
      lines: [...lines, ...own],
      start: node.loc.start,
      end: trailing?.loc.end ?? node.loc.end,
      gap: 'source',
    };
  }

  private commentChunk(c: A.Comment, depth: number): Chunk {
    return {
      lines: [indent(depth) + commentText(c)],
      start: c.loc.start,
      end: c.loc.end,
      gap: 'source',
    };
  }

  private join(chunks: readonly Chunk[]): string[] {
    const out: string[] = [];
    chunks.forEach((c, k) => {
      if (k > 0 && (c.gap === 'blank' || this.src.blankBetween(chunks[k - 1].end, c.start)))
        out.push('');
      out.push(...c.lines);
    });
    return out;
  }

  private definition(d: A.Definition, comments: A.Comment[]): Printed {
    const headerEnd = d.params.at(-1)?.loc.end ?? d.name.loc.end;
    const open = this.src.openAfter(d.name.loc.end, headerEnd);
    const close = this.src.close(open, d.loc.end - 1);
    const body = this.body(d.body, within(comments, open + 1, close), 1, open);
    const header = this.header(d, within(comments, d.loc.start, open), body.headerComment);
    return { before: [], lines: [...header, ...body.lines, '}'] };
  }

  /** `block name(params) {`, one param per line when too long or when comments are among them. */
  private header(d: A.Definition, comments: A.Comment[], onBrace?: A.Comment): string[] {
    const head = `${d.kind === 'Block' ? 'block' : 'model'} ${d.name.name}(`;
    const brace = onBrace ? `) { ${commentText(onBrace)}` : ') {';
    const params = d.params.map(param);
    const flat = `${head}${params.join(', ')}${brace}`;
    if (comments.length === 0 && `${head}${params.join(', ')}) {`.length <= WIDTH) return [flat];
    const { perNode, rest } = attach(comments, d.params, this.src);
    const lines = [head];
    params.forEach((text, i) => {
      const { leading, inner, trailing } = perNode[i];
      lines.push(...[...leading, ...inner].map((c) => INDENT + commentText(c)));
      const p = d.params[i];
      const own =
        p.default && `${INDENT}${text},`.length > WIDTH
          ? layout(`${INDENT}${paramHead(p)} = `, p.default, INDENT, ',')
          : [`${INDENT}${text},`];
      if (trailing) own[own.length - 1] += ` ${commentText(trailing)}`;
      lines.push(...own);
    });
    lines.push(...rest.map((c) => INDENT + commentText(c)), brace);
    return lines;
  }

  /**
   * The statements of a body between `{` at `open` and its `}`; `comments` are those inside.
   * A comment on the line of the `{` is handed back to go after it.
   */
  private body(stmts: readonly A.Statement[], comments: A.Comment[], depth: number, open: number) {
    const first = comments[0];
    const beforeFirst = first && (stmts.length === 0 || first.loc.start < stmts[0].loc.start);
    const headerComment =
      beforeFirst && this.src.sameLine(open, first.loc.start) ? first : undefined;
    const { perNode, rest } = attach(headerComment ? comments.slice(1) : comments, stmts, this.src);
    const chunks: Chunk[] = [];
    stmts.forEach((s, i) => {
      const { leading, inner, trailing } = perNode[i];
      chunks.push(...leading.map((c) => this.commentChunk(c, depth)));
      const printed = this.statement(s, inner, depth);
      const moved = printed.before.map((c): Chunk => ({
        ...this.commentChunk(c, depth),
        start: s.loc.start,
        end: s.loc.start,
      }));
      chunks.push(...moved, this.chunk(s, { before: [], lines: printed.lines }, depth, trailing));
    });
    chunks.push(...rest.map((c) => this.commentChunk(c, depth)));
    return { headerComment, lines: this.join(chunks) };
  }

  private statement(s: A.Statement, comments: A.Comment[], depth: number): Printed {
    const ind = indent(depth);
    switch (s.kind) {
      case 'Assign':
        return {
          before: comments,
          lines: layout(`${ind}${pattern(s.target, true)} = `, s.value, ind),
        };
      case 'Return':
        return { before: comments, lines: this.returnLines(s, ind) };
      case 'For':
        return this.forStatement(s, comments, depth);
      case 'If':
        return this.ifStatement(s, comments, depth);
    }
  }

  private returnLines(s: A.ReturnStatement, ind: string): string[] {
    const value = (v: A.ReturnValue): string => (v.name ? `${v.name.name}: ` : '');
    if (s.values.length === 1)
      return layout(`${ind}return ${value(s.values[0])}`, s.values[0].value, ind);
    const flat = `${ind}return ${s.values.map((v) => value(v) + expr(v.value)).join(', ')}`;
    if (flat.length <= WIDTH) return [flat];
    // One value per line: the first after `return`, the others four columns in.
    const more = ind + CONTINUATION;
    const last = s.values.length - 1;
    return s.values.flatMap((v, i) =>
      i === 0
        ? layout(`${ind}return ${value(v)}`, v.value, ind, ',')
        : layout(`${more}${value(v)}`, v.value, more, i === last ? '' : ','),
    );
  }

  private forStatement(s: A.ForStatement, comments: A.Comment[], depth: number): Printed {
    const ind = indent(depth);
    const open = this.src.openAfter(s.iterable.loc.end, s.iterable.loc.end);
    const close = this.src.close(open, s.loc.end - 1);
    const body = this.body(s.body, within(comments, open + 1, close), depth + 1, open);
    const head = layout(
      `${ind}for ${pattern(s.pattern, true)} in `,
      s.iterable,
      ind,
      brace(body.headerComment),
    );
    return {
      before: within(comments, s.loc.start, open),
      lines: [...head, ...body.lines, `${ind}}`],
    };
  }

  /** An `if` and its `else if` chain, walked iteratively. */
  private ifStatement(s: A.IfStatement, comments: A.Comment[], depth: number): Printed {
    const ind = indent(depth);
    const lines: string[] = [];
    let node = s;
    let keyword = `${ind}if `;
    let open = this.src.openAfter(s.condition.loc.end, s.condition.loc.end);
    const before = within(comments, s.loc.start, open);
    for (;;) {
      const next = this.nextOpen(node, open);
      const body = this.body(node.then, within(comments, open + 1, next), depth + 1, open);
      lines.push(...layout(keyword, node.condition, ind, brace(body.headerComment)), ...body.lines);
      if (node.otherwise === undefined) break;
      if (!Array.isArray(node.otherwise)) {
        node = node.otherwise as A.IfStatement;
        [keyword, open] = [`${ind}} else if `, next];
        continue;
      }
      const close = this.src.close(next, s.loc.end - 1);
      const tail = this.body(node.otherwise, within(comments, next + 1, close), depth + 1, next);
      lines.push(`${ind}} else${brace(tail.headerComment)}`, ...tail.lines);
      break;
    }
    return { before, lines: [...lines, `${ind}}`] };
  }

  /** Where the next branch's `{` is (the `then` body's comments end there), or the `}`. */
  private nextOpen(node: A.IfStatement, open: number): number {
    const other = node.otherwise;
    if (other === undefined) return this.src.close(open, node.loc.end - 1);
    const close = this.src.close(open, node.then.at(-1)?.loc.end ?? node.condition.loc.end);
    if (Array.isArray(other)) return this.src.openAfter(close + 1, close);
    const elseIf = other as A.IfStatement;
    return this.src.openAfter(elseIf.condition.loc.end, elseIf.condition.loc.end);
  }
}

const rank = (item: A.TopLevel): number => (item.kind === 'Import' ? 0 : 1);

const brace = (c?: A.Comment): string => (c ? ` { ${commentText(c)}` : ' {');

function param(p: A.Param): string {
  const dflt = p.default ? ` = ${expr(p.default)}` : '';
  return `${paramHead(p)}${dflt}`;
}

/** A param's name and shape: `x: [?, 3]`. */
function paramHead(p: A.Param): string {
  return p.shape ? `${p.name.name}: [${p.shape.dims.map(dim).join(', ')}]` : p.name.name;
}

function dim(d: A.DimNode): string {
  if (d.kind === 'DimSize') return String(d.value);
  return d.kind === 'DimName' ? d.name : '?';
}

/** A loop or assignment pattern; the outermost tuple of two or more is written without parentheses. */
function pattern(p: A.Pattern, outer = false): string {
  if (p.kind === 'Identifier') return p.name;
  const items = p.items.map((item) => pattern(item)).join(', ');
  return outer && p.items.length > 1 ? items : `(${items})`;
}
