// The end of an SVC capture (one VP9/AV1 encoding with spatial layers): checks that the browser sent
// the mode asked for (outbound-rtp.scalabilityMode, the frames' spatial layers and sizes), and writes
// each spatial operating point (S, every temporal layer) as its own bitstream and frames table, a
// layer of the scenario like a simulcast layer (rid "<rid>-S<S>"), so measure treats it as one.
// A mode the browser did not honour is named and nothing is cut from it.
import path from 'node:path';
import { predictAllocation } from '../allocation/predictAllocation.js';
import { writeCsvAtomic } from '../io/csv.js';
import { LAYER_FRAMES_COLUMNS, type LayerFrameRow } from '../rundir/CsvTypes.js';
import { layerBitstreamName, layerFramesName } from '../rundir/RunFiles.js';
import type { LayerRecord, SteadyState } from '../rundir/RunTypes.js';
import type { Scenario } from '../scenario/ScenarioTypes.js';
import { parseScalabilityMode } from '../scenario/ScalabilityMode.js';
import { BitstreamWriter } from './BitstreamWriter.js';
import type { SvcFrame, SvcLayerVsPlan, SvcRecord } from './SvcCaptureTypes.js';
import { cutOperatingPoint, packetPayload } from './svcCut.js';

/** Sizes may differ from the plan's by rounding. */
const SIZE_TOLERANCE_PX = 2;

export interface SvcTap {
  frames: SvcFrame[];
  data: Uint8Array[];
}

export interface SvcFinishInput {
  dir: string;
  scenario: Scenario;
  input: { width: number; height: number; fps: number };
  /** The encoding's layer record as the stats gave it (rid, steady window, reported mode). */
  layer: LayerRecord;
  tap: SvcTap;
  rawBitstream: string;
}

export interface SvcFinishResult {
  svc: SvcRecord;
  points: LayerRecord[];
}

/** The rid under which an operating point is measured, e.g. "f-S1". */
export function svcPointRid(rid: string, spatial: number): string {
  return `${rid}-S${spatial}`;
}

function inWindow(f: SvcFrame, steady: SteadyState | undefined): boolean {
  return steady === undefined || (f.timeS >= steady.fromS && f.timeS < steady.toS);
}

function spatialLayersSeen(
  frames: readonly SvcFrame[],
  steady: SteadyState | undefined,
): SvcRecord['spatialLayersSeen'] {
  const bySpatial = new Map<number, { sizes: Set<string>; frames: number }>();
  for (const f of frames) {
    if (!inWindow(f, steady)) continue;
    const entry = bySpatial.get(f.spatialIndex ?? 0) ?? { sizes: new Set<string>(), frames: 0 };
    entry.sizes.add(`${f.width}x${f.height}`);
    entry.frames++;
    bySpatial.set(f.spatialIndex ?? 0, entry);
  }
  return [...bySpatial.entries()]
    .sort(([a], [b]) => a - b)
    .map(([spatial, e]) => ({ spatial, sizes: [...e.sizes], frames: e.frames }));
}

/** What the browser sent against what libwebrtc configures for the mode at this input (fewer layers for a small input). */
function honoured(
  input: SvcFinishInput,
  seen: SvcRecord['spatialLayersSeen'],
): { expectedMode: string; problem?: string; plan: ReturnType<typeof predictAllocation> } {
  const { scenario, layer } = input;
  const plan = predictAllocation(
    scenario,
    { width: input.input.width, height: input.input.height, fps: input.input.fps },
    scenario.bandwidthBps ?? null,
  );
  const expected = plan.svc?.config;
  const requested = scenario.encodings[0].scalabilityMode ?? '';
  const expectedMode = expected?.mode ?? requested;
  const sizes = expected?.layers.map((l) => `${l.width}x${l.height}`) ?? [];
  const sent = seen.map((s) => `S${s.spatial} ${s.sizes.join('/')}`).join(', ') || 'no frames';
  const reported = layer.scalabilityMode ?? 'none';
  const sizeOk = (want: string, got: string[]) => got.length === 1 && sameSize(want, got[0]);
  const problems: string[] = [];
  if (reported !== expectedMode) problems.push(`outbound-rtp.scalabilityMode is ${reported}`);
  if (seen.length !== sizes.length || seen.some((s, i) => s.spatial !== i || !sizeOk(sizes[i], s.sizes))) {
    problems.push(`its frames carry ${sent} (expected ${sizes.map((s, i) => `S${i} ${s}`).join(', ')})`);
  }
  if (problems.length === 0) return { expectedMode, plan };
  return {
    expectedMode,
    plan,
    problem: `asked ${requested}${expectedMode !== requested ? ` (configured as ${expectedMode} for this input)` : ''}, but ${problems.join(' and ')}: not measured as ${expectedMode}`,
  };
}

function sameSize(a: string, b: string): boolean {
  const [aw, ah] = a.split('x').map(Number);
  const [bw, bh] = b.split('x').map(Number);
  return Math.abs(aw - bw) <= SIZE_TOLERANCE_PX && Math.abs(ah - bh) <= SIZE_TOLERANCE_PX;
}

