import type * as A from './ast.js';
import * as T from './tokens.js';

/**
 * What the printer learns from the source text: where lines break, and where each body's
 * braces are (the AST does not keep them). Without the text, no two positions are on the same
 * line and no blank lines are kept.
 */
export class SourceInfo {
  private readonly opens: number[] = [];
  private readonly closeOf = new Map<number, number>();

  constructor(readonly text?: string) {
    if (text !== undefined) this.indexBraces(text);
  }

  private indexBraces(text: string): void {
    const stack: number[] = [];
    for (const t of T.netLexer.tokenize(text).tokens) {
      if (t.tokenType === T.LBrace) {
        this.opens.push(t.startOffset);
        stack.push(t.startOffset);
      } else if (t.tokenType === T.RBrace) {
        const open = stack.pop();
        if (open !== undefined) this.closeOf.set(open, t.startOffset);
      }
    }
  }

  /** The first `{` at or after `offset`, or `fallback` without source text. */
  openAfter(offset: number, fallback: number): number {
    let lo = 0;
    let hi = this.opens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.opens[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return this.opens[lo] ?? fallback;
  }

  /** The `}` that closes the `{` at `open`, or `fallback`. */
  close(open: number, fallback: number): number {
    return this.closeOf.get(open) ?? fallback;
  }

  /** No line break between the two offsets. */
  sameLine(from: number, to: number): boolean {
    return this.text !== undefined && from <= to && !/[\n\r]/.test(this.text.slice(from, to));
  }

  /** The text between the two offsets holds an empty line. */
  blankBetween(from: number, to: number): boolean {
    return (
      this.text !== undefined &&
      from < to &&
      /\n[ \t\f\r\uFEFF]*\n/.test(this.text.slice(from, to).replace(/\r\n?/g, '\n'))
    );
  }
}

/** The comments that belong to one node of a sequence (a statement, a param, an item). */
export interface Attached {
  /** Whole-line comments before the node. */
  readonly leading: A.Comment[];
  /** Comments inside the node's extent. */
  readonly inner: A.Comment[];
  /** A comment after the node on its last line. */
  trailing?: A.Comment;
}

export interface Attachment {
  readonly perNode: Attached[];
  /** Comments after the last node that are not on its line. */
  readonly rest: A.Comment[];
}

/** Share `comments` (sorted, all within the sequence's extent) among the sequence's nodes. */
export function attach(
  comments: readonly A.Comment[],
  nodes: readonly { loc: A.Loc }[],
  src: SourceInfo,
): Attachment {
  const perNode: Attached[] = nodes.map(() => ({ leading: [], inner: [] }));
  const rest: A.Comment[] = [];
  let i = 0;
  for (const c of comments) {
    while (i < nodes.length && nodes[i].loc.end <= c.loc.start) i++;
    const prev = perNode[i - 1];
    if (i < nodes.length && c.loc.start >= nodes[i].loc.start) perNode[i].inner.push(c);
    else if (prev && !prev.trailing && src.sameLine(nodes[i - 1].loc.end, c.loc.start))
      prev.trailing = c;
    else if (i === nodes.length) rest.push(c);
    else perNode[i].leading.push(c);
  }
  return { perNode, rest };
}

/** The comments that start within [from, to). */
export function within(comments: readonly A.Comment[], from: number, to: number): A.Comment[] {
  return comments.filter((c) => c.loc.start >= from && c.loc.start < to);
}

/** `#` and the comment's text, trailing whitespace removed. */
export function commentText(c: A.Comment): string {
  return `#${c.text.trimEnd()}`;
}
