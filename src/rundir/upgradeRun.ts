// The one step from simq.run/1 to simq.run/2, applied where run.json is read (RunDirectory.ts), so no
// stage carries branches for older runs. It fills in what /1 runs may lack, with the value the stages
// used to assume: the browser is Chromium, a run of one clip has that clip as clips[0], steady state
// starts at the warm-up, a measure without subsample measured every picture, and the measure settings
// come from the measure record (and, for analyze, its command line, read once here).
// The input comes from disk: anything of an unexpected shape is left as it is for the schema check
// to name.
import { clipIdOf } from '../study/clipId.js';
import { RUN_SCHEMA, RUN_SCHEMA_V1, type MeasureSettings } from './runSchema.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const objects = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** Turns a parsed simq.run/1 record into a simq.run/2 one, in place; other records are returned as they are. */
export function upgradeRun(raw: unknown): unknown {
  if (!isObj(raw) || raw.schema !== RUN_SCHEMA_V1) return raw;
  raw.schema = RUN_SCHEMA;
  upgradeBrowser(raw.environment);
  upgradeClips(raw);
  for (const s of objects(raw.scenarios)) upgradeSteadyStart(s);
  const argv = Array.isArray(raw.argv) ? raw.argv.filter((a): a is string => typeof a === 'string') : [];
  if (isObj(raw.settings) && madeByAnalyze(argv)) raw.settings.measure ??= measureSettingsFromArgv(argv);
  if (isObj(raw.measure)) upgradeMeasure(raw.measure, argv);
  return raw;
}

/** Runs made before Firefox support recorded no browser name: they ran Chromium. */
function upgradeBrowser(env: unknown): void {
  if (isObj(env) && isObj(env.browser)) env.browser.name ??= 'chromium';
}

/** Runs of one clip made before studies: the input is the only clip, and every scenario played it. */
function upgradeClips(raw: Obj): void {
  const input = raw.input;
  if (raw.clips === undefined && isObj(input) && typeof input.source === 'string')
    raw.clips = [{ ...input, id: clipIdOf(input.source, String(input.sourceSha256 ?? '')) }];
  const [first] = objects(raw.clips);
  if (first === undefined) return;
  for (const s of objects(raw.scenarios)) s.clipId ??= first.id;
}

/** A captured scenario of a run made before the settle wait: steady state started at the warm-up. */
function upgradeSteadyStart(s: Obj): void {
  const warmupS = isObj(s.scenario) ? s.scenario.warmupS : undefined;
  const captured = Array.isArray(s.layers) && s.layers.length > 0;
  if (s.steadyStart === undefined && captured && typeof warmupS === 'number')
    s.steadyStart = { fromS: warmupS, settled: true, waitedS: 0 };
}

function upgradeMeasure(m: Obj, argv: readonly string[]): void {
  m.subsample ??= 1;
  if (m.settings !== undefined) return;
  const vmaf = isObj(m.vmaf) ? m.vmaf : {};
  const libvmaf = isObj(vmaf.libvmaf) ? vmaf.libvmaf : {};
  const fromArgv = measureSettingsFromArgv(argv);
  m.settings = {
    ...(Array.isArray(m.viewports) && m.viewports.length > 0 ? { viewports: m.viewports.join(',') } : {}),
    vmafSubsample: String(m.subsample),
    view: m.view ?? fromArgv.view,
    vmafBackend: typeof vmaf.backend === 'string' ? vmaf.backend : fromArgv.vmafBackend,
    ...(typeof libvmaf.model === 'string' ? { vmafModel: libvmaf.model } : {}),
    includeWarmup: typeof m.includeWarmup === 'boolean' ? m.includeWarmup : fromArgv.includeWarmup,
    // Not recorded by /1 measure records: only the command line can say.
    temporalLayers: fromArgv.temporalLayers,
  };
}

function madeByAnalyze(argv: readonly string[]): boolean {
  return argv.find((a) => a !== 'simq') === 'analyze';
}

/**
 * The measure options of a /1 run's command line (what `analyze --resume` used to re-read each time);
 * unset options are analyze's defaults (quick mode, --vmaf-subsample 3, when it chose no plan).
 */
export function measureSettingsFromArgv(argv: readonly string[]): MeasureSettings {
  const value = (flag: string) => {
    const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (i < 0) return undefined;
    return argv[i].includes('=') ? argv[i].slice(flag.length + 1) : argv[i + 1];
  };
  const ownPlan = argv.some((a) => /^(-s|--scenario|--sweep|-b|--bandwidth|--study)/.test(a));
  const model = value('--vmaf-model');
  const viewports = value('--viewports');
  return {
    ...(viewports !== undefined ? { viewports } : {}),
    vmafSubsample: value('--vmaf-subsample') ?? (ownPlan ? '1' : '3'),
    view: value('--view') === 'encoded' ? 'encoded' : 'displayed',
    vmafBackend: value('--vmaf-backend') ?? 'auto',
    ...(model !== undefined ? { vmafModel: model } : {}),
    includeWarmup: argv.includes('--include-warmup'),
    temporalLayers: argv.includes('--temporal-layers'),
  };
}
