// `simq plan`: libwebrtc's simulcast allocation predicted without a browser. Instant: no
// browser, no ffmpeg, only the model in src/allocation.
import type { Command } from 'commander';
import { DEFAULT_CALIBRATION } from '../allocation/Calibration.js';
import { predictAllocation } from '../allocation/predictAllocation.js';
import { InputError } from '../errors.js';
import { expandScenarios } from '../scenario/expandScenarios.js';
import { resolveScenarioSpec } from '../scenario/loadScenarios.js';
import { CODECS, type Codec } from '../scenario/ScenarioTypes.js';
import { parseBitrate, parseSize, type Size } from '../units.js';
import { geckoPlan, type GeckoPlan } from '../allocation/geckoPlan.js';
import { renderTable } from '../ui/table.js';
import { planJson, renderPlanText, type PlanDocument, type PlanEntry } from './planReport.js';

/** Largest side accepted (8K is 7680; anything above is a typo). */
const MAX_SIDE = 16384;
const EXAMPLE = 'simq plan --codec vp8 --size 1280x720 --bandwidth 300k,800k,1500k';

interface PlanCliOptions {
  codec?: string;
  size: string;
  fps: string;
  scenario: string;
  bandwidth?: string;
  browser?: string;
  json?: boolean;
}

export function parseCodecList(text: string): Codec[] {
  const out: Codec[] = [];
  for (const raw of text.split(',')) {
    const c = raw.trim().toLowerCase();
    if (!c) throw new InputError(`--codec "${text}": empty codec name in the list (use e.g. vp8,h264)`, EXAMPLE);
    if (!(CODECS as readonly string[]).includes(c)) {
      throw new InputError(
        `--codec: unknown codec "${raw.trim()}" (use one of ${CODECS.join(', ')}, comma-separated for several)`,
        EXAMPLE,
      );
    }
    if (!out.includes(c as Codec)) out.push(c as Codec);
  }
  return out;
}

export function parseSizeOption(text: string): Size {
  if (/^\s*-/.test(text) || /x\s*-/i.test(text))
    throw new InputError(`--size ${text}: width and height must be > 0`, EXAMPLE);
  const size = parseSize(text);
  if (!size) throw new InputError(`--size "${text}": expected WIDTHxHEIGHT in pixels, e.g. 1280x720`, EXAMPLE);
  if (size.width <= 0 || size.height <= 0)
    throw new InputError(`--size ${text}: width and height must be > 0`, EXAMPLE);
  if (size.width > MAX_SIDE || size.height > MAX_SIDE)
    throw new InputError(`--size ${text}: each side must be at most ${MAX_SIDE} pixels`, EXAMPLE);
  return size;
}

export function parseFpsOption(text: string): number {
  if (/^\s*-\d/.test(text)) throw new InputError(`--fps ${text}: must be > 0, e.g. 30`, EXAMPLE);
  const fps = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(fps) || fps <= 0 || fps > 1000)
    throw new InputError(`--fps "${text}": expected frames per second > 0, e.g. 30`, EXAMPLE);
  return fps;
}

export function parseBandwidthList(text: string): number[] {
  return text.split(',').map((raw) => {
    const part = raw.trim();
    if (part.startsWith('-')) throw new InputError(`--bandwidth: ${part} must be > 0`, EXAMPLE);
    const bps = parseBitrate(part);
    if (!part || Number.isNaN(bps))
      throw new InputError(
        `--bandwidth: "${part}" is not a bitrate (use e.g. 800k, 1.5M or 800000 bps, comma-separated)`,
        EXAMPLE,
      );
    if (bps <= 0) throw new InputError(`--bandwidth: ${part} must be > 0`, EXAMPLE);
    return bps;
  });
}

export function buildPlan(opts: PlanCliOptions): PlanDocument {
  const codecs = opts.codec === undefined ? undefined : parseCodecList(opts.codec);
  const size = parseSizeOption(opts.size);
  const fps = parseFpsOption(opts.fps);
  const optionBandwidths = opts.bandwidth === undefined ? undefined : parseBandwidthList(opts.bandwidth);
  const input = { width: size.width, height: size.height, fps };
  const plans: PlanEntry[] = [];
  for (const def of resolveScenarioSpec(opts.scenario)) {
    const defBandwidths =
      def.bandwidth === undefined ? [] : Array.isArray(def.bandwidth) ? def.bandwidth : [def.bandwidth];
    const bandwidths = optionBandwidths ?? defBandwidths;
    // Bandwidths are rows of one table here, not separate scenarios: expand codecs and sweeps only.
    for (const scenario of expandScenarios([{ ...def, bandwidth: undefined }], { codecs })) {
      const caps: (number | null)[] = [null, ...bandwidths];
      plans.push({
        id: scenario.id,
        scenario: scenario.name,
        ...(def.description ? { description: def.description } : {}),
        allocations: caps.map((cap) => predictAllocation(scenario, input, cap)),
      });
    }
  }
  return { input, calibration: { ...DEFAULT_CALIBRATION }, plans };
}

