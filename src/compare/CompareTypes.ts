// `simq viewers`: the same viewers through a real Janus twice, once with the browser's default
// encodings ("default" arm) and once with simq's recommended encodings and layer table
// ("recommended" arm), and per viewer which arm gave more quality for the bits and fewer freezes.

export const ARMS = ['default', 'recommended'] as const;
export type Arm = (typeof ARMS)[number];

/** What one viewer saw in one arm, over the steady part (from the scenario's steady start on). */
export interface ArmViewerFigures {
  viewer: string;
  /** The viewer's spec in this arm (a `table` viewer is `janus` in the default arm). */
  spec: string;
  fromS: number;
  /** End of the compared seconds (exclusive): the earlier of the two arms' last whole seconds. */
  toS: number;
  /** Display ticks scored (a frozen repeat counts, as a viewer sees it). */
  ticks: number;
  vmafMean?: number;
  vmafP5?: number;
  /** Mean of the whole seconds' received kbps. */
  kbps?: number;
  freezeCount: number;
  freezeS: number;
  /** Seconds on screen per layer over the whole timeline. */
  timeOnLayerS: Record<string, number>;
  /** Whole seconds of the steady part with their VMAF and kbps: the paired samples of the noise estimate. */
  seconds: { second: number; vmaf?: number; kbps: number }[];
  /** Share of the steady seconds whose VMAF reached the target (issue 22 "what the trace cost"). */
  atTarget: { target: number; seconds: number; share?: number };
}

/** One quantity compared between the arms: recommended minus default, against the noise. */
export interface Difference {
  default?: number;
  recommended?: number;
  /** recommended - default. */
  diff?: number;
  /** The smallest |diff| read as real: max(floor, 2 standard errors of the per-second differences). */
  noise?: number;
  /** The arm that is better on this quantity, or undefined when |diff| <= noise (no clear difference). */
  better?: Arm;
  /** How the noise was estimated. */
  basis: string;
}

export type Verdict = Arm | 'trade-off' | 'no clear difference' | 'not measured';

export interface ViewerComparison {
  /** The viewer as given on the command line, e.g. 640x360:table. */
  spec: string;
  renderSize: string;
  arms: Record<Arm, ArmViewerFigures | undefined>;
  vmaf: Difference;
  kbps: Difference;
  freezes: Difference;
  /** Which arm gave more quality for the bits: one that is better on one and not worse on the other. */
  qualityForBits: Verdict;
  fewerFreezes: Verdict;
  /** One sentence with the numbers. */
  says: string[];
}
