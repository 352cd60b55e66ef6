import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FALLBACK_SECONDS_PER_CAPTURE_SECOND,
  measureSecondsPerCaptureSecond,
  rememberMeasureRate,
} from '../src/study/measureRate.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-rate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { SIMQ_CACHE_DIR: dir };
const q3 = { subsample: 3, viewports: '320x180,640x360,1280x720' };

describe('the measure estimate rests on the rate the last run on this machine measured', () => {
  it('without a measured run: the fallback, marked as not measured', () => {
    expect(measureSecondsPerCaptureSecond(q3, env)).toEqual({
      rate: FALLBACK_SECONDS_PER_CAPTURE_SECOND,
      measured: false,
    });
  });
  it('after a run: its measure seconds per second of capture, for the same settings only', () => {
    // 3 scenarios of 6 s measured in 45 s: 2.5 s per second of capture.
    rememberMeasureRate(q3, 45, 18, env);
    expect(measureSecondsPerCaptureSecond(q3, env)).toEqual({ rate: 2.5, measured: true });
    expect(measureSecondsPerCaptureSecond({ ...q3, subsample: 1 }, env).measured).toBe(false);
    // A later run with the same settings replaces it.
    rememberMeasureRate(q3, 30, 20, env);
    expect(measureSecondsPerCaptureSecond(q3, env).rate).toBe(1.5);
  });
  it('a damaged cache file means the fallback, never an error', () => {
    mkdirSync(path.join(dir, 'estimates'), { recursive: true });
    writeFileSync(path.join(dir, 'estimates', 'measure-rate.json'), '{not json');
    expect(measureSecondsPerCaptureSecond(q3, env).measured).toBe(false);
    rememberMeasureRate(q3, 10, 0, env);
    expect(measureSecondsPerCaptureSecond(q3, env).measured).toBe(false);
  });
});
