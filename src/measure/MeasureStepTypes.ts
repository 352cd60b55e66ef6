// What the measure stage's steps hand each other. Each step takes the previous step's layers and
// returns its own, so nothing is optional because a step has not run yet: open (LayerTarget), align
// (AlignedLayer), follow the best-aligned layer (LedLayer), verify (VerifiedLayer), plan the pictures
// (PlannedLayer), the metric jobs (MeasuredSize). A layer that fails a step is recorded as failed in
// its `record` (run.json's measure.layers entry, shared by every step) and is not handed on.
import type { Y4mFile } from '../input/Y4mFile.js';
import type { QualityView } from '../rundir/CsvTypes.js';
import type { LayerMeasureRecord, MeasureRecord } from '../rundir/MeasureTypes.js';
import type { LayerRecord, ReferenceClip, RunRecord, ScenarioRecord } from '../rundir/RunTypes.js';
import type { FfmpegInfo } from '../tools/ffmpeg.js';
import type { Progress } from '../ui/progress.js';
import type { Size } from '../units.js';
import type { LayerAlignment } from './alignment/AlignmentTypes.js';
import type { PairingVerification } from './alignment/verifyPairing.js';
import type { TimedDisplayEntry } from './displaySequence.js';
import type { KeptMeasurements } from './measureResume.js';
import type { FrameMetrics } from './metrics/metricLogs.js';
import type { VmafSetup } from './vmaf/VmafSetup.js';

export interface MeasureOptions {
  runDir: string;
  ffmpeg: FfmpegInfo;
  vmaf: VmafSetup;
  viewports: Size[];
  view: QualityView;
  jobs: number;
  includeWarmup: boolean;
  /** Also a row per temporal operating point of each layer (temporalLayerRows.ts). */
  temporalLayers?: boolean;
  /** Measure every Nth picture of the window (quick mode); 1 or unset: every picture. */
  subsample?: number;
  force: boolean;
  /** Keep the measurements of scenarios already measured (same settings) and measure only the others. */
  resume?: boolean;
  progress: Progress;
  signal?: AbortSignal;
  /** What the command line asked of the VMAF backend (before auto was resolved), kept in the measure settings. */
  vmafAsked?: { backend: string; model?: string };
}

/** What the steps of one measure run share. */
export interface MeasureContext {
  options: MeasureOptions;
  run: RunRecord;
  /** Prepared clip per clip id. */
  references: Map<string, { clip: ReferenceClip; y4m: Y4mFile }>;
  measure: MeasureRecord;
  /** --resume: what an earlier measure left that is kept. */
  kept?: KeptMeasurements;
}

/** Open: a captured layer of a measurable scenario. */
export interface LayerTarget {
  scenario: ScenarioRecord;
  /** The clip the scenario played and its prepared Y4M (the reference of every metric). */
  clip: ReferenceClip;
  reference: Y4mFile;
  layer: LayerRecord;
  /** The scenario's folder, and the names run.json gives the layer's bitstream and frames there. */
  dir: string;
  bitstreamName: string;
  framesCsvName: string;
  record: LayerMeasureRecord;
}

/** Align: each captured frame's source frame, by content (alignment/alignLayer.ts). */
export interface AlignedLayer extends LayerTarget {
  /** The bitstream's and <rid>.frames.csv's paths. */
  bitstream: string;
  framesCsv: string;
  alignment: LayerAlignment;
  /** time_s of each captured frame (<rid>.frames.csv). */
  times: (number | undefined)[];
  decodedSize: Size;
}

/** Follow: the source index per captured frame after the scenario's best-aligned layer led (crossLayer.ts). */
export interface LedLayer extends AlignedLayer {
  sourceIndex: number[];
}

/** Verify: every pairing checked at the layer's own size; sourceIndex is the verified one. */
export interface VerifiedLayer extends LedLayer {
  verification: PairingVerification;
}

/** Plan: the layer's displayed sequence over the steady window, what its metric job sends and scores. */
export interface PlannedLayer extends VerifiedLayer {
  /** The pictures scored (quick mode: every Nth, with its position in the full sequence). */
  entries: (TimedDisplayEntry & { displayIndex?: number })[];
  /** The pictures sent to the metric ffmpeg: all of the window (quick mode too). */
  sent: TimedDisplayEntry[];
  /** Quick mode's N (--vmaf-subsample); unset when every picture is scored. */
  subsample?: number;
}

/** Metric jobs: one layer measured at one size label ('native' or a viewport). */
export interface MeasuredSize {
  work: PlannedLayer;
  size: string;
  sizeWxH: Size;
  metrics: FrameMetrics[];
}
