// Errors simq reports to the user. Each carries the exit code the CLI ends with; the message must
// name the file, field or value at fault and what would work instead.

export const ExitCode = {
  ok: 0,
  /** A bug or an unexpected failure of a tool simq drives. */
  internal: 1,
  /** Bad input: option, clip, scenario file, run directory contents. */
  badInput: 2,
  /** The machine lacks something: Chromium, ffmpeg, libvmaf, a codec, a Docker engine. */
  environment: 3,
  /** The run finished but a layer was CPU-limited or below its configured resolution / frame rate. */
  degraded: 4,
  /** Some scenarios did not finish (browser crash, failure); finished ones are kept. */
  incomplete: 5,
  /** The output exists (and --force was not given) or cannot be written. */
  output: 6,
  /** Ctrl-C (SIGINT), 128 + 2 as shells report it. */
  interrupted: 130,
  /** SIGTERM (kill, a service manager), 128 + 15. */
  terminated: 143,
  /** SIGHUP (the terminal closed), 128 + 1. */
  hangup: 129,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class SimqError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.internal,
    /** The exact command or step that fixes it, printed on its own line. */
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'SimqError';
  }
}

export class InputError extends SimqError {
  constructor(message: string, fix?: string) {
    super(message, ExitCode.badInput, fix);
    this.name = 'InputError';
  }
}

export class EnvironmentError extends SimqError {
  constructor(message: string, fix?: string) {
    super(message, ExitCode.environment, fix);
    this.name = 'EnvironmentError';
  }
}

export class OutputError extends SimqError {
  constructor(message: string, fix?: string) {
    super(message, ExitCode.output, fix);
    this.name = 'OutputError';
  }
}

export const SIGNAL_EXIT_CODES = {
  SIGINT: ExitCode.interrupted,
  SIGTERM: ExitCode.terminated,
  SIGHUP: ExitCode.hangup,
} as const;
export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

export class InterruptedError extends SimqError {
  constructor(message = 'interrupted', signal: StopSignal = 'SIGINT') {
    super(message, SIGNAL_EXIT_CODES[signal]);
    this.name = 'InterruptedError';
  }
}

/** What the user reads for a failed write: the errno code and, for a full disk, what it means. */
export function describeWriteError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return `${code}: the disk is full`;
  return code ?? (e as Error)?.message ?? String(e);
}

/** Errno codes that mean the output cannot be written: never a stack trace, always exit 6. */
const OUTPUT_ERRNO = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EFBIG', 'EIO']);

export function outputErrorFromErrno(e: unknown): OutputError | undefined {
  const err = e as NodeJS.ErrnoException;
  if (!err || typeof err.code !== 'string' || !OUTPUT_ERRNO.has(err.code)) return undefined;
  const where = err.path ? ` ${err.path}` : '';
  return new OutputError(
    `cannot write${where} (${describeWriteError(err)}${err.syscall ? `, ${err.syscall}` : ''})`,
    'free some space or choose another folder (--out), then run the command again',
  );
}
