/** A `.net` source text with its path, and line/column lookup for offsets. */
export class Source {
  private lineStarts: number[] | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
    /**
     * Set when the file is not valid UTF-8: `text` then holds only what comes before the first
     * invalid byte, and parsing reports error E0005 there.
     */
    readonly invalidUtf8?: { readonly byteOffset: number; readonly byte: number },
  ) {}

  /** 1-based line and column of a 0-based offset. */
  position(offset: number): { line: number; column: number } {
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const starts = this.starts();
    const start = starts[line - 1] ?? this.text.length;
    const next = starts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = 0; i < this.text.length; i++)
        if (this.text.charCodeAt(i) === 10) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }
}

/** A half-open range of offsets [start, end) in one source. */
export interface Span {
  readonly source: Source;
  readonly start: number;
  readonly end: number;
}

export function span(source: Source, start: number, end: number): Span {
  return { source, start, end: Math.max(end, start) };
}

export function describeSpan(s: Span): string {
  const { line, column } = s.source.position(s.start);
  return `${s.source.path}:${line}:${column}`;
}