/** `--browser firefox`: gecko's stream table and the allocator over it, per scenario. */
export function buildFirefoxPlan(opts: PlanCliOptions): {
  input: { width: number; height: number; fps: number };
  browser: 'firefox';
  plans: GeckoPlan[];
} {
  const codecs = opts.codec === undefined ? undefined : parseCodecList(opts.codec);
  const size = parseSizeOption(opts.size);
  const fps = parseFpsOption(opts.fps);
  const bandwidths = opts.bandwidth === undefined ? [] : parseBandwidthList(opts.bandwidth);
  const plans: GeckoPlan[] = [];
  for (const def of resolveScenarioSpec(opts.scenario)) {
    for (const scenario of expandScenarios([{ ...def, bandwidth: undefined }], { codecs, browsers: ['firefox'] })) {
      plans.push(geckoPlan(scenario, size, [null, ...bandwidths]));
    }
  }
  return { input: { width: size.width, height: size.height, fps }, browser: 'firefox', plans };
}

export function renderFirefoxPlan(doc: ReturnType<typeof buildFirefoxPlan>): string {
  const out: string[] = [];
  for (const p of doc.plans) {
    const budgets = p.budgetsKbps.map((b) => (b === null ? 'unlimited' : `${b}k`));
    out.push(`${p.id}  (Firefox, input ${doc.input.width}x${doc.input.height}; derived from ${p.source})`);
    const rows = p.layers.map((l) => [
      l.rid,
      l.sent ? `${l.width}x${l.height}` : 'inactive',
      l.limits.label,
      l.minKbps,
      l.startKbps,
      l.maxKbps,
      ...l.allocatedKbps.map((k) => (l.sent ? (k > 0 ? k : 'off') : '-')),
    ]);
    out.push(
      renderTable(['rid', 'size', 'gecko row', 'min', 'start', 'max', ...budgets.map((b) => `@${b}`)], rows, [
        false,
        false,
        false,
        true,
        true,
        true,
        ...budgets.map(() => true),
      ]),
    );
    out.push('');
  }
  out.push(
    "kbps. Firefox reports no target bitrate: these are gecko's configuration, not measurements. maxBitrate only lowers a row; scalabilityMode is ignored (two temporal layers).",
  );
  return out.join('\n') + '\n';
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description(
      'Predict how Chrome (libwebrtc) sizes each simulcast layer: resolution, min/target/max and the\n' +
        'allocation at each bandwidth. No browser; instant. See docs/plan.md for what the numbers mean.',
    )
    .option(
      '--codec <list>',
      `codec: ${CODECS.join(', ')}; comma-separated for one table each (default vp8, or the scenario file's codec)`,
    )
    .option('--size <WxH>', 'input (camera) resolution', '1280x720')
    .option('--fps <n>', 'input frame rate', '30')
    .option(
      '--scenario <spec>',
      'preset name(s) or scenario .json file, comma-separated (as for capture)',
      'all-layers',
    )
    .option('--bandwidth <list>', 'total send caps, e.g. 300k,800k,1500k (b=AS/b=TIAS on the answer)')
    .option(
      '--browser <name>',
      "chromium (libwebrtc's table, default) or firefox (gecko's VideoStreamFactory.cpp table)",
      'chromium',
    )
    .option('--json', 'print one JSON document on stdout instead of tables')
    .addHelpText('after', `\nExample:\n  ${EXAMPLE}\n`)
    .action((opts: PlanCliOptions) => {
      const browser = (opts.browser ?? 'chromium').trim().toLowerCase();
      if (browser !== 'chromium' && browser !== 'firefox')
        throw new InputError(
          `--browser ${opts.browser}: expected chromium or firefox`,
          'e.g. simq plan --browser firefox --size 640x360',
        );
      if (browser === 'firefox') {
        const ff = buildFirefoxPlan(opts);
        process.stdout.write(opts.json ? JSON.stringify(ff, null, 2) + '\n' : renderFirefoxPlan(ff));
        return;
      }
      const doc = buildPlan(opts);
      process.stdout.write(opts.json ? planJson(doc) : renderPlanText(doc));
    });
}
