import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/compile.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import {
  diagnosticJson,
  formatDiagnostic,
  githubAnnotation,
} from '../../compiler/diagnostics/format.js';
import { Source } from '../../compiler/source.js';

/** Diagnostics of a source as {code, line, column, message}; lines in `text` are 1-based. */
function check(text: string) {
  const r = checkSource(new Source('test.net', text));
  return r.diagnostics.map((d) => {
    const { line, column } = d.span.source.position(d.span.start);
    return { code: d.code, line, column, message: d.message, d };
  });
}

function only(text: string, code: string) {
  const found = check(text).filter((d) => d.code === code);
  expect(
    found,
    `expected one ${code} in ${JSON.stringify(check(text).map((d) => d.code))}`,
  ).toHaveLength(1);
  return found[0];
}

const residual = `block bottleneck(x, filters, stride = 1) {
  y = x |> conv2d(filters, 1) |> conv2d(filters * 2, 3, stride: stride)
  return y + x
}
model m(image: [56, 56, 128]) {
  x = image
  for stage, filters in enumerate([64, 128]) {
    for i in range(2) {
      x = bottleneck(x, filters)
    }
  }
  return x
}
`;

describe('shape errors', () => {
  it('reports a residual add mismatch with both shapes, operand origins and the expansion chain', () => {
    const d = only(residual, 'E3001');
    expect(d.line).toBe(3);
    expect(d.column).toBe(10);
    expect(d.message).toBe(
      'add cannot broadcast [56, 56, 256] with [56, 56, 128]: dimension 2 is 256 and 128',
    );
    expect(d.d.notes.map((n) => n.message)).toContain(
      'operand 1 [56, 56, 256] comes from bottleneck_2.conv2d_1 (conv2d) at test.net:2:34',
    );
    expect(d.d.expansion).toHaveLength(1);
    const frame = d.d.expansion[0];
    expect(frame.call).toBe('bottleneck(filters=128)');
    expect(frame.loops).toBe('stage=1, filters=128, i=0');
    const text = formatDiagnostic(d.d);
    expect(text).toContain(
      'in bottleneck(filters=128) at test.net:9:11 (stage=1, filters=128, i=0)',
    );
    expect(text.split('\n')[1]).toBe('3 |   return y + x');
    expect(text.split('\n')[2]).toBe('  |          ^^^^^');
  });

  it('suggests the projection that fixes a residual add, with the values of this expansion', () => {
    const d = only(residual, 'E3001');
    expect([d.line, d.column]).toEqual([3, 10]);
    // x has 128 channels and y 256 here (filters=128): a 1x1 convolution to 256 makes x + y agree.
    expect(d.d.help).toBe(
      'project x with a 1x1 convolution to 256 channels: y + (x |> conv2d(256, 1))',
    );
    expect(formatDiagnostic(d.d).split('\n').at(-1)).toBe(
      '  = help: project x with a 1x1 convolution to 256 channels: y + (x |> conv2d(256, 1))',
    );
  });

  it('carries the help into the JSON and GitHub forms', () => {
    const d = only(residual, 'E3001');
    const help = 'project x with a 1x1 convolution to 256 channels: y + (x |> conv2d(256, 1))';
    expect(diagnosticJson(d.d).help).toBe(help);
    expect(githubAnnotation(d.d)).toMatch(
      /title=E3001::add cannot broadcast .*%0Ahelp: project x with/,
    );
  });

  it('strides the projection when the other side is smaller, and projects whichever side can be', () => {
    const d = only(
      'block down(x) {\n  y = x |> conv2d(8, 3, stride: 2, padding: "same")\n  return x + y\n}\nmodel m(i: [8, 8, 4]) {\n  return down(i)\n}\n',
      'E3001',
    );
    expect([d.line, d.column]).toEqual([3, 10]);
    expect(d.message).toBe('add cannot broadcast [8, 8, 4] with [4, 4, 8]: dimension 0 is 8 and 4');
    // [8, 8, 4] -> 1x1, stride 2, 8 filters -> [4, 4, 8]; y cannot be projected up to 8x8.
    expect(d.d.help).toBe(
      'project x with a stride-2 1x1 convolution to 8 channels: (x |> conv2d(8, 1, stride: 2)) + y',
    );
  });

  it('projects a vector with a dense layer, keeping a pipe chain as one operand', () => {
    const d = only(
      'model m(i: [6]) {\n  h = i |> dense(4)\n  return (h |> dense(2)) * i\n}\n',
      'E3001',
    );
    expect([d.line, d.column]).toEqual([3, 11]);
    expect(d.message).toBe('multiply cannot broadcast [2] with [6]: dimension 0 is 2 and 6');
    expect(d.d.help).toBe(
      'project i with a dense layer to 2 features: (h |> dense(2)) * (i |> dense(2))',
    );
  });

  it('gives no help where no projection fixes the shapes', () => {
    // Different ranks that do not broadcast; and spatial sizes 6 and 4 (no integer stride takes
    // 6 to 4).
    for (const [shapes, column] of [
      ['a: [4, 4, 3], b: [5, 3]', 10],
      ['a: [6, 6, 3], b: [4, 4, 3]', 10],
    ] as const) {
      const d = only(`model m(${shapes}) {\n  return a + b\n}\n`, 'E3001');
      expect([d.line, d.column]).toEqual([2, column]);
      expect(d.d.help).toBeUndefined();
      expect(formatDiagnostic(d.d)).not.toContain('help:');
    }
  });

  it('says which group counts divide the input channels', () => {
    const d = only(
      'model m(x: [8, 8, 48]) {\n  return x |> conv2d(64, 3, groups: 32)\n}\n',
      'E3002',
    );
    expect([d.line, d.column]).toEqual([2, 29]);
    expect(d.message).toBe('conv2d: groups=32 does not divide the 48 input channels');
    expect(d.d.notes[0].message).toBe('groups that divide 48: 1, 2, 3, 4, 6, 8, 12, 16, 24, 48');
  });

  it('rejects a kernel larger than its input under valid padding', () => {
    const d = only(
      'model m(x: [5, 5, 3]) {\n  return x |> conv2d(8, 7, padding: "valid")\n}\n',
      'E3003',
    );
    expect([d.line, d.column]).toEqual([2, 25]);
    expect(d.message).toBe(
      "conv2d: kernel of size 7 is larger than the input height 5 under 'valid' padding",
    );
  });
});

