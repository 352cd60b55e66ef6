// Runs an ffmpeg that writes raw frames to stdout and hands each frame over as it is decoded, so a
// clip never exists as a whole raw file. Frames arrive in the order the tool writes them (decode order
// with -vsync passthrough): pairing is done by position, never by timestamps.
import { spawn } from 'node:child_process';
import { EnvironmentError, InputError } from '../../errors.js';
import { tail } from '../../tools/process.js';
import { rawFrames } from '../../tools/rawFrames.js';

export interface RawFramePipeOptions {
  timeoutMs?: number;
  /** Names the input in error messages. */
  describe: string;
  /** The command that shows the problem or fixes it, for error messages. */
  fix?: string;
}

/**
 * Runs `command args`, calls onFrame with each complete frame of `frameBytes` bytes (valid only during the call: the
 * buffers are reused) and resolves
 * with the number of frames. Rejects when the tool cannot start, fails, or leaves a partial frame.
 */
export async function pipeRawFrames(
  command: string,
  args: readonly string[],
  frameBytes: number,
  onFrame: (frame: Buffer, index: number) => void,
  options: RawFramePipeOptions,
): Promise<number> {
  const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 64_000) stderr += c.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', (e) =>
      reject(new EnvironmentError(`cannot run ${command} for ${options.describe}: ${e.message}`, 'simq doctor')),
    );
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  // Awaited below; this keeps a spawn failure from counting as an unhandled rejection meanwhile.
  exited.catch(() => undefined);
  let timedOut = false;
  const timer = options.timeoutMs
    ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), options.timeoutMs)
    : undefined;
  let frames = 0;
  let partial: Error | undefined;
  try {
    for await (const frame of rawFrames(child.stdout, frameBytes, { reuse: true })) onFrame(frame, frames++);
  } catch (e) {
    if (!(e instanceof Error && /inside a frame/.test(e.message))) {
      child.kill('SIGKILL');
      await exited.catch(() => undefined);
      if (timer) clearTimeout(timer);
      throw e;
    }
    partial = e;
  }
  const { code, signal } = await exited.finally(() => timer && clearTimeout(timer));
  if (timedOut) throw new InputError(`${options.describe}: ffmpeg did not finish within ${options.timeoutMs} ms`);
  if (code !== 0)
    throw new InputError(
      `${options.describe} does not decode (ffmpeg exit ${code ?? signal}): ${tail(stderr)}`,
      options.fix,
    );
  if (partial) throw new InputError(`${options.describe}: ffmpeg output ${partial.message}`, options.fix);
  return frames;
}
