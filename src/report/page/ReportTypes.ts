// The chart data a report page carries (inlined as JSON and drawn by the page's script with uPlot).
// Charts are shaped on the Node side so the page script stays a small, generic renderer.

/**
 * How a series is drawn:
 * - line: solid line (actual kbps, per-frame scores);
 * - dash: dashed line (target kbps);
 * - dot: dotted grey guide (availableOutgoingBitrate);
 * - rule: a constant guide line (the bandwidth cap);
 * - points: markers only (quality-vs-bitrate scatter);
 * - envelope: dashed line through the upper envelope, spanning the points in between;
 * - ring: large hollow marker (the recommended maxBitrate point).
 */
export type SeriesStyle = 'line' | 'dash' | 'dot' | 'rule' | 'points' | 'envelope' | 'ring';

export interface SeriesSpec {
  label: string;
  color: string;
  style: SeriesStyle;
  /** Aligned with the view's x; null where the series has no value. */
  values: (number | null)[];
  /** A measured series (counted in the page's drawn-points summary), not a guide line. */
  data: boolean;
  /** Off until the reader clicks its legend entry. */
  hidden?: boolean;
}

/** Text drawn next to one point (which scenario a scatter point comes from). */
export interface PointLabel {
  /** Index into the view's series (0 = first series, not uPlot's x). */
  series: number;
  index: number;
  text: string;
}

/** One chart can hold several views (e.g. per-frame scores at each viewer size) picked with a select. */
export interface ChartView {
  key: string;
  label: string;
  /** Ascending. */
  x: number[];
  series: SeriesSpec[];
  labels?: PointLabel[];
  /** Points drawn with a cross on top (frozen pictures). */
  markers?: { series: number; index: number }[];
}

export type ChartKind =
  'bitrate-timeline' | 'quality-vs-bitrate' | 'operating-points' | 'frame-quality' | 'svc-vs-simulcast';

export interface ChartSpec {
  id: string;
  kind: ChartKind;
  title: string;
  /** One or two plain sentences under the title: what is plotted and how to read it. */
  note?: string;
  xLabel: string;
  /** The x value's name in the legend ("t (s)"). */
  xLegend: string;
  yLabel: string;
  /** Fixed y range (VMAF 0..100); otherwise 0..max for kbps, automatic for dB. */
  yRange?: [number, number];
  yFromZero?: boolean;
  /** Shaded x spans (the warm-up). */
  shade?: { from: number; to: number; label: string }[];
  /** Horizontal guide lines with a label (the target VMAF). */
  hLines?: { y: number; label: string; color: string }[];
  /** Label of the view selector when there are several views. */
  viewLabel?: string;
  views: ChartView[];
  /** Chart height in CSS pixels. */
  height: number;
  /** Half-width chart (placed two per row). */
  half?: boolean;
}

export interface ReportPageData {
  charts: ChartSpec[];
}
