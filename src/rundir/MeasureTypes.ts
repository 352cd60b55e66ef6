// What the measure stage records in run.json's "measure" key (the CSVs it writes are in CsvTypes.ts).
import type { QualityView } from './CsvTypes.js';
import type { ViewerMeasureRecord } from '../measure/viewer/ViewerMeasureTypes.js';

export type { ViewerMeasureRecord };
import type { LayerTimeline } from '../measure/layerTimeline.js';

export type VmafBackend = 'ffmpeg' | 'docker' | 'none';

/** What run.json records about the metric backend. */
export interface VmafSetupDescription {
  backend: VmafBackend;
  /** The ffmpeg that runs the metric graph (inside the image for docker). */
  ffmpeg: { path: string; source: string; version: string };
  libvmaf?: {
    major: 1 | 2;
    /** libvmaf's own version, from the "version" field of its JSON log (smoke test), e.g. "1.3.7". */
    version?: string;
    model: string;
    modelSource: string;
    modelPath?: string;
    modelSha256?: string;
  };
  docker?: { image: string; entrypoint: string; client: string; serverVersion: string };
  /** Why VMAF is off, when it is. */
  vmafOff?: string;
}

export interface PairingCounts {
  verified: number;
  tied: number;
  repaired: number;
  ambiguous: number;
}

export interface LayerMeasureRecord {
  scenarioId: string;
  rid: string;
  status: 'measured' | 'failed';
  error?: string;
  framesCaptured?: number;
  /** Source frames the encoder skipped over the whole capture (alignment). */
  framesDropped?: number;
  /** ... and within the measured window. */
  droppedInWindow?: number;
  alignmentConfidence?: number;
  lowConfidenceFrames?: number;
  reacquiredFrames?: number[];
  measuredPictures?: number;
  /** Pictures in the window when only every Nth was measured (--vmaf-subsample). */
  windowPictures?: number;
  /** The layer of the same scenario whose source indices this one took (crossLayer.ts). */
  followedLayer?: string;
  /** This layer's own alignment confidence before following (alignmentConfidence counts the lead's). */
  ownAlignmentConfidence?: number;
  framesFromFollowedLayer?: number;
  framesChangedByFollowedLayer?: number;
  /** Verification of the measured pictures' pairings at the layer's own size (verifyPairing.ts). */
  pairing?: PairingCounts & { pictures: number; doubtful: boolean };
  /** Over time (src/measure/layerTimeline.ts): VMAF per second at the layer's own size, when it was off, switches. */
  timeline?: LayerTimeline;
}

export interface MeasureRecord {
  status: 'complete' | 'incomplete';
  startedAt: string;
  finishedAt?: string;
  vmaf: VmafSetupDescription;
  scaler: string;
  viewports: string[];
  view: QualityView;
  includeWarmup: boolean;
  /** Every Nth picture of the window was measured (1: all). */
  subsample: number;
  jobs: number;
  /** Variables simq set in the metric ffmpeg's environment (glibc allocator settings, mallocTuning.ts). */
  metricEnv?: Record<string, string>;
  layers: LayerMeasureRecord[];
  /** Every SFU viewer of the run's scenarios (src/measure/viewer/); absent in runs without viewers. */
  viewers?: ViewerMeasureRecord[];
  skippedScenarios: { id: string; status: string; reason: string }[];
  warnings: string[];
  /**
   * Runs whose clip a page played (Firefox): each full-size layer's mean Y/U/V difference from the
   * reference, decoded minus reference (feedLevelShift.ts). Absent in Chromium-only runs.
   */
  feedShift?: FeedLevelShift[];
  /** File names inside the run directory; runs measured before the rename carry frames (frames.csv) instead of pictures. */
  files: { quality: string; pictures?: string; frames?: string };
}

export interface FeedLevelShift {
  scenarioId: string;
  rid: string;
  browser: 'chromium' | 'firefox';
  frames: number;
  /** Mean code-value difference per plane, decoded layer minus paired reference frame. */
  meanDiff: { y: number; u: number; v: number };
}
