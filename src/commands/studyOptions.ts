// How the study options (--study, several clips, --shard, --resume) fold into the capture options.
import { InputError } from '../errors.js';
import { loadStudyFile } from '../study/studyFile.js';
import type { StudyClip } from '../study/StudyTypes.js';
import { resolveScenarioSpec } from '../scenario/loadScenarios.js';
import { parseSweepOption } from '../scenario/sweepOption.js';
import { parseBandwidths, parseCodecs, type CaptureCliOptions } from './captureOptions.js';

/**
 * Checks one value taken from the study file with the command line's own parser, and words a
 * mistake as the file's: the user typed `"codecs": ["h265"]` in a file, not `--codec h265`.
 */
function checkStudyValue(file: string, key: string, flag: string, check: () => unknown): void {
  try {
    check();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const said = e.message.replace(new RegExp(`^${flag}\\b\\s*`), '');
    throw new InputError(
      `${file}: "${key}": ${said}`,
      e.fix === undefined
        ? `correct "${key}" in ${file}`
        : `in ${file}, "${key}": ${e.fix.replace(new RegExp(`${flag}\\s*`, 'g'), '')}`,
    );
  }
}

/** The clips of the run: the command line's, or the study file's; the study's plan fills options the command line left unset. */
export function applyStudyFile(clips: readonly string[], opts: CaptureCliOptions): StudyClip[] {
  if (opts.study === undefined) return clips.map((p) => ({ path: p }));
  if (clips.length > 0)
    throw new InputError(
      `--study ${opts.study} lists the clips; the command line also gives ${clips.join(', ')}`,
      'list the clips in the study file only, or drop --study',
    );
  const study = loadStudyFile(opts.study);
  const file = study.file;
  if (opts.scenario.length === 0 && study.scenarios) {
    for (const sc of study.scenarios) checkStudyValue(file, 'scenarios', '--scenario', () => resolveScenarioSpec(sc));
    opts.scenario = study.scenarios;
  }
  if (opts.sweep.length === 0 && study.sweeps) {
    checkStudyValue(file, 'sweeps', '--sweep', () => parseSweepOption(study.sweeps!));
    opts.sweep = study.sweeps;
  }
  if (opts.codec === undefined && study.codecs)
    checkStudyValue(file, 'codecs', '--codec', () => parseCodecs(study.codecs!.join(',')));
  if (opts.bandwidth === undefined && study.bandwidths)
    checkStudyValue(file, 'bandwidths', '--bandwidth', () => parseBandwidths(study.bandwidths!.join(',')));
  opts.codec ??= study.codecs?.join(',');
  opts.bandwidth ??= study.bandwidths?.join(',');
  if (opts.duration === undefined && study.duration !== undefined) opts.duration = String(study.duration);
  opts.sfu ??= study.sfu;
  opts.viewers ??= study.viewers?.join(',');
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
  return (
    clips.length > 0 ||
    opts.study !== undefined ||
    opts.scenario.length > 0 ||
    opts.sweep.length > 0 ||
    opts.codec !== undefined ||
    opts.bandwidth !== undefined ||
    opts.duration !== undefined
  );
}

export function checkStudyOptions(opts: CaptureCliOptions): void {
  if (opts.resume !== undefined && (opts.runId !== undefined || opts.force || opts.shard !== undefined)) {
    throw new InputError(
      '--resume continues the run it names: --run-id, --force and --shard do not apply',
      `simq analyze --resume ${opts.resume}`,
    );
  }
  if (opts.resume !== undefined) {
    // Options that shape the captures but are not part of the plan a resume compares (givesPlan):
    // silently ignoring them would let the user believe the rest of the run uses them.
    const shaping = (
      [
        ['--size', opts.size],
        ['--fps', opts.fps],
        ['--warmup', opts.warmup],
        ['--browser', opts.browser],
      ] as const
    ).filter(([, v]) => v !== undefined);
    if (shaping.length) {
      const flags = shaping.map(([f, v]) => `${f} ${String(v)}`).join(', ');
      throw new InputError(
        `--resume ${opts.resume}: ${flags} would not apply: a resume captures the rest of the run with the run's own settings (run.json)`,
        `leave out ${shaping.map(([f]) => f).join(', ')} to continue the run, or start a new run with them`,
      );
    }
  }
  if (opts.shardBase !== undefined && opts.shard === undefined)
    throw new InputError('--shard-base without --shard', 'e.g. --shard 0/4 --shard-base 0');
}
