// INT (Ctrl-C), TERM (kill, service managers) and HUP (terminal closed) all stop a stage the same
// way: the stage's AbortController is aborted with the signal's name as reason, the stage cleans up
// (temp files, browser, ffmpeg), marks its run incomplete and simq exits with 128 + the signal
// number (130, 143, 129) as a shell would report it.
import { InterruptedError, SIGNAL_EXIT_CODES, type StopSignal } from './errors.js';

export const STOP_SIGNALS = Object.keys(SIGNAL_EXIT_CODES) as StopSignal[];

/** Aborts controller on INT/TERM/HUP until the returned function is called. */
export function abortOnSignals(controller: AbortController): () => void {
  const handlers = STOP_SIGNALS.map((sig) => {
    const h = () => {
      if (!controller.signal.aborted) controller.abort(sig);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  return () => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
  };
}

/** The signal an aborted controller stopped for (SIGINT when it was aborted otherwise). */
export function stopSignal(signal: AbortSignal): StopSignal {
  const r = signal.reason as unknown;
  return typeof r === 'string' && (STOP_SIGNALS as string[]).includes(r) ? (r as StopSignal) : 'SIGINT';
}

export function interruptedBy(signal: AbortSignal, what: string): InterruptedError {
  const sig = stopSignal(signal);
  return new InterruptedError(`${what}: stopped by ${sig}`, sig);
}

export function isSignalExit(code: number): boolean {
  return (Object.values(SIGNAL_EXIT_CODES) as number[]).includes(code);
}
