// Commands simq prints for the user to paste (fix lines) quote every argument for a POSIX shell:
// a file name holding a space, "$(...)", a backquote or a quote must stay one literal argument.
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument in POSIX single quotes ('it'\''s'), left bare when it holds only safe characters. */
export function shellQuote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A whole command line, each argument quoted. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
