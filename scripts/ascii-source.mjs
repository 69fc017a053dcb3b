// Rewrites a bundle's text in ASCII, meaning unchanged. V8 keeps a script's whole source in memory,
// in one byte a character when every character fits, else in two: the API's bundle (6.2 MB) was held
// as 11.9 MB because a few hundred characters of it are not Latin-1 (validator's alphabets, French
// typography in the dashboard's templates, dashes in comments). esbuild escapes non-ASCII characters
// in string literals itself, but not in regular expressions, templates or comments.
//
// Each character past ASCII is rewritten where it stands:
// - in a string, template, regular expression or identifier: as an escape of the same character
//   (`\uXXXX`, or `\u{…}` where the syntax takes it), replacing the backslash of an identity escape
//   (`\é`) rather than escaping it. A template's cooked text is unchanged, its raw text is not: a
//   tagged template is rewritten only under a tag known to read the cooked text (the dashboard's
//   `html`), any other stops the build;
// - anywhere else, that is in a comment or in whitespace between tokens: as a space for a space
//   character, `?` otherwise, one for each UTF-16 unit, so that columns stay where they were.
// No line is added or removed: the source map's lines stay right (columns shift after an escape,
// on the lines that have one).
import ts from 'typescript';

const LITERALS = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.RegularExpressionLiteral,
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.PrivateIdentifier,
]);

const hex4 = (unit) => `\\u${unit.toString(16).padStart(4, '0')}`;

/** Where each literal token of the text starts and ends, in order, with its node. */
function literalRanges(text, name) {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  if ((file.parseDiagnostics ?? []).length > 0) {
    const d = file.parseDiagnostics[0];
    throw new Error(`${name}: not parsed (${ts.flattenDiagnosticMessageText(d.messageText, ' ')} at ${d.start}): its text is left as it is`);
  }
  const ranges = [];
  const visit = (node) => {
    if (LITERALS.has(node.kind)) ranges.push({ start: node.getStart(file), end: node.end, node });
    ts.forEachChild(node, visit);
  };
  visit(file);
  return ranges.sort((a, b) => a.start - b.start);
}

/** The escape of the code point `point` at `text[i]` (`units` UTF-16 units) inside a literal token. */
function escapeIn(range, text, i, point, units, name) {
  const kind = range.node.kind;
  if (kind === ts.SyntaxKind.RegularExpressionLiteral) {
    const flags = range.node.text.slice(range.node.text.lastIndexOf('/') + 1);
    const unicode = flags.includes('u') || flags.includes('v');
    if (units === 1) return hex4(point);
    // Outside unicode mode an astral character is its two surrogates, and so are their escapes.
    return unicode ? `\\u{${point.toString(16)}}` : hex4(text.charCodeAt(i)) + hex4(text.charCodeAt(i + 1));
  }
  if (kind !== ts.SyntaxKind.StringLiteral && kind !== ts.SyntaxKind.Identifier && kind !== ts.SyntaxKind.PrivateIdentifier) {
    const tag = tagOf(range.node);
    if (tag !== null && !COOKED_TAGS.has(tag)) throw new Error(`${name}: a template tagged ${tag} holds a character past ASCII at ${i}; an escape would change its raw text`);
  }
  return units === 1 ? hex4(point) : `\\u{${point.toString(16)}}`;
}

/** Tags that read only the cooked strings of their template. */
const COOKED_TAGS = new Set(['html']);

/** The source text of the tag of the template a template part belongs to, or null when untagged. */
function tagOf(part) {
  let node = part.parent;
  if (node && node.kind === ts.SyntaxKind.TemplateSpan) node = node.parent;
  if (node && node.kind === ts.SyntaxKind.TemplateExpression) node = node.parent;
  return node && node.kind === ts.SyntaxKind.TaggedTemplateExpression ? node.tag.getText() : null;
}

const SPACE = /\s/u;
const LINE_BREAKS = new Set([0x2028, 0x2029]);

/** The text with every character past ASCII rewritten as above. */
export function asciiSource(text, name = 'source.js') {
  if (!/[^\x00-\x7f]/.test(text)) return text;
  const ranges = literalRanges(text, name);
  let out = '';
  let copied = 0;
  let r = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    while (r < ranges.length && ranges[r].end <= i) r++;
    const range = r < ranges.length && ranges[r].start <= i ? ranges[r] : null;
    const point = text.codePointAt(i);
    const units = point > 0xffff ? 2 : 1;
    if (range) {
      // An identity escape (`\é`, an odd run of backslashes before it) gives way to the escape.
      let slashes = 0;
      while (text.charCodeAt(i - 1 - slashes) === 0x5c) slashes++;
      out += text.slice(copied, i - (slashes % 2)) + escapeIn(range, text, i, point, units, name);
    } else {
      if (LINE_BREAKS.has(point)) throw new Error(`${name}: a line separator (U+${point.toString(16)}) outside any literal, at ${i}: the lines would move`);
      out += text.slice(copied, i) + (SPACE.test(String.fromCodePoint(point)) ? ' ' : '?').repeat(units);
    }
    copied = i + units;
    i += units - 1;
  }
  return out + text.slice(copied);
}
