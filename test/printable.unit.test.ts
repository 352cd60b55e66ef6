// User text shown to a person: control and bidi characters escaped (expected strings written out by
// hand from the code points), line breaks kept where a line may have them.
import { describe, expect, it } from 'vitest';
import { commentText, jsComment } from '../src/recommend/exports/exportContext.js';
import { esc } from '../src/report/html.js';
import { printable, printableLine } from '../src/ui/printable.js';

const RLO = '\u202E';
const ESC = '\u001B';

describe('printable', () => {
  it('escapes ESC sequences and bidi overrides, keeps ordinary text, tabs and line feeds', () => {
    expect(printable(`clip${RLO}4pm.exe`)).toBe('clip\\u{202E}4pm.exe');
    expect(printable(`${ESC}[2J${ESC}]0;pwned\u0007x`)).toBe('\\u{1B}[2J\\u{1B}]0;pwned\\u{7}x');
    expect(printable('Straße — 会议\tclip\n')).toBe('Straße — 会议\tclip\n');
    expect(printable('a\u2066b\u2069c\u200Fd\uFEFF')).toBe('a\\u{2066}b\\u{2069}c\\u{200F}d\\u{FEFF}');
    expect(printable('\u0085\u009B')).toBe('\\u{85}\\u{9B}');
    expect(printableLine('a\nb\u2028c')).toBe('a\\u{A}b\\u{2028}c');
  });

  it('in JS export comments and the report text', () => {
    expect(commentText(`clip ${RLO}gnp.js`)).toBe('clip \\u{202E}gnp.js');
    expect(jsComment([`run x, clip ${ESC}[31mred.mp4`])).toBe('// run x, clip \\u{1B}[31mred.mp4\n');
    expect(esc(`<b>${RLO}</b>`)).toBe('&lt;b&gt;\\u{202E}&lt;/b&gt;');
  });
});
