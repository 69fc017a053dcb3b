import { describe, expect, it } from '@jest/globals';
// @ts-expect-error: a build script, plain JavaScript without declarations
import { asciiSource } from '../../scripts/ascii-source.mjs';

const rewrite = asciiSource as (text: string, name?: string) => string;
/** What a function body returns, run as written. */
const run = (body: string): unknown => new Function(body)();
const ascii = (text: string) => /^[\x00-\x7f]*$/.test(text);

describe('asciiSource: a bundle in ASCII, meaning unchanged', () => {
  it('escapes strings, templates (cooked), identifiers and identity escapes to the same values', () => {
    const body = [
      "const café = 'é\\u00e9' + \"\\é\" + 'x\\\\é';",
      'const n = 3;',
      'const t = `l’ «${n}» — ${café}\\ü 😀`;',
      "return { café, t, s: '北京', astral: '😀'.length };",
    ].join('\n');
    const out = rewrite(body);
    expect(ascii(out)).toBe(true);
    expect(out.split('\n')).toHaveLength(body.split('\n').length);
    expect(run(out)).toEqual(run(body));
    expect(run(out)).toMatchObject({ café: 'ééé' + 'x\\é', s: '北京', astral: 2 });
  });

  it('escapes regular expressions so that they match the same strings, with and without the unicode flag', () => {
    const body = "return [/^[А-ЯЁ]+$/i, /\\é/, /^😀$/, /^[😀]$/u, /^.$/u, /ö+/g];";
    const out = rewrite(body);
    expect(ascii(out)).toBe(true);
    const [before, after] = [run(body) as RegExp[], run(out) as RegExp[]];
    const samples = ['ЁЖ', 'ёж', 'é', 'e', '😀', '\ud83d', 'öö', 'o', 'Z'];
    for (let k = 0; k < before.length; k++) {
      for (const s of samples) {
        before[k]!.lastIndex = after[k]!.lastIndex = 0;
        expect([k, s, after[k]!.test(s)]).toEqual([k, s, before[k]!.test(s)]);
      }
    }
  });

  it('blanks comments and turns odd spaces into spaces, one character for each UTF-16 unit, columns kept', () => {
    const body = "// 北京 — 😀\n/* → µ */ const\u00a0x = 1; return x;";
    const out = rewrite(body);
    expect(out).toBe('// ?? ? ??\n/* ? ? */ const x = 1; return x;');
    expect(out.length).toBe(body.length);
    expect(run(out)).toBe(1);
  });

  it('rewrites a template under the dashboard\'s html tag (it reads the cooked strings), and stops at any other tag', () => {
    const html = (strings: TemplateStringsArray, ...parts: unknown[]) => strings.reduce((acc, s, i) => acc + s + (i < parts.length ? String(parts[i]) : ''), '');
    const body = 'return html`<p>Là où ${1} — fin</p>`;';
    const out = rewrite(body);
    expect(ascii(out)).toBe(true);
    expect(new Function('html', out)(html)).toBe('<p>Là où 1 — fin</p>');
    expect(() => rewrite('return String.raw`é`;')).toThrow(/tagged String\.raw/);
    expect(() => rewrite('return tag`a ${1} é`;')).toThrow(/tagged tag/);
  });

  it('leaves ASCII text as it is, and refuses what it cannot rewrite without moving lines or what it cannot parse', () => {
    const body = 'const a = "x"; // plain\nreturn a;';
    expect(rewrite(body)).toBe(body);
    expect(() => rewrite('const a = 1;\u2028return a;')).toThrow(/line separator/);
    expect(() => rewrite('const é = ;')).toThrow(/not parsed/);
  });
});
