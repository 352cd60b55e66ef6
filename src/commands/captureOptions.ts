// Options shared by `simq capture` and `simq analyze`, and their conversion into a capture plan.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { expandScenarios } from '../scenario/expandScenarios.js';
import { resolveScenarioSpec } from '../scenario/loadScenarios.js';
import { parseSweepOption } from '../scenario/sweepOption.js';
import {
  CODECS,
  DEFAULT_DURATION_S,
  type Codec,
  type Scenario,
  type ScenarioBrowser,
} from '../scenario/ScenarioTypes.js';
import { BROWSERS } from '../capture/BrowserDriverTypes.js';
import { parseLinkSpec } from '../link/parseLinkSpec.js';
import { parseBitrate, parseSize, type Size } from '../units.js';
import { SFU_KINDS, type SfuKind } from '../sfu/SfuTypes.js';
import { parseViewers } from '../viewer/parseViewers.js';
import { readJanusExport, type LoadedJanusExport } from '../sfu/janus/readJanusExport.js';

export interface CaptureCliOptions {
  scenario: string[];
  codec?: string;
  bandwidth?: string;
  sweep: string[];
  duration?: string;
  warmup?: string;
  size?: string;
  fps?: string;
  out: string;
  runId?: string;
  force?: boolean;
  chrome?: string;
  firefox?: string;
  browser?: string;
  ffmpeg?: string;
  allowDegraded?: boolean;
  json?: boolean;
  quiet?: boolean;
  yes?: boolean;
  study?: string;
  shard?: string;
  shardBase?: string;
  resume?: string;
  sfu?: string;
  janus?: string;
  viewers?: string;
  janusExport?: string;
  uplink?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addCaptureOptions(cmd: Command): Command {
  return cmd
    .argument(
      '[clips...]',
      'video clip(s) (mp4, webm, mkv, y4m, ...); several clips make a study, one run with every scenario per clip; default: the "camera" sample, generated if missing',
    )
    .option(
      '--study <file.json>',
      'study file: clips (with optional content labels), codecs, scenarios, sweeps, duration, browsers (docs/studies.md)',
    )
    .option(
      '--shard <i/n>',
      'run only shard i of n of the expanded plan (balanced by expected cost; i counts from 1 unless --shard-base 0); join the shard runs with simq merge',
    )
    .option(
      '--shard-base <0|1>',
      'what the first --shard index is: 1 (default) or 0 (e.g. a Kubernetes JOB_COMPLETION_INDEX)',
    )
    .option(
      '--resume <run-dir>',
      'continue an incomplete or interrupted run: capture what is missing, keep what is done (refused when clips, plan or tool versions differ)',
    )
    .option(
      '-s, --scenario <names|file.json>',
      'preset name(s) (all-layers, top-off, only-low, boost-mid) or a scenario JSON file; repeatable',
      collect,
      [],
    )
    .option('-c, --codec <list>', `codecs to run each scenario with, comma-separated (${CODECS.join(', ')})`)
    .option('-b, --bandwidth <list>', 'total send-side cap(s), e.g. 400k,800k,1500k: one scenario each')
    .option(
      '--sweep <[scenario:]rid.field=from:to:count|v1,v2>',
      'sweep a field, e.g. all-layers:h.maxBitrate=300k:1500k:5 (the unswept scenario is kept); repeatable (cartesian product)',
      collect,
      [],
    )
    .option(
      '--uplink <LINK>',
      "shape the sender's uplink (Linux, root or CAP_NET_ADMIN+CAP_SYS_ADMIN): a rate (800k, 2.5M), a shipped trace (step-3000-800-3000, slow-ramp, lossy), a .json/.csv steps file or a mahimahi trace; options ,queue=100ms|32p ,loss=2% ,delay=50ms ,jitter=10ms (docs/design-sfu-links.md)",
    )
    .option(
      '-d, --duration <seconds>',
      `capture seconds per scenario, and seconds of the clip used (default ${DEFAULT_DURATION_S})`,
    )
    .option('-w, --warmup <seconds>', 'seconds at the start excluded from steady state (default 2)')
    .option('--size <WxH>', "capture size (default: the clip's own, capped at 1280x720)")
    .option('--fps <n>', "capture frame rate (default: the clip's own, capped at 30)")
    .option('-o, --out <dir>', 'parent folder of run directories', 'results')
    .option('--run-id <id>', 'name of the run directory (default: time stamp + clip name)')
    .option('--force', 'replace an existing run directory of the same --run-id')
    .option(
      '--browser <list>',
      'browser encoder(s) to run each scenario in, comma-separated: chromium, firefox (default: a scenario file\'s "browser", else chromium)',
    )
    .option('--chrome <path>', 'Chrome/Chromium binary (else CHROME_PATH, then standard locations)')
    .option('--firefox <path>', 'Firefox binary (else FIREFOX_PATH, then standard locations)')
    .option(
      '--sfu <kind>',
      `publish through a real SFU instead of the loopback: ${SFU_KINDS.join(', ')} (simq starts its own; README "SFU and viewers")`,
    )
    .option('--janus <path>', 'Janus binary for --sfu janus (else JANUS_PATH, standard locations, PATH)')
    .option(
      '--viewers <list>',
      "subscribers of the SFU, SIZE[:POLICY][@LINK],... with POLICY fixed:<rid>[/T<n>], svc:S<n>[T<t>] (a VP9 SVC publish), table or janus, e.g. 320x180:fixed:q,1280x720:fixed:f,640x360:table; @LINK shapes that viewer's downlink, e.g. 640x360:table@step-3000-800-3000",
    )
    .option(
      '--janus-export <file.json>',
      'a `simq recommend --format janus` file: the sender publishes its publisher.sendEncodings and table viewers run its subscriber table',
    )
    .option('--ffmpeg <path>', 'ffmpeg binary (else SIMQ_FFMPEG, ffmpeg-static, @ffmpeg-installer/ffmpeg, PATH)')
    .option(
      '--allow-degraded',
      'exit 0 even when a layer was CPU-limited or below its configured resolution / frame rate',
    )
    .option('-y, --yes', 'do not ask before long sweeps')
    .option('--json', 'print the run summary as JSON on stdout')
    .option('-q, --quiet', 'no progress on stderr');
}

/** Longest capture per scenario: an hour (a capture runs in real time; the measure takes longer still). */
export const MAX_DURATION_S = 3600;
/** Longest warm-up: ten minutes. */
export const MAX_WARMUP_S = 600;
/** Largest --size side: 8K. */
export const MAX_SIZE_SIDE = 8192;

function positiveNumber(text: string | undefined, flag: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > max)
    throw new InputError(`${flag} ${text}: expected a number > 0 and at most ${max}`);
  return n;
}

