// User text (clip file names, scenario names, run ids) shown to a person: a terminal, a comment in
// an exported module, a report. Control characters would act there instead of showing: ESC starts
// terminal escape sequences (colour, cursor moves, a rewritten title), and the Unicode bidi controls
// (U+202A-U+202E, U+2066-U+2069) reorder the text around them ("Trojan Source", CVE-2021-42574), so
// "clip<RLO>4pm.exe" reads as "clipexe.mp4". Each is shown as its \u{...} escape instead.

/** C0 controls except tab and line feed, DEL, C1 controls, and the invisible format and bidi controls. */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`);
}

/** printable() for one line: line breaks escaped too. */
export function printableLine(text: string): string {
  return printable(text).replace(/[\n\u2028\u2029]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`);
}
