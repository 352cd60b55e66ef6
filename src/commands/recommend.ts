// `simq recommend <run-dir>`: decisions from a measured run (recommendation.json / .csv in the run
// directory, a summary on stdout) and exports for SDKs and SFUs (--format). No browser, no ffmpeg.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError, OutputError } from '../errors.js';
import { printable } from '../ui/printable.js';
import { withRun } from '../rundir/openRun.js';
import { declarationPath, exportDeclaration } from '../recommend/exports/declarations.js';
import {
  EXPORT_FORMATS,
  isExportFormat,
  renderExport,
  renderExportWarnings,
  type ExportFormat,
} from '../recommend/exports/formats.js';
import { renderRecommendationJson } from '../recommend/exports/json.js';
import { runRecommendStage, writeTextFile } from '../recommend/recommendStage.js';
import {
  DEFAULT_BANDWIDTHS_BPS,
  DEFAULT_HEADROOM,
  DEFAULT_HYSTERESIS,
  DEFAULT_TARGET_PSNR,
  DEFAULT_TARGET_VMAF,
  METRIC_DEFAULTS,
} from '../recommend/recommend.js';
import { RECOMMENDATION_CSV_FILE, RECOMMENDATION_FILE, type Recommendation } from '../recommend/RecommendationTypes.js';
import { renderRecommendationSummary } from '../recommend/summary.js';
import { CODECS } from '../scenario/ScenarioTypes.js';
import { parseBitrate } from '../units.js';

const EXAMPLE = 'simq recommend results/<run-id> --format mediasoup --out simq-mediasoup.mjs';

export interface RecommendCliOptions {
  format?: string;
  out?: string;
  codec?: string;
  jitsiPreferCodec?: boolean;
  json?: boolean;
  targetVmaf: string;
  targetPsnr: string;
  kneeSlope?: string;
  bandwidths: string;
  headroom: string;
  hysteresis: string;
  senderScenario?: string;
  minFps?: string;
  clipShare?: string;
  save: boolean;
  force?: boolean;
}

function numberOption(name: string, text: string, min: number, max: number, hint: string): number {
  const v = /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(v) || v < min || v > max) throw new InputError(`${name} "${text}": expected ${hint}`, EXAMPLE);
  return v;
}

/** "15%" or "0.15" -> 0.15. */
function shareOption(name: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  if (m) return numberOption(name, String(Number(m[1]) / 100), 0, 5, 'a share such as 0.15 or 15%');
  return numberOption(name, text, 0, 5, 'a share such as 0.15 or 15% (0 to 5)');
}

export function parseBandwidths(text: string): number[] {
  const list = text.split(',').map((raw) => {
    const part = raw.trim();
    const bps = parseBitrate(part);
    if (!part || Number.isNaN(bps) || bps <= 0)
      throw new InputError(`--bandwidths: "${part}" is not a bitrate > 0 (use e.g. 300k,1.5M)`, EXAMPLE);
    return bps;
  });
  return [...new Set(list)].sort((a, b) => a - b);
}