/** Chromium's fake camera plays a Y4M at num/den in integer arithmetic: only whole rates play true. */
export const MAX_FPS = 120;

function frameRate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_FPS)
    throw new InputError(
      `--fps ${text}: expected a whole number of frames per second from 1 to ${MAX_FPS}`,
      'e.g. --fps 30',
    );
  return n;
}

export function parseCodecs(text: string | undefined): Codec[] | undefined {
  if (text === undefined) return undefined;
  const codecs = text
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter(Boolean);
  for (const c of codecs) {
    if (!(CODECS as readonly string[]).includes(c))
      throw new InputError(`--codec ${c}: unknown codec (use ${CODECS.join(', ')})`);
  }
  if (codecs.length === 0) throw new InputError('--codec: empty list');
  return [...new Set(codecs)] as Codec[];
}

export function parseBrowsers(text: string | undefined): ScenarioBrowser[] | undefined {
  if (text === undefined) return undefined;
  const list = text
    .split(',')
    .map((b) => b.trim().toLowerCase())
    .filter(Boolean);
  for (const b of list) {
    if (!(BROWSERS as readonly string[]).includes(b))
      throw new InputError(
        `--browser ${b}: unknown browser (use ${BROWSERS.join(', ')})`,
        'e.g. --browser chromium,firefox',
      );
  }
  if (list.length === 0) throw new InputError('--browser: empty list', 'e.g. --browser firefox');
  return [...new Set(list)] as ScenarioBrowser[];
}

