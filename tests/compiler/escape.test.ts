/**
 * compiler/util/escape.ts: what is shown as an escape (hand-written cases and a naive reference
 * over every code point class), JSON kept valid and equal, and long names capped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  displayText,
  escapeJson,
  escapeLines,
  escapeText,
  hasUnsafeCharacters,
  shortenName,
  shortenNames,
} from '../../compiler/util/escape.js';

/** The reference list, written out as ranges: [first, last] code points never printed raw. */
const UNSAFE_RANGES: [number, number][] = [
  [0x00, 0x1f], // C0 controls, incl. tab, LF, CR, ESC
  [0x7f, 0x9f], // DEL, C1 controls
  [0xad, 0xad], // soft hyphen
  [0x61c, 0x61c], // Arabic letter mark
  [0x180e, 0x180e], // Mongolian vowel separator
  [0x200b, 0x200f], // zero-width space / (non-)joiner, LRM, RLM
  [0x2028, 0x202e], // line / paragraph separator, bidi embeddings and overrides
  [0x2060, 0x206f], // word joiner, invisible operators, bidi isolates, deprecated format
  [0xfeff, 0xfeff], // byte order mark
  [0xfff9, 0xfffb], // interlinear annotation
  [0xe0000, 0xe007f], // tag characters
  [0xd800, 0xdfff], // lone surrogates
];
const unsafe = (cp: number): boolean => UNSAFE_RANGES.some(([a, b]) => cp >= a && cp <= b);

/** Code points of a string, lone surrogates included (Array.from keeps them as one unit). */
const codePoints = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);

describe('escapeText', () => {
  it('shows line breaks, tabs, ESC, DEL, C1 and bidi characters as escapes', () => {
    expect(escapeText('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(escapeText('\x1b[31mred\x1b[0m')).toBe('\\u001b[31mred\\u001b[0m');
    expect(escapeText('\x00\x7f\x85\x9b')).toBe('\\u0000\\u007f\\u0085\\u009b');
    expect(escapeText('abc\u202edcba')).toBe('abc\\u202edcba');
    expect(escapeText('\u2066x\u2069')).toBe('\\u2066x\\u2069');
    expect(escapeText('zero\u200bwidth\ufeff')).toBe('zero\\u200bwidth\\ufeff');
    expect(escapeText('line\u2028sep\u2029')).toBe('line\\u2028sep\\u2029');
    // A tag character (astral) as its two UTF-16 units, like JSON.
    expect(escapeText('a\u{e0041}')).toBe('a\\udb40\\udc41');
    expect(escapeText('lone\ud800')).toBe('lone\\ud800');
  });

  it('leaves ordinary text alone: ASCII, accents, CJK, emoji, box drawing', () => {
    for (const s of ['conv_1/bn (x: [8, 8])', 'café', '卷积层', 'ok 👍', '─ … ±']) {
      expect(escapeText(s)).toBe(s);
      expect(hasUnsafeCharacters(s)).toBe(false);
    }
  });

  it('against a naive reference: exactly the unsafe code points are replaced, and idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const out = escapeText(s);
        const expected = codePoints(s)
          .map((cp) => {
            if (!unsafe(cp)) return String.fromCodePoint(cp);
            if (cp === 10) return '\\n';
            if (cp === 13) return '\\r';
            if (cp === 9) return '\\t';
            const units = cp > 0xffff ? String.fromCodePoint(cp) : String.fromCharCode(cp);
            return Array.from(
              { length: units.length },
              (_, i) => `\\u${units.charCodeAt(i).toString(16).padStart(4, '0')}`,
            ).join('');
          })
          .join('');
        expect(out).toBe(expected);
        expect(codePoints(out).some(unsafe)).toBe(false);
        expect(escapeText(out)).toBe(out);
        expect(hasUnsafeCharacters(s)).toBe(codePoints(s).some(unsafe));
      }),
      { numRuns: 200 },
    );
  });
});

describe('escapeLines', () => {
  it('keeps line feeds and tabs, escapes the rest', () => {
    expect(escapeLines('a\tb\nc\u202ed\re')).toBe('a\tb\nc\\u202ed\\re');
  });

  it('keeps netc colour sequences only when colour is on; other escape sequences never', () => {
    const red = '\x1b[31;1merror\x1b[0m';
    expect(escapeLines(red, true)).toBe(red);
    expect(escapeLines(red, false)).toBe('\\u001b[31;1merror\\u001b[0m');
    // Clear screen, cursor moves, OSC titles are not colours.
    expect(escapeLines('\x1b[2J\x1b]0;title\x07', true)).toBe('\\u001b[2J\\u001b]0;title\\u0007');
  });
});

describe('escapeJson', () => {
  it('keeps the JSON valid and its value equal, with no raw bidi or C1 character', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 5 }), (a) => {
        const json = escapeJson(JSON.stringify({ names: a }, null, 2));
        expect(JSON.parse(json)).toEqual({ names: a });
        expect(codePoints(json.replace(/[\n]/g, '')).some(unsafe)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('shortenName', () => {
  it('keeps names of up to 80 characters', () => {
    const name = 'n'.repeat(80);
    expect(shortenName(name)).toBe(name);
  });

  it('cuts a longer one to the first 50, an ellipsis, the last 20 and its length', () => {
    const name = `${'a'.repeat(50)}${'b'.repeat(30)}${'c'.repeat(20)}`;
    expect(shortenName(name)).toBe(`${'a'.repeat(50)}…${'c'.repeat(20)} (100 characters)`);
  });

  it('counts code points and never splits a surrogate pair', () => {
    const name = '😀'.repeat(81);
    expect(shortenName(name)).toBe(`${'😀'.repeat(50)}…${'😀'.repeat(20)} (81 characters)`);
    expect(shortenName('😀'.repeat(80))).toBe('😀'.repeat(80));
  });

  it('shortenNames caps every overlong word of a message, quotes kept, the rest unchanged', () => {
    const long = 'x'.repeat(1_000_000);
    const message = `variable '${long}' is assigned but never used`;
    const shown = shortenNames(message);
    expect(shown).toBe(
      `variable '${'x'.repeat(49)}…${'x'.repeat(19)}' (1000002 characters) is assigned but never used`,
    );
    expect(shortenNames('a short message')).toBe('a short message');
  });

  it('displayText shortens, then escapes', () => {
    const name = `${'\u202e'.repeat(100)}`;
    const shown = displayText(name);
    expect(shown).toBe(`${'\\u202e'.repeat(50)}…${'\\u202e'.repeat(20)} (100 characters)`);
  });
});
