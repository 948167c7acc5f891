import { describe, expect, it } from 'vitest';
import { print } from '../../grammar/printer.js';
import { expectRoundTrip, format, parseClean } from './ast-utils.js';

/** Lines joined with newlines, plus the final one. */
const lines = (...ls: string[]): string => `${ls.join('\n')}\n`;

describe('layout', () => {
  it('indents by two spaces, one statement per line, braces on the header line', () => {
    const source =
      'block b(x){y=x|>relu return y}model m(x:[?,T,3],n=2){for i,(a,b) in zip(p,q){x=x}return out:x,x}';
    expect(format(source)).toBe(
      lines(
        'block b(x) {',
        '  y = x |> relu',
        '  return y',
        '}',
        '',
        'model m(x: [?, T, 3], n = 2) {',
        '  for i, (a, b) in zip(p, q) {',
        '    x = x',
        '  }',
        '  return out: x, x',
        '}',
      ),
    );
  });

  it('writes else and else-if on the closing brace line', () => {
    const source =
      'block b(x) { if x { y = 1 }\n else if not x { y = 2 }\n else { y = 3 } return y }';
    expect(format(source)).toBe(
      lines(
        'block b(x) {',
        '  if x {',
        '    y = 1',
        '  } else if not x {',
        '    y = 2',
        '  } else {',
        '    y = 3',
        '  }',
        '  return y',
        '}',
      ),
    );
  });

  it('keeps one blank line where the source had any, none at the edges of a body', () => {
    const source =
      'block b(x) {\n\n  a = 1\n\n\n\n  b = 2\n  c = 3\n\n}\n\n\n\nblock c() { return 1 }\n';
    expect(format(source)).toBe(
      lines(
        'block b(x) {',
        '  a = 1',
        '',
        '  b = 2',
        '  c = 3',
        '}',
        '',
        'block c() {',
        '  return 1',
        '}',
      ),
    );
  });

  it('puts imports first, in their order, and one blank line between definitions', () => {
    const source = 'block a() { return 1 } import "z.net" block b() { return 2 }\nimport "a.net"';
    expect(format(source)).toBe(
      lines(
        'import "z.net"',
        'import "a.net"',
        '',
        'block a() {',
        '  return 1',
        '}',
        '',
        'block b() {',
        '  return 2',
        '}',
      ),
    );
  });

  it('ends the file with exactly one newline; an empty program prints as nothing', () => {
    expect(format('block a() { return 1 }\n\n\n')).toBe(lines('block a() {', '  return 1', '}'));
    expect(format('')).toBe('');
    expect(format('\n\n')).toBe('');
  });

  it('reads CRLF line ends and writes LF', () => {
    const source = 'block b(x) {\r\n  a = 1 # one\r\n\r\n  # two\r\n  return a\r\n}\r\n';
    expect(format(source)).toBe(
      lines('block b(x) {', '  a = 1 # one', '', '  # two', '  return a', '}'),
    );
  });

  it('prints without source text: no blank lines inside bodies', () => {
    const source = 'block b(x) {\n  a = 1\n\n  b = 2\n}\nblock c() { return 1 }';
    expect(print(parseClean(source))).toBe(
      lines('block b(x) {', '  a = 1', '  b = 2', '}', '', 'block c() {', '  return 1', '}'),
    );
  });
});

describe('line breaking', () => {
  const steps = [
    'conv2d(64, 3, stride: 2)',
    'batch_norm',
    'relu',
    'max_pool(3, stride: 2)',
    'dropout(0.25)',
    'dense(10)',
  ];

  it('breaks a long pipe chain before each |>, four columns in', () => {
    const source = `block b(x) { if true { y = x |> ${steps.join(' |> ')} } return y }`;
    expect(format(source)).toBe(
      lines(
        'block b(x) {',
        '  if true {',
        '    y = x',
        ...steps.map((s) => `        |> ${s}`),
        '  }',
        '  return y',
        '}',
      ),
    );
  });

  it('leaves a chain that fits on one line', () => {
    const source = 'block b(x) {\n  y = x\n    |> relu\n    |> dense(10)\n  return y\n}\n';
    expect(format(source)).toBe(
      lines('block b(x) {', '  y = x |> relu |> dense(10)', '  return y', '}'),
    );
  });

  it('puts the arguments of a long call one per line, with a trailing comma', () => {
    const args = [
      'x',
      'filters: 512',
      'kernel: 3',
      'stride: 1',
      'padding: "valid"',
      'dilation: 2',
      'groups: 4',
      'use_bias: true',
    ];
    const source = `block b(x) { return conv2d(${args.join(', ')}) }`;
    expect(format(source)).toBe(
      lines('block b(x) {', '  return conv2d(', ...args.map((a) => `    ${a},`), '  )', '}'),
    );
  });

  it('puts long lists and tuples one item per line', () => {
    const items = Array.from({ length: 24 }, (_, i) => String(1000 + i));
    const source = `block b() { l = [${items.join(', ')}] t = (${items.join(', ')}) return l }`;
    const spread = items.map((i) => `    ${i},`);
    expect(format(source)).toBe(
      lines(
        'block b() {',
        '  l = [',
        ...spread,
        '  ]',
        '  t = (',
        ...spread,
        '  )',
        '  return l',
        '}',
      ),
    );
  });

  it('puts the params of a long header one per line', () => {
    const params = [
      'image: [224, 224, 3]',
      'classes = 1000',
      'widths = [64, 128, 256, 512]',
      'depths = [3, 4, 6, 3]',
      'se = true',
    ];
    const source = `model resnet(${params.join(', ')}) { return image }`;
    expect(format(source)).toBe(
      lines('model resnet(', ...params.map((p) => `  ${p},`), ') {', '  return image', '}'),
    );
  });

  it('is idempotent on broken layouts', () => {
    expectRoundTrip(
      `block b(x) { y = x |> ${steps.join(' |> ')} return conv2d(${steps.join(', ')}) }`,
    );
  });
});

