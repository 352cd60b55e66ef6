// The measure stage's alignment steps: each captured frame's source frame by content, one layer at a
// time per job slot (alignment/alignLayer.ts), then the layers of a scenario follow its best-aligned
// layer (they show the same camera frames: alignment/crossLayer.ts).
import { existsSync } from 'node:fs';
import { ExitCode, SimqError } from '../errors.js';
import { layerFile } from '../rundir/RunFiles.js';
import { round } from './aggregate.js';
import { alignLayer } from './alignment/alignLayer.js';
import { followBestAligned } from './alignment/crossLayer.js';
import { readLayerFramesCsv } from './alignment/layerFramesCsv.js';
import { runInOrder } from './jobQueue.js';
import { failLayer } from './measureOpen.js';
import type { AlignedLayer, LayerTarget, LedLayer, MeasureOptions } from './MeasureStepTypes.js';
import { svcDecoder } from './svcDecoder.js';

/** 1. Alignment of every layer, options.jobs at a time; the layers that could not be aligned are failed. */
export async function alignLayers(options: MeasureOptions, targets: LayerTarget[]): Promise<AlignedLayer[]> {
  const { progress } = options;
  let aligned = 0;
  const results = await runInOrder(targets, options.jobs, async (t) => {
    const layer = await alignTarget(options, t).catch((e: unknown) => {
      failLayer(t, (e as Error).message, progress);
      return undefined;
    });
    progress.update('measure: aligning layers', ++aligned, targets.length);
    return layer;
  });
  progress.done();
  return results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
}

async function alignTarget(options: MeasureOptions, t: LayerTarget): Promise<AlignedLayer> {
  const bitstream = layerFile(t.dir, t.bitstreamName);
  const framesCsv = layerFile(t.dir, t.framesCsvName);
  if (!existsSync(bitstream)) throw new SimqError(`${bitstream} is missing`, ExitCode.badInput);
  const frames = readLayerFramesCsv(framesCsv);
  const alignment = await alignLayer({
    ffmpegPath: options.ffmpeg.path,
    bitstream,
    decoder: svcDecoder(t.scenario.scenario.codec, t.layer),
    framesCsv,
    referenceY4m: t.clip.y4m,
    fps: t.clip.fps,
  });
  // An SVC point's pictures that lack its layer (svcCut.ts) are smaller: the point's own size is configured's.
  const first = t.layer.svcPoint ? undefined : frames[0];
  const decodedSize = {
    width: first?.width || t.layer.configured.width,
    height: first?.height || t.layer.configured.height,
  };
  return { ...t, bitstream, framesCsv, alignment, times: frames.map((f) => f.timeS), decodedSize };
}

/** 1b. Layers of one scenario show the same camera frames: the best-aligned layer leads (crossLayer.ts). */
export function followBestAlignedLayers(aligned: AlignedLayer[]): LedLayer[] {
  const led: LedLayer[] = [];
  for (const s of new Set(aligned.map((w) => w.scenario))) {
    const layers = aligned.filter((w) => w.scenario === s);
    for (const [w, outcome] of followBestAligned(layers, layers[0].reference.frameCount)) {
      w.record.alignmentConfidence = round(outcome.confidence, 4);
      if (outcome.followed) {
        w.record.followedLayer = outcome.followed.lead.layer.rid;
        w.record.framesFromFollowedLayer = outcome.followed.adopted.matched;
        w.record.framesChangedByFollowedLayer = outcome.followed.adopted.changed;
        w.record.ownAlignmentConfidence = round(outcome.followed.ownConfidence, 4);
      }
      led.push({ ...w, sourceIndex: outcome.sourceIndex });
    }
  }
  return led;
}