describe('names and calls', () => {
  it('suggests the closest op for an unknown one', () => {
    const d = only('model m(x: [8, 3]) {\n  return x |> dence(4)\n}\n', 'E1002');
    expect([d.line, d.column]).toEqual([2, 15]);
    expect(d.message).toBe("unknown op or block 'dence'");
    expect(d.d.notes[0].message).toBe("did you mean 'dense'?");
  });

  it('suggests the closest argument for an unknown one', () => {
    const d = only('model m(x: [8, 8, 3]) {\n  return x |> conv2d(4, 3, strides: 2)\n}\n', 'E1003');
    expect([d.line, d.column]).toEqual([2, 28]);
    expect(d.message).toBe("conv2d has no argument 'strides'; did you mean 'stride'?");
  });

  it('reports a missing required argument of an op and of a block', () => {
    const op = only('model m(x: [8, 8, 3]) {\n  return x |> conv2d(4)\n}\n', 'E1004');
    expect([op.line, op.column]).toEqual([2, 15]);
    expect(op.message).toBe("conv2d is missing its required argument 'kernel_size'");
    const block = only(
      'block b(x, width) { return x }\nmodel m(x: [3]) {\n  return b(x)\n}\n',
      'E1004',
    );
    expect([block.line, block.column]).toEqual([3, 10]);
    expect(block.message).toBe("b is missing its required argument 'width'");
  });

  it('reports a value of the wrong type with what was expected', () => {
    const d = only('model m(x: [8, 3]) {\n  return x |> dense(2.5)\n}\n', 'E2001');
    expect([d.line, d.column]).toEqual([2, 21]);
    expect(d.message).toBe("wrong type for 'units' of dense: expected int, found float 2.5");
    const list = only(
      'model m(x: [4, 4, 3]) {\n  return x |> scale([0.5, 0.6, 0.7])\n}\n',
      'E2001',
    );
    expect([list.line, list.column]).toEqual([2, 21]);
    expect(list.message).toBe(
      "wrong type for 'factor' of scale: expected float, found list [0.5, 0.6, 0.7]; " +
        'for one factor per channel, use rescaling([...])',
    );
  });

  it('reports an undefined name with a suggestion', () => {
    const d = only('model m(image: [8, 3]) {\n  return imgae |> relu\n}\n', 'E1001');
    expect([d.line, d.column]).toEqual([2, 10]);
    expect(d.message).toBe("undefined name 'imgae'");
    expect(d.d.notes[0].message).toBe("did you mean 'image'?");
  });

  it('rejects recursion, direct and mutual', () => {
    const d = only(
      'block f(x) { return g(x) }\nblock g(x) { return f(x) }\nmodel m(x: [3]) {\n  return f(x)\n}\n',
      'E4001',
    );
    expect([d.line, d.column]).toEqual([2, 21]);
    expect(d.message).toBe("block 'f' calls itself (f → g → f); recursion is not allowed");
  });
});