export function validateRecommendOptions(opts: RecommendCliOptions) {
  if (opts.format !== undefined && !isExportFormat(opts.format)) {
    throw new InputError(`--format ${opts.format}: unknown format (use one of ${EXPORT_FORMATS.join(', ')})`, EXAMPLE);
  }
  if (opts.json && opts.format !== undefined)
    throw new InputError(
      '--json and --format both choose what stdout gets; use --format json for the JSON document',
      EXAMPLE,
    );
  if (opts.out !== undefined && opts.format === undefined)
    throw new InputError('--out names the file of an export: add --format (e.g. --format mediasoup)', EXAMPLE);
  if (opts.jitsiPreferCodec && opts.format !== 'jitsi')
    throw new InputError(
      '--jitsi-prefer-codec belongs to the Jitsi export: add --format jitsi',
      'simq recommend results/<run-id> --format jitsi --jitsi-prefer-codec',
    );
  if (opts.codec !== undefined && !(CODECS as readonly string[]).includes(opts.codec.toLowerCase())) {
    throw new InputError(`--codec ${opts.codec}: unknown codec (use one of ${CODECS.join(', ')})`, EXAMPLE);
  }
  return {
    targetVmaf: numberOption('--target-vmaf', opts.targetVmaf, 0.001, 100, 'a VMAF score between 0 and 100, e.g. 80'),
    targetPsnrY: numberOption('--target-psnr', opts.targetPsnr, 0.001, 100, 'a PSNR-Y in dB, e.g. 38'),
    kneeSlopePer100Kbps:
      opts.kneeSlope === undefined
        ? undefined
        : numberOption('--knee-slope', opts.kneeSlope, 0.000001, 1000, 'a gain per 100 kbps > 0, e.g. 1'),
    bandwidthsBps: parseBandwidths(opts.bandwidths),
    headroom: shareOption('--headroom', opts.headroom),
    hysteresis: shareOption('--hysteresis', opts.hysteresis),
    minFps:
      opts.minFps === undefined ? undefined : numberOption('--min-fps', opts.minFps, 0, 240, 'a frame rate such as 15'),
    clipShare:
      opts.clipShare === undefined
        ? undefined
        : numberOption('--clip-share', opts.clipShare, 0.001, 1, 'a share of the clips from 0 to 1, e.g. 0.8'),
  };
}

/** --format: the export on stdout (warnings on stderr), or into --out with its declarations beside it. */
function writeExport(rec: Recommendation, opts: RecommendCliOptions & { format: string }): void {
  const format = opts.format as ExportFormat;
  const exportOptions = { jitsiPreferCodec: opts.jitsiPreferCodec };
  const text = renderExport(rec, format, opts.codec, exportOptions);
  const sfuWarnings = renderExportWarnings(rec, format, opts.codec, exportOptions).map((w) => w.message);
  const declaration = exportDeclaration(format);
  if (opts.out === undefined) {
    // stdout carries the export alone; the warnings go to stderr so they are not lost.
    process.stdout.write(text);
    for (const w of rec.warnings) process.stderr.write(`simq: warning: ${w.message}\n`);
    for (const w of sfuWarnings) process.stderr.write(`simq: warning (${format}): ${w}\n`);
    if (declaration !== undefined)
      process.stderr.write('simq: TypeScript declarations are written with --out FILE.mjs (as FILE.d.mts)\n');
    return;
  }
  const out = path.resolve(opts.out);
  const types = declaration === undefined ? undefined : declarationPath(out);
  writeTextFile(out, text);
  if (types !== undefined) writeTextFile(types, declaration!);
  process.stdout.write(printable(renderRecommendationSummary(rec)));
  for (const w of sfuWarnings) process.stdout.write(`warning (${format}): ${w}\n`);
  process.stdout.write(
    `\nwrote the ${format} export to ${out}${types ? ` and its TypeScript declarations to ${types}` : ''}\n`,
  );
  if (declaration !== undefined && types === undefined)
    process.stdout.write('name the file *.mjs to get TypeScript declarations (*.d.mts) beside it\n');
}

export function recommendFromCli(runDir: string, opts: RecommendCliOptions, simqVersion: string): Recommendation {
  const values = validateRecommendOptions(opts);
  // The export and its declarations beside it are never written over without --force.
  const outFile = opts.out === undefined ? undefined : path.resolve(opts.out);
  const typesFile =
    outFile !== undefined && exportDeclaration(opts.format as ExportFormat) !== undefined
      ? declarationPath(outFile)
      : undefined;
  for (const f of [outFile, typesFile]) {
    if (f !== undefined && existsSync(f) && !opts.force) {
      throw new OutputError(
        `${f} already exists; simq does not overwrite it`,
        'choose another --out file, or add --force to replace it',
      );
    }
  }
  const warn = (line: string) => process.stderr.write(`simq: warning: ${line}\n`);
  const { recommendation: rec, files } = withRun(
    runDir,
    'recommend',
    warn,
    () => runRecommendStage(runDir, { simqVersion, ...values, senderScenario: opts.senderScenario, save: opts.save }),
    { readOnly: !opts.save },
  );
  if (opts.format !== undefined) {
    writeExport(rec, { ...opts, format: opts.format });
  } else if (opts.json) {
    process.stdout.write(renderRecommendationJson(rec));
  } else {
    process.stdout.write(printable(renderRecommendationSummary(rec)));
    if (files.length) process.stdout.write(`\nwrote ${files.join(' and ')}\n`);
  }
  return rec;
}

