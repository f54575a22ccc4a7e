// typst.mjs: the Typst peer of `make bench`. Turns a plain-text book into
// Typst markup the way a user would, and compiles it to a PDF with the native
// Typst compiler of the npm package @myriaddreamin/typst-ts-node-compiler
// (`make bench-deps` installs it into tests/bench/node_modules).
//
//   node tests/bench/typst.mjs BOOK.txt OUT.pdf [OUT.typ]   (OUT.typ: the markup)
//   node tests/bench/typst.mjs --version
//
// The page is quire's default: A5, margins inner 20 mm, outer 16 mm, top
// 18 mm, bottom 22 mm; EB Garamond 12 at 11 pt on a 14 pt baseline-to-baseline
// distance; justified and hyphenated; paragraphs indented 1 em with no space
// between them (Typst indents every paragraph that follows another one).
//
// The conversion, and nothing more:
// - UTF-8, a BOM dropped, CRLF and CR read as LF;
// - paragraphs are separated by blank lines, and a paragraph's lines are
//   joined with a space (with none between two CJK characters);
// - a block of several deliberately short lines (every line under 60 % of the
//   text's wrap width, the 80th percentile of its line lengths: verse, an
//   address, a contents list) keeps its line breaks (Typst's `\`), as quire's
//   reader does, and a block whose lines all start with U+3000 (Japanese) is
//   a paragraph per line;
// - `_words_` become emphasis; every other character that Typst's markup
//   reads as syntax is escaped, so the text prints as written. Typst's own
//   typography stays on, as for any user: smart quotes, `--` and `---`
//   dashes, `...` as an ellipsis;
// - no headings, no contents, no running heads or folios: chapter titles are
//   paragraphs like the others, and the whole file is set, the Project
//   Gutenberg header and licence included (quire sets them too, as back
//   matter);
// - the language is English, or Japanese when the text has kana.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const fonts = join(here, '..', '..', 'fonts');

const [input, output, typOut] = process.argv.slice(2);
if (!input || (!output && input !== '--version')) {
  process.stderr.write('usage: node typst.mjs BOOK.txt OUT.pdf [OUT.typ] | --version\n');
  process.exit(64);
}

let NodeCompiler;
try {
  const require = createRequire(join(here, 'package.json'));
  ({ NodeCompiler } = require('@myriaddreamin/typst-ts-node-compiler'));
} catch {
  process.stderr.write('typst.mjs: @myriaddreamin/typst-ts-node-compiler is missing (make bench-deps)\n');
  process.exit(69);
}

const cjk = /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/u;
const kana = /[\u3040-\u30FF]/u;

// Escapes the characters Typst's markup reads as syntax, anywhere in a line.
function escapeInline(s) {
  return s
    .replace(/[\\#$*_`<>@\[\]~/]/g, (c) => '\\' + c)
    .replace(/-\?/g, '\\-?'); // `-?` is a soft hyphen
}

// Escapes what Typst reads as syntax at the start of a line: headings (=),
// lists (-, +, 1.), term lists (/, escaped everywhere).
function escapeStart(s) {
  return s.replace(/^(\s*)(=|-(?=\s|$)|\+(?=\s|$)|\d+\.(?=\s|$))/, (m, sp, c) => {
    if (/^\d/.test(c)) return sp + c.slice(0, -1) + '\\.';
    return sp + '\\' + c;
  });
}

// A paragraph's text as markup: `_emphasis_` kept, the rest escaped.
function markup(text) {
  const parts = [];
  const re = /(^|[^\p{L}\p{N}_])_([^_\n]*[^_\s])_(?![\p{L}\p{N}_])/gu;
  let at = 0;
  let m;
  while ((m = re.exec(text)) !== null) {
    const open = m.index + m[1].length;
    parts.push(escapeInline(text.slice(at, open)));
    parts.push('#emph[' + escapeInline(m[2]) + '];');
    at = open + m[2].length + 2;
    re.lastIndex = at;
  }
  parts.push(escapeInline(text.slice(at)));
  return parts.join('');
}

function convert(src) {
  const text = src.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = text.split('\n').map((l) => l.replace(/\s+$/u, ''));
  const lengths = lines.filter((l) => l.trim() !== '').map((l) => [...l].length).sort((a, b) => a - b);
  const wrap = lengths.length ? lengths[Math.min(lengths.length - 1, Math.floor(lengths.length * 0.8))] : 0;

  const blocks = [];
  let cur = [];
  for (const l of lines) {
    if (l.trim() === '') {
      if (cur.length) blocks.push(cur);
      cur = [];
    } else cur.push(l);
  }
  if (cur.length) blocks.push(cur);

  const out = [];
  for (const b of blocks) {
    if (b.every((l) => l.startsWith('\u3000'))) {
      for (const l of b) out.push(escapeStart(markup(l.trim())));
      continue;
    }
    const keep = b.length > 1 && wrap >= 50 && b.every((l) => [...l].length * 10 < wrap * 6);
    if (keep) {
      out.push(b.map((l) => escapeStart(markup(l.trim()))).join(' \\\n'));
      continue;
    }
    let joined = '';
    for (const l of b) {
      const t = l.trim();
      if (joined === '') joined = t;
      else if (cjk.test(joined.slice(-1)) && cjk.test(t[0])) joined += t;
      else joined += ' ' + t;
    }
    out.push(escapeStart(markup(joined)));
  }
  const lang = kana.test(text) ? 'ja' : 'en';
  const preamble = [
    '#set page(width: 148mm, height: 210mm,',
    '  margin: (inside: 20mm, outside: 16mm, top: 18mm, bottom: 22mm))',
    // A line box from 1 em above the baseline to the baseline, 3 pt apart:
    // 14 pt from baseline to baseline, between paragraphs too.
    `#set text(font: "EB Garamond 12", size: 11pt, lang: "${lang}", hyphenate: true,`,
    '  top-edge: 1em, bottom-edge: "baseline")',
    '#set par(justify: true, leading: 3pt, spacing: 3pt, first-line-indent: 1em)',
    '',
  ].join('\n');
  return preamble + out.join('\n\n') + '\n';
}

const compiler = NodeCompiler.create({ workspace: here, fontArgs: [{ fontPaths: [fonts] }] });

if (input === '--version') {
  // The compiler's Typst version, and the npm package's.
  const doc = compiler.compile({ mainFileContent: '#metadata(str(sys.version)) <v>' }).result;
  const v = doc ? compiler.query(doc, { selector: '<v>', field: 'value' })[0] : '?';
  const require = createRequire(join(here, 'package.json'));
  const pkg = require('@myriaddreamin/typst-ts-node-compiler/package.json').version;
  process.stdout.write(`Typst ${v} (@myriaddreamin/typst-ts-node-compiler ${pkg})\n`);
  process.exit(0);
}

const source = convert(readFileSync(input, 'utf8'));
if (typOut) writeFileSync(typOut, source);

const result = compiler.compile({ mainFileContent: source });
const doc = result.result;
if (!doc || result.hasError()) {
  result.printErrors();
  process.exit(65);
}
writeFileSync(output, compiler.pdf(doc));
