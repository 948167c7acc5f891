import { expect, it } from 'vitest';
import { checkSource } from '../../compiler/compile.js';
import { Source } from '../../compiler/source.js';

it('merges one diagnostic repeated by expansions, naming its severity, and keeps distinct ones', () => {
  const text = [
    'block down(x) {',
    '  return x |> conv2d(4, 3, stride: 2)',
    '}',
    'model m(image: [15, 15, 3]) {',
    '  return image |> down |> down |> down',
    '}',
    '',
  ].join('\n');
  const ds = checkSource(new Source('t.net', text)).diagnostics;
  // 15 -> 8 -> 4 -> 2: only the first expansion sees odd sizes, 15 on height and on width.
  expect(ds.map((d) => [d.code, d.message.split(':')[0], d.notes.map((n) => n.message)])).toEqual([
    ['W0002', 'conv2d', []],
    ['W0002', 'conv2d', []],
  ]);
  expect(ds.map((d) => d.message.match(/on (\w+) 15/)?.[1])).toEqual(['height', 'width']);
  const twice = text
    .replace('[15, 15, 3]', '[15, 16, 3]')
    .replace('|> down |> down |> down', '|> down');
  const again = `${twice.replace('return image |> down', 'a = image |> down\n  b = image |> down\n  return a + b')}`;
  const [w] = checkSource(new Source('t.net', again)).diagnostics;
  expect(w.notes.map((n) => n.message)).toEqual(['the same warning occurs in 1 more expansion']);
});
