// The measure stage's cost on this machine, remembered from the last `simq analyze` so the next
// study's estimate rests on a measured rate, not a constant: measure wall seconds per second of
// capture measured, per quick-mode interval and viewer sizes (the two settings that change it most).
// Best effort: a cache that cannot be read or written only means the constant is used.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../io/atomicWrite.js';
import { simqCacheDir } from '../paths.js';

/** Before any run on this machine: a 10 s 3-layer scenario at 3 viewer sizes measured in about 40 s. */
export const FALLBACK_SECONDS_PER_CAPTURE_SECOND = 4;

export interface MeasureRateKey {
  subsample: number;
  /** Viewer sizes, as given (e.g. "320x180,640x360,1280x720"). */
  viewports: string;
}

interface MeasureRateFile {
  rates: (MeasureRateKey & { secondsPerCaptureSecond: number; measuredAt: string })[];
}

function file(env: NodeJS.ProcessEnv): string {
  return path.join(simqCacheDir('estimates', env), 'measure-rate.json');
}

function read(env: NodeJS.ProcessEnv): MeasureRateFile {
  try {
    const f = file(env);
    if (!existsSync(f)) return { rates: [] };
    const parsed = JSON.parse(readFileSync(f, 'utf8')) as MeasureRateFile;
    return Array.isArray(parsed.rates) ? parsed : { rates: [] };
  } catch {
    return { rates: [] };
  }
}

const same = (a: MeasureRateKey, b: MeasureRateKey) => a.subsample === b.subsample && a.viewports === b.viewports;

/** Seconds of measuring per second of capture: the last measured rate for these settings, else the fallback. */
export function measureSecondsPerCaptureSecond(
  key: MeasureRateKey,
  env: NodeJS.ProcessEnv = process.env,
): { rate: number; measured: boolean } {
  const hit = read(env).rates.find((r) => same(r, key));
  return hit && hit.secondsPerCaptureSecond > 0
    ? { rate: hit.secondsPerCaptureSecond, measured: true }
    : { rate: FALLBACK_SECONDS_PER_CAPTURE_SECOND, measured: false };
}

/** Remembers a finished measure stage's rate (measure wall seconds / seconds of capture it measured). */
export function rememberMeasureRate(
  key: MeasureRateKey,
  measureS: number,
  capturedS: number,
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (!(measureS > 0) || !(capturedS > 0)) return;
  try {
    const current = read(env);
    const rates = current.rates.filter((r) => !same(r, key));
    rates.push({
      ...key,
      secondsPerCaptureSecond: Math.round((measureS / capturedS) * 100) / 100,
      measuredAt: new Date().toISOString(),
    });
    mkdirSync(path.dirname(file(env)), { recursive: true });
    writeJsonAtomic(file(env), { rates });
  } catch {
    // An estimate is not worth failing a run for.
  }
}