export function parseBandwidths(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((b) => {
    const bps = parseBitrate(b);
    if (!Number.isFinite(bps) || bps <= 0)
      throw new InputError(`--bandwidth ${b}: expected a bitrate > 0 such as 800k or 1.5M`);
    return bps;
  });
}

export interface CapturePlan {
  scenarios: Scenario[];
  /** --janus-export, read and checked. */
  janusExport?: LoadedJanusExport;
  clipDurationS?: number;
  size?: Size;
  fps?: number;
}

export function parseSfu(text: string | undefined): SfuKind | undefined {
  if (text === undefined) return undefined;
  const kind = text.trim().toLowerCase();
  if (!(SFU_KINDS as readonly string[]).includes(kind))
    throw new InputError(`--sfu ${text}: unknown SFU (simq runs ${SFU_KINDS.join(', ')})`, '--sfu janus');
  return kind as SfuKind;
}

export function planCapture(opts: CaptureCliOptions): CapturePlan {
  const janusExport = opts.janusExport === undefined ? undefined : readJanusExport(opts.janusExport);
  if (janusExport && opts.scenario.length)
    throw new InputError(
      `--janus-export ${opts.janusExport} is the sender's scenario (its publisher.sendEncodings); --scenario ${opts.scenario.join(', ')} would be a second one`,
      'drop --scenario, or drop --janus-export',
    );
  const specs = opts.scenario.length ? opts.scenario : ['all-layers'];
  const definitions = janusExport ? [janusExport.definition] : specs.flatMap((s) => resolveScenarioSpec(s));
  const sfu = parseSfu(opts.sfu) ?? (janusExport || opts.viewers !== undefined ? 'janus' : undefined);
  const names = new Set<string>();
  for (const d of definitions) {
    if (names.has(d.name)) throw new InputError(`--scenario: scenario "${d.name}" is given twice`);
    names.add(d.name);
  }
  const durationS = positiveNumber(opts.duration, '--duration', MAX_DURATION_S);
  const warmupText = opts.warmup;
  let warmupS: number | undefined;
  if (warmupText !== undefined) {
    warmupS = Number(warmupText);
    if (!Number.isFinite(warmupS) || warmupS < 0 || warmupS > MAX_WARMUP_S)
      throw new InputError(`--warmup ${warmupText}: expected seconds from 0 to ${MAX_WARMUP_S}`);
  }
  let size: Size | undefined;
  if (opts.size !== undefined) {
    size = parseSize(opts.size);
    if (!size || size.width <= 0 || size.height <= 0 || size.width > MAX_SIZE_SIDE || size.height > MAX_SIZE_SIDE) {
      throw new InputError(
        `--size ${opts.size}: expected WIDTHxHEIGHT from 2x2 to ${MAX_SIZE_SIDE}x${MAX_SIZE_SIDE}, such as 1280x720`,
      );
    }
  }
  const sweep = parseSweepOption(opts.sweep);
  const scenarios = expandScenarios(definitions, {
    codecs: parseCodecs(opts.codec),
    browsers: parseBrowsers(opts.browser),
    bandwidths: parseBandwidths(opts.bandwidth),
    sweep,
    durationS,
    warmupS,
    sfu,
    viewers: opts.viewers === undefined ? undefined : parseViewers(opts.viewers),
    uplink: opts.uplink === undefined ? undefined : parseLinkSpec(opts.uplink, '--uplink'),
  });
  return {
    scenarios,
    clipDurationS: durationS,
    size,
    fps: frameRate(opts.fps),
    ...(janusExport ? { janusExport } : {}),
  };
}
