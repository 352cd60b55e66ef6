// What must hold for a run to be continued (--resume) or for shard runs to be merged: the same clips
// (by content hash), the same expanded plan, the same browser, ffmpeg and libvmaf.
import type { EnvironmentRecord, RunRecord } from '../rundir/RunTypes.js';

export interface Difference {
  /** run.json field, e.g. "environment.browser.version". */
  field: string;
  values: string[];
}

export function toolVersions(env: EnvironmentRecord): Record<string, string> {
  return {
    'environment.browser.version': env.browser.version,
    // A run with both browsers: each one's version (a Firefox update alone changes its numbers too).
    ...Object.fromEntries((env.browsers ?? []).map((b) => [`environment.browsers.${b.name}.version`, b.version])),
    ...ffmpegVersions(env.ffmpeg),
  };
}

/** The measuring tools' part of toolVersions: all a resume with nothing left to capture depends on. */
export function ffmpegVersions(ffmpeg: EnvironmentRecord['ffmpeg']): Record<string, string> {
  return {
    'environment.ffmpeg.version': ffmpeg.version,
    'environment.ffmpeg.libvmaf': ffmpeg.libvmaf ?? 'none',
  };
}

/** Clip hashes in order: "id sha256" per clip. */
export function clipHashes(run: RunRecord): string {
  return run.clips.map((c) => `${c.id} ${c.sourceSha256}`).join(', ');
}

/** The fields whose values differ between the records (several values each), in a fixed order. */
export function differences(records: readonly Record<string, string>[]): Difference[] {
  const out: Difference[] = [];
  for (const field of Object.keys(records[0] ?? {})) {
    const values = [...new Set(records.map((r) => r[field]))];
    if (values.length > 1) out.push({ field, values });
  }
  return out;
}

export function describeDifferences(diffs: readonly Difference[]): string {
  return diffs.map((d) => `${d.field} differs (${d.values.map((v) => JSON.stringify(v)).join(' vs ')})`).join('; ');
}

/** The facts a run's scenarios depend on, keyed by run.json field. */
export function runIdentity(run: RunRecord): Record<string, string> {
  return {
    'clips (sha256)': clipHashes(run),
    'plan.hash': run.plan?.hash ?? '(none)',
    ...toolVersions(run.environment),
  };
}
