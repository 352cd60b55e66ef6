// Definitions x codecs x bandwidth caps x sweep points -> the list of captures to run.
import { linkLabel } from '../link/LinkTypes.js';
import type { LinkSpec } from '../link/LinkTypes.js';
import { parseLinkSpec } from '../link/parseLinkSpec.js';
import { InputError } from '../errors.js';
import { formatKbps } from '../units.js';
import type { SweepSpec } from './sweepOption.js';
import { codecSendsSpatialLayers, isSpatialMode } from './ScalabilityMode.js';
import type { SfuKind } from '../sfu/SfuTypes.js';
import { checkSvcViewers, checkViewerRids, parseViewers } from '../viewer/parseViewers.js';
import type { ViewerSpec } from '../viewer/ViewerTypes.js';
import {
  DEFAULT_DURATION_S,
  DEFAULT_SVC_SCALABILITY_MODE,
  DEFAULT_WARMUP_S,
  type Codec,
  type ScenarioBrowser,
  type RtpEncodingParameters,
  type Scenario,
  type ScenarioDefinition,
} from './ScenarioTypes.js';

export interface ExpandOptions {
  /** --codec; when absent a definition's own codec, else vp8. */
  codecs?: Codec[];
  /** --bandwidth; replaces a definition's own list when given. */
  bandwidths?: number[];
  /** --sweep; merged over a definition's own sweep (same key: the option wins). */
  sweep?: SweepSpec[];
  /** --duration (capture seconds) for definitions that do not set theirs. */
  durationS?: number;
  /** --warmup for definitions that do not set theirs. */
  warmupS?: number;
  /** --browser; when absent a definition's own browser, else Chromium. */
  browsers?: ScenarioBrowser[];
  /** --sfu; when absent a definition's own sfu, else the loopback. */
  sfu?: SfuKind;
  /** --viewers; when absent a definition's own viewers. */
  viewers?: ViewerSpec[];
  /** --uplink; replaces a definition's own uplink. */
  uplink?: LinkSpec;
}

/** The sweep points of a definition: the definition as written (no override) first, then the
 *  cartesian product of the swept values. Keeping the unswept scenario gives every curve its default
 *  point and keeps "what the app sends today" in the run. */
function sweepPoints(sweep: Record<string, number[]>): Record<string, number>[] {
  const keys = Object.keys(sweep);
  if (keys.length === 0) return [{}];
  let points: Record<string, number>[] = [{}];
  for (const key of keys) points = points.flatMap((p) => sweep[key].map((v) => ({ ...p, [key]: v })));
  return [{}, ...points];
}

function applySweepPoint(encodings: RtpEncodingParameters[], point: Record<string, number>): RtpEncodingParameters[] {
  const out = encodings.map((e) => ({ ...e }));
  for (const [key, value] of Object.entries(point)) {
    const [rid, field] = key.split('.') as [string, 'maxBitrate' | 'maxFramerate' | 'scaleResolutionDownBy'];
    const enc = out.find((e) => e.rid === rid);
    if (!enc)
      throw new InputError(
        `--sweep ${key}: no encoding with rid "${rid}" (have ${encodings.map((e) => e.rid).join(', ')})`,
      );
    enc[field] = value;
    if (field === 'scaleResolutionDownBy') delete enc.scaleResolutionDownByUnset;
  }
  return out;
}

function sweepLabel(key: string, value: number): string {
  const field = key.split('.')[1];
  const shown = field === 'maxBitrate' ? `${formatKbps(value)}k` : String(value);
  return `${key.replace('.', '-')}-${shown}`;
}

export function withCodecDefaults(codec: Codec, encodings: RtpEncodingParameters[]): RtpEncodingParameters[] {
  if (codec !== 'vp9' && codec !== 'av1') return encodings;
  return encodings.map((e) => (e.scalabilityMode ? e : { ...e, scalabilityMode: DEFAULT_SVC_SCALABILITY_MODE }));
}

/** A spatial scalabilityMode (SVC) needs a codec whose Chrome encoder sends spatial layers, and Chromium. */
function checkSpatialMode(def: ScenarioDefinition, codec: Codec, browser: ScenarioBrowser): void {
  const mode = def.encodings.find((e) => isSpatialMode(e.scalabilityMode))?.scalabilityMode;
  if (mode === undefined) return;
  if (!codecSendsSpatialLayers(codec)) {
    throw new InputError(
      `scenario ${def.name}: scalabilityMode ${mode} needs VP9 or AV1; Chrome's ${codec.toUpperCase()} encoder sends temporal layers only (L1T1..L1T3)`,
      `use --codec vp9 or --codec av1 for ${def.name}, or scalabilityMode L1T3 for ${codec}`,
    );
  }
  if (browser === 'firefox') {
    throw new InputError(
      `scenario ${def.name}: Firefox ignores scalabilityMode (${mode}) and sends no spatial layers`,
      `run ${def.name} with --browser chromium`,
    );
  }
}

