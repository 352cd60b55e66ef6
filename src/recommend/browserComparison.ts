// Chromium and Firefox side by side: the same scenario, codec, layer and viewer size of both
// browsers in one row, and per browser what an app sets to get a layer's bitrate. Firefox's bitrate
// is what it sent (bytes; it reports no target) and its allocation comes from gecko's table
// (GeckoStreams.ts): both are labelled, never shown as a reported target.
import { geckoStreams } from '../allocation/GeckoStreams.js';
import type { RunRecord } from '../rundir/RunTypes.js';
import type { ParsedQualityRow } from './qualityTable.js';

export interface BrowserCell {
  kbps?: number;
  /** "target" (Chromium's reported targetBitrate) or "sent" (bytes; Firefox reports no target). */
  kbpsSource?: 'target' | 'sent';
  vmaf?: number;
  psnrY?: number;
  fps?: number;
}

export interface ComparisonRow {
  /** The scenario id without the browser suffix, e.g. "all-layers.vp8". */
  scenario: string;
  rid: string;
  layer: string;
  size: string;
  chromium?: BrowserCell;
  firefox?: BrowserCell;
}

export const FIREFOX_SUFFIX = '.firefox';

function cell(r: ParsedQualityRow): BrowserCell {
  const target = r.target_kbps;
  return {
    kbps: target ?? r.actual_kbps,
    kbpsSource: target !== undefined ? 'target' : 'sent',
    vmaf: r.vmaf_mean,
    psnrY: r.psnr_y_mean,
    fps: r.fps,
  };
}

/** One row per (scenario, rid, size) that either browser measured; only for runs with Firefox. */
export function browserComparison(run: RunRecord, rows: readonly ParsedQualityRow[]): ComparisonRow[] {
  if (!run.scenarios.some((s) => s.scenario.browser === 'firefox')) return [];
  const byKey = new Map<string, ComparisonRow>();
  for (const r of rows) {
    if (r.temporal_layer !== undefined) continue;
    const firefox =
      r.scenario_id.endsWith(FIREFOX_SUFFIX) &&
      run.scenarios.find((s) => s.id === r.scenario_id)?.scenario.browser === 'firefox';
    const scenario = firefox ? r.scenario_id.slice(0, -FIREFOX_SUFFIX.length) : r.scenario_id;
    const size = r.size === 'native' ? r.layer : r.size;
    // A viewport equal to the layer's own size is the native row again.
    const key = `${scenario}\u0000${r.rid}\u0000${size}`;
    const row = byKey.get(key) ?? { scenario, rid: r.rid, layer: r.layer, size };
    row[firefox ? 'firefox' : 'chromium'] ??= cell(r);
    byKey.set(key, row);
  }
  return [...byKey.values()];
}

/** What to set, per browser, for each layer of a Firefox scenario (rules from gecko's and libwebrtc's sources). */
export function firefoxSettingAdvice(run: RunRecord): string[] {
  const lines: string[] = [];
  for (const s of run.scenarios.filter(
    (x) => x.scenario.browser === 'firefox' && !x.scenario.sweepPoint && x.scenario.bandwidthBps === undefined,
  )) {
    const streams = geckoStreams(run.input, s.scenario.encodings).filter((g) => g.sent);
    const top = streams[streams.length - 1];
    for (const g of streams) {
      const sent = s.layers.find((l) => l.rid === g.rid)?.steady?.actualKbpsMean;
      const measured = sent === undefined ? '' : `; sent ${Math.round(sent)} kbps here`;
      lines.push(
        g === top
          ? `${s.id} ${g.rid} (${g.width}x${g.height}, top): Firefox gives it the rest up to gecko's max ${g.maxKbps} kbps${measured}: set maxBitrate = W to cap it at W (only below ${g.maxKbps} has an effect)`
          : `${s.id} ${g.rid} (${g.width}x${g.height}): Firefox holds it at gecko's start ${g.startKbps} kbps${measured}: maxBitrate = W lowers it to W when W < ${g.startKbps}; nothing raises it (Chrome's 3/4-maxBitrate rule does not apply)`,
      );
    }
  }
  if (lines.length)
    lines.push(
      "Firefox ignores scalabilityMode (two temporal layers per stream) and honours `active` in addTransceiver; allocation numbers are derived from gecko's VideoStreamFactory.cpp, not reported by Firefox.",
    );
  return lines;
}

const num = (v: number | undefined, digits = 0) => (v === undefined ? '-' : v.toFixed(digits));

/** The side-by-side table as text (analyze's summary). */
export function renderBrowserComparison(rows: readonly ComparisonRow[]): string {
  if (rows.length === 0) return '';
  const header = [
    'scenario',
    'rid',
    'layer',
    'size',
    'chromium kbps',
    'firefox kbps (sent)',
    'chromium VMAF',
    'firefox VMAF',
    'chromium fps',
    'firefox fps',
  ];
  const body = rows.map((r) => [
    r.scenario,
    r.rid,
    r.layer,
    r.size,
    r.chromium ? `${num(r.chromium.kbps)}${r.chromium.kbpsSource === 'sent' ? ' (sent)' : ''}` : '-',
    num(r.firefox?.kbps),
    num(r.chromium?.vmaf, 1),
    num(r.firefox?.vmaf, 1),
    num(r.chromium?.fps, 1),
    num(r.firefox?.fps, 1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells: (string | number)[]) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    'Browsers side by side (Chromium kbps: its reported target; Firefox kbps: what it sent, it reports no target)',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}
