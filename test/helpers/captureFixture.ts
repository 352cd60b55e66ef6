// The recorded capture (test/fixtures/capture-run, made by test/fixtures/record-capture-run.mjs): a
// real Chromium run of two VP8 scenarios whose bitstreams, frames and stats are committed, so the CLI
// tier measures, aligns, recommends and reports without a browser. The clip and its prepared Y4M (the
// measure's reference) are not committed: they are regenerated here, once per test session, with the
// bundled ffmpeg 4.1 by the recorded commands, and must have the recorded sha256 (else the fixture
// no longer pairs with its reference: re-record it, `npm run fixture:record`).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, FFMPEG, ROOT, SESSION_DIR, testEnv } from './simq.js';

export const CAPTURE_FIXTURE = path.join(ROOT, 'test', 'fixtures', 'capture-run');

interface FixtureInfo {
  /** The scenario definitions the capture ran (a scenario file's contents). */
  scenarios: unknown[];
  sampleArgs: string[];
  sampleSha256: string;
  y4mSha256: string;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

export function fixtureInfo(): FixtureInfo {
  return JSON.parse(readFileSync(path.join(CAPTURE_FIXTURE, 'fixture.json'), 'utf8')) as FixtureInfo;
}

/** The fixture's clip and reference Y4M, regenerated and checked by sha256 (shared by the files of a session). */
export function fixtureReference(): { clip: string; y4m: string } {
  const info = fixtureInfo();
  const dir = path.join(SESSION_DIR, `capture-fixture-${info.y4mSha256.slice(0, 16)}`);
  const clip = path.join(dir, 'camera.mp4');
  const y4m = path.join(dir, 'reference.y4m');
  if (existsSync(clip) && existsSync(y4m)) return { clip, y4m };
  mkdirSync(dir, { recursive: true });
  // Made in a folder of its own, then renamed into place: CLI test files run in parallel.
  const work = mkdtempSync(path.join(dir, 'make-'));
  try {
    const args = info.sampleArgs.map((a) => (a === '@FFMPEG@' ? FFMPEG : a));
    execFileSync(process.execPath, [BIN, ...args, '--out', work], {
      env: testEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const madeClip = path.join(work, 'camera.mp4');
    const clipSum = sha256(madeClip);
    if (clipSum !== info.sampleSha256) {
      throw new Error(
        `the regenerated fixture clip has sha256 ${clipSum}, the recording ${info.sampleSha256}: samples changed; re-record with npm run fixture:record`,
      );
    }
    const run = JSON.parse(readFileSync(path.join(CAPTURE_FIXTURE, 'run.json'), 'utf8')) as {
      input: { preparedWith: string[] };
    };
    const madeY4m = path.join(work, 'reference.y4m');
    const prepare = run.input.preparedWith.map((a) => (a === '@CLIP@' ? madeClip : a === '@Y4M@' ? madeY4m : a));
    execFileSync(FFMPEG, prepare, { stdio: ['ignore', 'ignore', 'pipe'] });
    const y4mSum = sha256(madeY4m);
    if (y4mSum !== info.y4mSha256) {
      throw new Error(
        `the regenerated fixture reference has sha256 ${y4mSum}, the recording ${info.y4mSha256}: clip preparation changed; re-record with npm run fixture:record`,
      );
    }
    renameSync(madeClip, clip);
    renameSync(madeY4m, y4m);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { clip, y4m };
}

/** A copy of the recorded run at `dest`, its run.json pointing at the regenerated clip and reference. */
export function copyCaptureFixture(dest: string): string {
  const { clip, y4m } = fixtureReference();
  cpSync(CAPTURE_FIXTURE, dest, { recursive: true });
  rmSync(path.join(dest, 'fixture.json'));
  const file = path.join(dest, 'run.json');
  const text = readFileSync(file, 'utf8');
  const swap = (v: unknown) =>
    typeof v === 'string'
      ? v
          .split('@Y4M@')
          .join(y4m)
          .split('@CLIP@')
          .join(clip)
          .split('@FFMPEG@')
          .join(FFMPEG)
          .split('@TMP@')
          .join(path.dirname(dest))
      : v;
  writeFileSync(
    file,
    JSON.stringify(
      JSON.parse(text, (_k, v: unknown) => swap(v)),
      null,
      2,
    ) + '\n',
  );
  return dest;
}
