// How the study options (--study, several clips, --shard, --resume) fold into the capture options.
import { InputError } from '../errors.js';
import { loadStudyFile } from '../study/studyFile.js';
import type { StudyClip } from '../study/StudyTypes.js';
import type { CaptureCliOptions } from './captureOptions.js';

/** The clips of the run: the command line's, or the study file's; the study's plan fills options the command line left unset. */
export function applyStudyFile(clips: readonly string[], opts: CaptureCliOptions): StudyClip[] {
  if (opts.study === undefined) return clips.map((p) => ({ path: p }));
  if (clips.length > 0) throw new InputError(`--study ${opts.study} lists the clips; the command line also gives ${clips.join(', ')}`, 'list the clips in the study file only, or drop --study');
  const study = loadStudyFile(opts.study);
  if (opts.scenario.length === 0 && study.scenarios) opts.scenario = study.scenarios;
  if (opts.sweep.length === 0 && study.sweeps) opts.sweep = study.sweeps;
  opts.codec ??= study.codecs?.join(',');
  opts.bandwidth ??= study.bandwidths?.join(',');
  if (opts.duration === undefined && study.duration !== undefined) opts.duration = String(study.duration);
  opts.uplink ??= study.uplink;
  if (study.browsers) {
    opts.browser ??= study.browsers.map((b) => b.name).join(',');
    opts.chrome ??= study.browsers.find((b) => b.name === 'chromium')?.path;
    opts.firefox ??= study.browsers.find((b) => b.name === 'firefox')?.path;
  }
  return study.clips;
}

/** True when the command line (or a study file) says what to run, so a --resume must check it against the run's plan. */
export function givesPlan(clips: readonly string[], opts: CaptureCliOptions): boolean {
  return clips.length > 0 || opts.study !== undefined || opts.scenario.length > 0 || opts.sweep.length > 0 || opts.codec !== undefined || opts.bandwidth !== undefined || opts.duration !== undefined;
}

export function checkStudyOptions(opts: CaptureCliOptions): void {
  if (opts.resume !== undefined && (opts.runId !== undefined || opts.force || opts.shard !== undefined)) {
    throw new InputError('--resume continues the run it names: --run-id, --force and --shard do not apply', `simq analyze --resume ${opts.resume}`);
  }
  if (opts.shardBase !== undefined && opts.shard === undefined) throw new InputError('--shard-base without --shard', 'e.g. --shard 0/4 --shard-base 0');
}