describe('comments', () => {
  it('keeps own-line comments before the statement they precede, indented to it', () => {
    const source =
      '# top\nblock b(x) {\n# first\n      y = x\n          # second\n  return y\n# closing\n}\n# end\n';
    expect(format(source)).toBe(
      lines(
        '# top',
        'block b(x) {',
        '  # first',
        '  y = x',
        '  # second',
        '  return y',
        '  # closing',
        '}',
        '# end',
      ),
    );
  });

  it('keeps a comment after a statement on its line, one space before #', () => {
    const source = 'block b(x) {\n  y = x      # trailing   \n  return y#tight\n}   # after\n';
    expect(format(source)).toBe(
      lines('block b(x) {', '  y = x # trailing', '  return y #tight', '} # after'),
    );
  });

  it('keeps a comment on the line of an opening brace after the brace', () => {
    const source =
      'block b(x) { # the block\n  for i in range(2)   { # the loop\n    x = x\n  }\n  if x {  # then\n  } else {  # else\n  }\n  return x\n}\n';
    expect(format(source)).toBe(
      lines(
        'block b(x) { # the block',
        '  for i in range(2) { # the loop',
        '    x = x',
        '  }',
        '  if x { # then',
        '  } else { # else',
        '  }',
        '  return x',
        '}',
      ),
    );
  });

  it('keeps comments among params, breaking the params one per line', () => {
    const source = 'block b(x,  # input\n  # own line\n  n = 2) { return x }';
    expect(format(source)).toBe(
      lines('block b(', '  x, # input', '  # own line', '  n = 2,', ') {', '  return x', '}'),
    );
  });

  it('moves comments inside a multi-line expression to just before its statement', () => {
    const source =
      'block b(x) {\n  a = 1\n\n  y = concat(x, # one\n    x, # two\n    axis: -1)\n  return y\n}\n';
    expect(format(source)).toBe(
      lines(
        'block b(x) {',
        '  a = 1',
        '',
        '  # one',
        '  # two',
        '  y = concat(x, x, axis: -1)',
        '  return y',
        '}',
      ),
    );
  });

  it('moves a comment between a closing brace and its else to the end of the then-branch', () => {
    const source =
      'block b(x) {\n  if x {\n    y = 1\n  }\n  # why\n  else {\n    y = 2\n  }\n  return y\n}\n';
    expect(format(source)).toBe(
      lines(
        'block b(x) {',
        '  if x {',
        '    y = 1',
        '    # why',
        '  } else {',
        '    y = 2',
        '  }',
        '  return y',
        '}',
      ),
    );
  });

  it('keeps the comments of a hoisted import with it', () => {
    const source = 'block a() { return 1 }\n# why b\nimport "b.net" # b\n';
    expect(format(source)).toBe(
      lines('# why b', 'import "b.net" # b', '', 'block a() {', '  return 1', '}'),
    );
  });

  it('never loses a comment, wherever it is', () => {
    const source = [
      '#a',
      'import #b',
      '"x.net" #c',
      'block #d',
      'b #e',
      '( #f',
      'x #g',
      ': #h',
      '[ #i',
      '? #j',
      '] #k',
      '= #l',
      '1 #m',
      ') #n',
      '{ #o',
      'for #p',
      'i #q',
      'in #r',
      'xs #s',
      '{ #t',
      '} #u',
      'if #v',
      'c #w',
      '{ #x',
      '} #y',
      'else #z',
      'if #A',
      'd #B',
      '{ #C',
      '} #D',
      'else #E',
      '{ #F',
      '} #G',
      'return #H',
      'a #I',
      ': #J',
      'x #K',
      '} #L',
    ].join('\n');
    expect(expectRoundTrip(source)).toBe(
      lines(
        ...['#a', '#b', 'import "x.net" #c', '', 'block b('],
        ...[
          '  #d',
          '  #e',
          '  #f',
          '  #g',
          '  #h',
          '  #i',
          '  #j',
          '  #k',
          '  #l',
          '  x: [?] = 1, #m',
          '  #n',
          ') { #o',
        ],
        ...[
          '  #p',
          '  #q',
          '  #r',
          '  #s',
          '  for i in xs { #t',
          '  } #u',
          '  #v',
          '  #w',
          '  if c { #x',
        ],
        ...[
          '    #y',
          '    #z',
          '    #A',
          '    #B',
          '  } else if d { #C',
          '    #D',
          '    #E',
          '  } else { #F',
          '  } #G',
        ],
        ...['  #H', '  #I', '  #J', '  return a: x #K', '} #L'],
      ),
    );
  });
});