function layersVsPlan(
  frames: readonly SvcFrame[],
  steady: SteadyState | undefined,
  plan: ReturnType<typeof predictAllocation>,
): SvcLayerVsPlan[] {
  const seconds = steady?.seconds ?? 0;
  const layers = plan.svc?.config.layers ?? [];
  if (!(seconds > 0)) return [];
  return layers.map((l, s) => {
    const bytes = frames
      .filter((f) => (f.spatialIndex ?? 0) === s && inWindow(f, steady))
      .reduce((sum, f) => sum + f.bytes, 0);
    const measuredKbps = Math.round((bytes * 8) / seconds / 100) / 10;
    const predictedKbps = Math.round((plan.svc?.allocation.spatialBps[s] ?? 0) / 1000);
    return {
      spatial: s,
      size: `${l.width}x${l.height}`,
      predictedKbps,
      measuredKbps,
      deviation: predictedKbps > 0 ? Math.round(((measuredKbps - predictedKbps) / predictedKbps) * 1000) / 1000 : 0,
    };
  });
}

/** Writes point (S, top T): its bitstream, frames table and layer record. */
function writePoint(input: SvcFinishInput, spatial: number, temporalLayers: number): LayerRecord {
  const { dir, scenario, tap, layer } = input;
  const rid = svcPointRid(layer.rid, spatial);
  const mode = parseScalabilityMode(layer.configured.scalabilityMode ?? '');
  const packets = cutOperatingPoint(tap.frames, spatial, temporalLayers - 1, mode?.interLayer);
  const bitstream = layerBitstreamName(rid, 'ivf');
  const framesCsv = layerFramesName(rid);
  const writer = new BitstreamWriter(scenario.codec, path.join(dir, `.${bitstream}.part`));
  const rows: LayerFrameRow[] = [];
  try {
    packets.forEach((p, k) => {
      writer.append(
        packetPayload(
          scenario.codec,
          p.frames.map((i) => tap.data[i]),
        ),
        p.rtpTimestamp,
        p.width,
        p.height,
      );
      rows.push({
        frame_index: k,
        rtp_timestamp: p.rtpTimestamp,
        time_s: p.timeS,
        bytes: p.bytes,
        type: p.key ? 'key' : 'delta',
        temporal_index: p.temporalIndex,
        width: p.width,
        height: p.height,
        spatial_index: p.shownLayer ?? spatial,
      });
    });
    writer.finish(path.join(dir, bitstream));
  } catch (e) {
    writer.abandon();
    throw e;
  }
  writeCsvAtomic(path.join(dir, framesCsv), LAYER_FRAMES_COLUMNS, rows);
  const steady = layer.steady;
  const inSteady = packets.filter((p) => steady === undefined || (p.timeS >= steady.fromS && p.timeS < steady.toS));
  const seconds = steady?.seconds ?? 0;
  // The point's own size: its layer's pictures (a picture that lacks the layer shows a lower one, svcCut.ts).
  const first = packets.find((p) => p.shownLayer === undefined);
  return {
    rid,
    active: true,
    ssrc: layer.ssrc,
    bitstream,
    framesCsv,
    configured: {
      width: first?.width ?? 0,
      height: first?.height ?? 0,
      fps: layer.configured.fps,
      scalabilityMode: layer.configured.scalabilityMode,
    },
    framesCaptured: packets.length,
    framesEncoded: packets.length,
    encoderImplementation: layer.encoderImplementation,
    scalabilityMode: layer.scalabilityMode,
    // The stream's steady window and limitations; rate and frame rate are the point's own (targetBitrate is layer 0's only).
    steady: steady && {
      ...steady,
      targetKbpsMedian: undefined,
      targetKbpsMax: undefined,
      width: first?.width,
      height: first?.height,
      fps: seconds > 0 ? Math.round((inSteady.length / seconds) * 10) / 10 : undefined,
      actualKbpsMean:
        seconds > 0 ? Math.round((inSteady.reduce((s, p) => s + p.bytes, 0) * 8) / seconds / 100) / 10 : undefined,
    },
    svcPoint: {
      of: layer.rid,
      spatial,
      temporalLayers,
      frames: new Set(packets.flatMap((p) => p.frames)).size,
      packets: packets.length,
      lowerLayerPictures: inSteady.filter((p) => p.shownLayer !== undefined).length,
      steadyPictures: inSteady.length,
    },
  };
}

export function finishSvc(input: SvcFinishInput): SvcFinishResult {
  const { tap, layer } = input;
  const seen = spatialLayersSeen(tap.frames, layer.steady);
  const check = honoured(input, seen);
  const cut = tap.frames.every((f) => f.frameId !== undefined && f.dependencies !== undefined)
    ? 'dependencies'
    : 'spatial-index';
  const svc: SvcRecord = {
    requestedMode: input.scenario.encodings[0].scalabilityMode ?? '',
    reportedMode: layer.scalabilityMode,
    spatialLayersSeen: seen,
    honoured: check.problem === undefined,
    ...(check.problem ? { problem: check.problem } : {}),
    cut,
    rawBitstream: input.rawBitstream,
    layersVsPlan: layersVsPlan(tap.frames, layer.steady, check.plan),
  };
  if (check.problem) return { svc, points: [] };
  const temporalLayers = check.plan.svc?.config.layers[0]?.temporalLayers ?? 1;
  const points = seen.map((s) => writePoint(input, s.spatial, temporalLayers));
  return { svc, points };
}