describe('values', () => {
  it('reports division by zero at the operator', () => {
    const d = only(
      'model m(x: [3], k = 4) {\n  n = k // (k - 4)\n  return x |> dense(n)\n}\n',
      'E2003',
    );
    expect([d.line, d.column]).toEqual([2, 9]);
    expect(d.message).toBe('division by zero in 4 // 0');
  });

  it('reports an index out of range with the valid range', () => {
    const d = only(
      'model m(x: [3]) {\n  sizes = [8, 16]\n  return x |> dense(sizes[2])\n}\n',
      'E2004',
    );
    expect([d.line, d.column]).toEqual([3, 27]);
    expect(d.message).toBe(
      'index 2 is out of range for a list of 2 items (valid indices: -2 to 1)',
    );
  });
});

describe('limits', () => {
  it('names the loop limit', () => {
    const d = only(
      'model m(x: [3]) {\n  for i in range(1000000000000) {\n    x = relu(x)\n  }\n  return x\n}\n',
      'E4002',
    );
    expect([d.line, d.column]).toEqual([2, 12]);
    expect(d.message).toBe(
      'range() of 1,000,000,000,000 elements exceeds the limit of 100,000 loop iterations',
    );
  });

  it('names the expansion limit', () => {
    const src =
      'model m(x: [3]) {\n  for i in range(1000) {\n    for j in range(1000) {\n      x = relu(x)\n    }\n  }\n  return x\n}\n';
    const d = only(src, 'E4002');
    expect([d.line, d.column]).toEqual([4, 11]);
    expect(d.message).toBe(
      'the model expands to more than 200,000 layers (limit: IR nodes per model)',
    );
  });
});

describe('warnings', () => {
  it('warns about unused variables and parameters', () => {
    const found = check(
      'block b(x, unused_width) {\n  tmp = 3\n  return x\n}\nmodel m(x: [3]) {\n  return b(x, 1)\n}\n',
    ).filter((d) => d.code === 'W0001');
    expect(found.map((d) => [d.line, d.column, d.message])).toEqual([
      [1, 12, "parameter 'unused_width' of block 'b' is never used"],
      [2, 3, "variable 'tmp' is assigned but never used"],
    ]);
    expect(found.every((d) => d.d.severity === 'warning')).toBe(true);
  });

  it('warns about a stride-2 same convolution over an odd length', () => {
    const r = checkSource(
      new Source(
        'test.net',
        'model m(x: [1281, 1]) {\n  return x |> conv1d(4, 32, stride: 2)\n}\n',
      ),
    );
    expect(r.ok).toBe(true);
    const d = r.diagnostics.find((x) => x.code === 'W0002')!;
    expect(d.span.source.position(d.span.start)).toEqual({ line: 2, column: 15 });
    expect(d.message).toContain('length 1281');
    expect(d.message).toContain('rounds up to 641');
  });
});

describe('recovery', () => {
  it('reports every error of a file in one run, across statements and definitions', () => {
    const src =
      'model a(x: [3]) {\n  y = x |> dence(2)\n  z = x |> dense("2")\n  return undefined_name\n}\nmodel b( {\n}\nmodel c(x: [3]) {\n  return x |> relu(1)\n}\n';
    const codes = check(src)
      .filter((d) => d.d.severity === 'error')
      .map((d) => `${d.code}@${d.line}:${d.column}`);
    expect(codes).toEqual(['E1002@2:12', 'E2001@3:18', 'E1001@4:10', 'E0002@6:10', 'E1005@9:20']);
  });

  it('reports a failed import at the path', () => {
    const d = only('import "./nowhere.net"\nmodel m(x: [3]) { return x }\n', 'E1008');
    expect([d.line, d.column]).toEqual([1, 8]);
    expect(d.message).toMatch(/^cannot import "\.\/nowhere\.net": no such file/);
  });
});

export type { Diagnostic };

describe('shape queries', () => {
  it('compares symbolic dims by name and never treats unknown dims as equal', () => {
    const src = (a: string, b: string) =>
      `model m(x: [${a}, 3], y: [${b}, 3]) {\n  same = shape(x)[0] == shape(y)[0]\n  return same ? x : x |> relu\n}\n`;
    const op = (a: string, b: string) => {
      const r = checkSource(new Source('t.net', src(a, b)));
      return r.graphs[0].nodes[r.graphs[0].outputs[0].node].op;
    };
    expect(op('T', 'T')).toBe('input');
    expect(op('T', 'S')).toBe('relu');
    expect(op('?', '?')).toBe('relu');
  });
});