/** The options that shape the decisions (shared with `simq analyze`). */
export function addRecommendDecisionOptions(cmd: Command): Command {
  return cmd
    .option(
      '--target-vmaf <n>',
      "VMAF the maxBitrate advice aims for at the layer's native size",
      String(DEFAULT_TARGET_VMAF),
    )
    .option('--target-psnr <dB>', 'PSNR-Y target used instead when the run has no VMAF', String(DEFAULT_TARGET_PSNR))
    .option(
      '--knee-slope <n>',
      `knee: gain per 100 kbps below which more bitrate is not worth it (default ${METRIC_DEFAULTS.vmaf.kneeSlopePer100Kbps} VMAF, ${METRIC_DEFAULTS.psnr_y.kneeSlopePer100Kbps} dB)`,
    )
    .option(
      '--bandwidths <list>',
      'available-bandwidth buckets of the SFU layer-selection table',
      DEFAULT_BANDWIDTHS_BPS.map((b) => `${b / 1000}k`).join(','),
    )
    .option('--headroom <share>', "share added to a layer's bitrate before it fits a bucket", String(DEFAULT_HEADROOM))
    .option('--hysteresis <share>', 'extra share before switching up to a layer', String(DEFAULT_HYSTERESIS))
    .option('--sender-scenario <name>', 'scenario name or id that stands for what the app sends (default: all-layers)')
    .option(
      '--clip-share <share>',
      'runs of several clips: the across-clips maxBitrate reaches the target on at least this share of the clips (default 1: every clip)',
    )
    .option(
      '--min-fps <n>',
      'with temporal operating points measured (measure --temporal-layers): never forward a temporal layer below this frame rate (motion content)',
    );
}

export function registerRecommend(program: Command): void {
  const cmd = program
    .command('recommend')
    .description(
      'Turn a measured run into decisions: the maxBitrate per layer, the best layer per render size, an SFU ' +
        'layer-selection table with switching thresholds, and exports for SDKs and SFUs (see docs/recommend.md).',
    )
    .argument('<run-dir>', 'a run directory measured by simq measure (has quality.csv)')
    .option('--format <format>', `print an export instead of the summary: ${EXPORT_FORMATS.join('|')}`)
    .option('--out <file>', 'write the export to this file (default: stdout); an existing file needs --force')
    .option('--force', 'replace an existing --out file')
    .option('--codec <codec>', 'the codec an SFU/SDK export is for (needed when the run measured several)')
    .option(
      '--jitsi-prefer-codec',
      'Jitsi export: also set videoQuality.codecPreferenceOrder with the exported codec first',
    )
    .option('--json', 'print recommendation.json on stdout instead of the summary');
  addRecommendDecisionOptions(cmd).option(
    '--no-save',
    `do not write ${RECOMMENDATION_FILE} / ${RECOMMENDATION_CSV_FILE} into the run directory`,
  );
  cmd
    .addHelpText(
      'after',
      `\nExamples:\n  simq recommend results/<run-id>\n  ${EXAMPLE}\n  simq recommend results/<run-id> --format encodings\n`,
    )
    .action((runDir: string, opts: RecommendCliOptions) => {
      recommendFromCli(runDir, opts, program.version() ?? '0.1.0');
    });
}