export function expandScenarios(definitions: ScenarioDefinition[], options: ExpandOptions = {}): Scenario[] {
  const out: Scenario[] = [];
  for (const def of definitions) {
    const codecs: Codec[] = options.codecs?.length ? options.codecs : [def.codec ?? 'vp8'];
    const defBandwidths =
      def.bandwidth === undefined ? [] : Array.isArray(def.bandwidth) ? def.bandwidth : [def.bandwidth];
    const bandwidths: (number | undefined)[] = options.bandwidths?.length
      ? options.bandwidths
      : defBandwidths.length
        ? defBandwidths
        : [undefined];
    const sweep = { ...(def.sweep ?? {}) };
    for (const s of options.sweep ?? [])
      if (s.scenario === undefined || s.scenario === def.name) sweep[s.key] = s.values;
    const points = sweepPoints(sweep);
    const durationS = def.duration ?? options.durationS ?? DEFAULT_DURATION_S;
    const warmupS = def.warmup ?? options.warmupS ?? DEFAULT_WARMUP_S;
    if (warmupS >= durationS) {
      throw new InputError(
        `scenario ${def.name}: warm-up ${warmupS} s leaves no steady state in a ${durationS} s capture (use --warmup below --duration)`,
      );
    }
    const browsers: ScenarioBrowser[] = options.browsers?.length ? options.browsers : [def.browser ?? 'chromium'];
    const sfu = options.sfu ?? def.sfu;
    const viewers =
      options.viewers ?? (def.viewers ? parseViewers(def.viewers, `scenario ${def.name}: viewers`) : undefined);
    if (viewers && !sfu)
      throw new InputError(
        `scenario ${def.name}: viewers need an SFU to subscribe to`,
        'add --sfu janus (or "sfu": "janus" in the scenario file)',
      );
    if (viewers) {
      checkViewerRids(
        viewers,
        def.encodings.map((e) => e.rid),
        `scenario ${def.name}`,
      );
    }
    for (const browser of browsers)
      for (const codec of codecs) {
        checkSpatialMode(def, codec, browser);
        if (viewers) checkSvcViewers(viewers, codec, def.encodings, `scenario ${def.name}`);
        for (const bw of bandwidths) {
          for (const point of points) {
            const parts = [def.name, codec];
            if (bw !== undefined) parts.push(`bw${formatKbps(bw)}k`);
            for (const [k, v] of Object.entries(point)) parts.push(sweepLabel(k, v));
            const scenario: Scenario = {
              id: parts.join('.'),
              name: def.name,
              codec,
              encodings: withCodecDefaults(codec, applySweepPoint(def.encodings, point)),
              durationS,
              warmupS,
              contentHint: def.contentHint ?? '',
            };
            if (bw !== undefined) scenario.bandwidthBps = bw;
            if (Object.keys(point).length) scenario.sweepPoint = point;
            // Chromium scenarios keep the ids and records they always had.
            if (browser === 'firefox') {
              scenario.browser = browser;
              scenario.id += '.firefox';
            }
            if (sfu) {
              if (browser === 'firefox')
                throw new InputError(
                  `scenario ${def.name}: --sfu ${sfu} runs with Chromium only in this build (its viewers tap with createEncodedStreams)`,
                  'leave out --browser firefox for SFU runs',
                );
              scenario.sfu = sfu;
              scenario.id += `.${sfu}`;
              if (viewers) scenario.viewers = viewers;
            }
            const uplink =
              options.uplink ??
              (def.uplink !== undefined ? parseLinkSpec(def.uplink, `scenario ${def.name}: uplink`) : undefined);
            if (uplink) {
              scenario.uplink = uplink;
              scenario.id += `.up-${linkLabel(uplink)}`;
            }
            out.push(scenario);
          }
        }
      }
  }
  for (const s of options.sweep ?? []) {
    if (s.scenario !== undefined && !definitions.some((d) => d.name === s.scenario)) {
      throw new InputError(
        `--sweep ${s.scenario}:${s.key}: no scenario "${s.scenario}" in this run (have ${definitions.map((d) => d.name).join(', ')})`,
      );
    }
  }
  const ids = new Set<string>();
  for (const s of out) {
    if (ids.has(s.id))
      throw new InputError(`two scenarios resolve to the same id "${s.id}": give them different names`);
    ids.add(s.id);
  }
  return out;
}
