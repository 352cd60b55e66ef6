// The measure stage's verification: every pairing checked at the layer's own size against its
// neighbours (alignment/verifyPairing.ts), and for a page-played feed the level/colour shift of the
// full-size layers (feedLevelShift.ts).
import type { FeedLevelShift } from '../rundir/MeasureTypes.js';
import type { RunRecord } from '../rundir/RunTypes.js';
import { verifyLayerPairing } from './alignment/alignLayer.js';
import { feedLevelShift } from './feedLevelShift.js';
import { runInOrder } from './jobQueue.js';
import { failLayer } from './measureOpen.js';
import type { LedLayer, MeasureOptions, PlannedLayer, VerifiedLayer } from './MeasureStepTypes.js';
import { svcDecoder } from './svcDecoder.js';

/**
 * 1c. Every pairing verified, options.jobs at a time. Each scenario's verified layers go to `verified`
 * once all of its layers are checked, scenarios in run order; the layers that fail are failed.
 */
export async function verifyPairings(
  options: MeasureOptions,
  led: LedLayer[],
  verified: (layers: VerifiedLayer[]) => void,
): Promise<void> {
  const { progress } = options;
  let count = 0;
  const scenarios = [...new Set(led.map((w) => w.scenario))];
  /** Per layer checked: itself verified, or nothing when it failed. */
  const finished = new Map<LedLayer, VerifiedLayer[]>();
  let handed = 0;
  const handOver = () => {
    while (handed < scenarios.length) {
      const layers = led.filter((w) => w.scenario === scenarios[handed]);
      if (!layers.every((w) => finished.has(w))) return;
      handed++;
      verified(layers.flatMap((w) => finished.get(w) ?? []));
    }
  };
  await runInOrder(led, options.jobs, async (w) => {
    const layer = await verifyLayer(options, w).catch((e: unknown) => {
      failLayer(w, (e as Error).message, progress);
      return undefined;
    });
    finished.set(w, layer ? [layer] : []);
    progress.update('measure: verifying pairs at full size', ++count, led.length);
    handOver();
  });
  handOver();
  progress.done();
}

async function verifyLayer(options: MeasureOptions, w: LedLayer): Promise<VerifiedLayer> {
  const verification = await verifyLayerPairing({
    ffmpegPath: options.ffmpeg.path,
    bitstream: w.bitstream,
    decoder: svcDecoder(w.scenario.scenario.codec, w.layer),
    referenceY4m: w.clip.y4m,
    size: w.decodedSize,
    sourceIndex: w.sourceIndex,
  });
  return { ...w, verification, sourceIndex: verification.sourceIndex };
}

/** 1c'. A page-played feed: the level/colour shift of every full-size layer against the reference. */
export async function measureFeedShift(
  options: MeasureOptions,
  run: RunRecord,
  planned: PlannedLayer[],
): Promise<FeedLevelShift[]> {
  const out: FeedLevelShift[] = [];
  const full = planned.filter(
    (w) =>
      w.record.status === 'measured' &&
      w.decodedSize.width === run.input.width &&
      w.decodedSize.height === run.input.height,
  );
  for (const w of full) {
    try {
      const shift = await feedLevelShift(options.ffmpeg.path, w.bitstream, run.input.y4m, w.sourceIndex);
      out.push({
        scenarioId: w.scenario.id,
        rid: w.layer.rid,
        browser: w.scenario.scenario.browser ?? 'chromium',
        ...shift,
      });
    } catch (e) {
      options.progress.warn(`${w.scenario.id} ${w.layer.rid}: level shift not measured: ${(e as Error).message}`);
    }
  }
  return out;
}
