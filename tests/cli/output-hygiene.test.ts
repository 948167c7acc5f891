/**
 * What netc prints holds no raw control, bidi or invisible character, and no line a CI log would
 * take for a workflow command, whatever the file names, layer names and sources: per output kind
 * (text, github and JSON diagnostics, source excerpts, summary table and JSON, fmt and check
 * messages, file errors), and long names stay short.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function netc(args: string[], color = false): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    color,
  });
  const lines = (chunks: string[]) => chunks.map((c) => (c.endsWith('\n') ? c : `${c}\n`)).join('');
  return { code, stdout: lines(out), stderr: lines(err) };
}

const dir = mkdtempSync(join(tmpdir(), 'netc-hygiene-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Controls other than LF, DEL, C1, bidi controls, zero-width and other invisible characters. */
const RAW_UNSAFE =
  /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/u;

/** A file name that forges a GitHub workflow command on its second line. */
const FORGING = 'x\n::error file=x.net::FORGED\u202e.net';
/** One unknown op (E1002) on line 2. */
const BROKEN = 'model m(x: [4]) {\n  return x |> densee(3)\n}\n';

describe('a file name with a newline and a workflow command', () => {
  const path = file(FORGING, BROKEN);
  const shownPath = join(dir, 'x\\n::error file=x.net::FORGED\\u202e.net');

  it('text diagnostics: the name shows as \\n and \\u202e, no line starts a command', async () => {
    const r = await netc(['check', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${shownPath}:2:15: error[E1002]`);
    for (const line of `${r.stdout}${r.stderr}`.split('\n')) expect(line).not.toMatch(/^::/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(RAW_UNSAFE);
  });

  it('github: one line per diagnostic, the name escaped then percent-encoded', async () => {
    const r = await netc(['check', '--format', 'github', path]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const encoded = shownPath.replace(/:/g, '%3A').replace(/,/g, '%2C');
    expect(lines[0]).toBe(
      `::error file=${encoded},line=2,col=15,title=E1002::unknown op or block 'densee'%0Anote: did you mean 'dense'?`,
    );
    expect(r.stdout).not.toMatch(RAW_UNSAFE);
  });

  it('json: valid, the raw name comes back from JSON.parse, nothing raw in the text', async () => {
    const r = await netc(['check', '--format', 'json', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(RAW_UNSAFE);
    expect(r.stdout).toContain('\\u202e');
    const parsed = JSON.parse(r.stdout) as { file: string; code: string }[];
    expect(parsed.map((d) => [d.file, d.code])).toEqual([[path, 'E1002']]);
  });

  it('fmt --check and fmt: the "not formatted" and "formatted" lines escape the name', async () => {
    const ugly = file(`${FORGING}.fmt`, 'model m(x: [4]) {   return x }\n');
    const shown = `${shownPath}.fmt`;
    const check = await netc(['fmt', '--check', ugly]);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(`${shown}: not formatted (run netc fmt ${shown})\n`);
    const done = await netc(['fmt', ugly]);
    expect(done.code).toBe(0);
    expect(done.stdout).toBe(`formatted ${shown}\n`);
  });

  it('a file that cannot be read: one escaped line, exit 2', async () => {
    const missing = join(dir, 'gone\n::error::FORGED\x1b[2J.net');
    const r = await netc(['check', missing]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `netc: cannot read ${join(dir, 'gone\\n::error::FORGED\\u001b[2J.net')}: no such file`,
    );
    expect(r.stderr).not.toMatch(RAW_UNSAFE);
  });
});

describe('hostile names and sources', () => {
  it('layer names with bidi overrides and ANSI escapes: the summary table and JSON escape them', async () => {
    const path = file(
      'layers.net',
      'model m(x: [4]) {\n  return x |> dense(3, name: "evil\u202e\x1b[31mred\u2066")\n}\n',
    );
    const table = await netc(['summary', path]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('evil\\u202e\\u001b[31mred\\u2066');
    expect(table.stdout).not.toMatch(RAW_UNSAFE);
    const json = await netc(['summary', '--json', path]);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toMatch(RAW_UNSAFE);
    const parsed = JSON.parse(json.stdout) as { layers: { name: string }[] };
    expect(parsed.layers.map((l) => l.name)).toContain('evil\u202e\x1b[31mred\u2066');
  });

  it('the source excerpt escapes controls and bidi characters, and the carets still line up', async () => {
    // A string with an RLO and an ESC before the error, on the same line.
    const path = file(
      'excerpt.net',
      'model m(x: [4]) {\n  return x |> dense("\u202e\x1b", 3q)\n}\n',
    );
    const r = await netc(['check', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(RAW_UNSAFE);
    const lines = r.stdout.split('\n');
    const source = lines.findIndex((l) => l.startsWith('2 |'));
    expect(lines[source]).toBe('2 |   return x |> dense("\\u202e\\u001b", 3q)');
    // The caret sits under the character the error is located at, as shown.
    const header = lines[source - 1];
    const column = Number(/:2:(\d+):/.exec(header)![1]);
    const raw = '  return x |> dense("\u202e\x1b", 3q)';
    const shownBefore =
      '  return x |> dense("\\u202e\\u001b", 3q)'.length - (raw.length - (column - 1));
    const caretAt = lines[source + 1].indexOf('^') - '2 | '.length;
    expect(caretAt).toBe(shownBefore);
  });

  it('with colour on, the only escape sequences are netc’s own colours', async () => {
    const path = file('colour.net', 'model m(x: [4]) {\n  return x |> dense("\x1b[2J", 3q)\n}\n');
    const r = await netc(['check', path], true);
    expect(r.code).toBe(1);
    const sequences = r.stdout.match(/\x1b[^a-zA-Z]*[a-zA-Z]/g) ?? [];
    expect(sequences.length).toBeGreaterThan(0);
    for (const s of sequences) expect(s).toMatch(/^\x1b\[[0-9;]*m$/);
    expect(r.stdout).toContain('\\u001b[2J');
  });
});

describe('long names', () => {
  const MB = 1 << 20;
  const name = `v${'x'.repeat(MB)}`;
  const path = file('long.net', `model m(x: [4]) {\n  ${name} = 1\n  return x\n}\n`);
  const shortened = `'v${'x'.repeat(48)}…${'x'.repeat(19)}' (${MB + 3} characters)`;

  it.each(['text', 'github', 'json'])(
    'a warning about a 1 MB identifier stays small (%s)',
    async (format) => {
      const r = await netc(['check', '--format', format, path]);
      expect(r.code).toBe(0);
      expect(r.stdout.length + r.stderr.length).toBeLessThan(2000);
      expect(r.stdout).toContain(`variable ${shortened} is assigned but never used`);
    },
  );

  it('a 1 MB string where a number is expected: the message stays small', async () => {
    const big = file(
      'bigstr.net',
      `model m(x: [4]) {\n  return x |> dense("${'s'.repeat(MB)}")\n}\n`,
    );
    const r = await netc(['check', big]);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeLessThan(3000);
  });
});
