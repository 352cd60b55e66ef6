// Shared by the end-to-end tests: run the built CLI (dist/, built by globalSetup) with argument
// arrays, and a short camera sample generated once per test session into a shared temp folder.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'simq');
export const FFMPEG = path.join(ROOT, 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg');

/** Model files for libvmaf 1.x on machines without internet: SIMQ_VMAF_MODEL_DIR, else a vmaf-models folder beside the checkout. */
export const VMAF_MODEL_DIR = process.env.SIMQ_VMAF_MODEL_DIR ?? path.resolve(ROOT, '..', 'shared', 'vmaf-models');

/** One folder per test session for samples and the clip cache, so files reuse prepared clips. */
export const SESSION_DIR = path.join(os.tmpdir(), `simq-tests-${process.getuid?.() ?? 'u'}`);

export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SIMQ_CACHE_DIR: path.join(SESSION_DIR, 'cache'),
    SIMQ_VMAF_MODEL_DIR: VMAF_MODEL_DIR,
    ...extra,
  };
}

export interface SimqResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SimqOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Called with the child once started (to signal it, or to watch files while it runs). */
  onStart?: (pid: number) => void;
}

export function simq(args: string[], options: SimqOptions = {}): Promise<SimqResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: options.env ?? testEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('spawn', () => options.onStart?.(child.pid!));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** The 4-second camera sample (generated on first use by `simq samples`). */
export async function cameraSample(seconds = 4): Promise<string> {
  const dir = path.join(SESSION_DIR, `samples-${seconds}s`);
  const file = path.join(dir, 'camera.mp4');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const r = await simq(['samples', '--out', dir, '--only', 'camera', '--duration', String(seconds), '--quiet']);
  if (r.code !== 0) throw new Error(`simq samples failed: ${r.stderr}`);
  return file;
}

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Rows of a CSV without quoted fields (simq's own CSVs hold numbers and plain words), as objects. */
export function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}
