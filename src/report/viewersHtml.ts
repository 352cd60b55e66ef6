// The report's viewer section (runs with SFU viewers, src/measure/viewer/): per viewer what it
// displayed, from run.json measure.viewers: a summary row each, then a per-second timeline (layer on
// screen, kbps received, VMAF, frozen time and freezes ended in that second). Every value is escaped.
import type { ViewerMeasureRecord } from '../rundir/MeasureTypes.js';
import { esc, num, ridBadge, table } from './html.js';

function summaryRow(v: ViewerMeasureRecord, colors: Record<string, string>): string[] {
  const layers = Object.entries(v.timeOnLayerS ?? {})
    .map(([rid, s]) => `${ridBadge(rid, colors)} ${esc(num(s, 1))} s`)
    .join(' ');
  const browser = v.browserFreezes ? `${esc(v.browserFreezes.count)} / ${esc(num(v.browserFreezes.totalS, 2))} s` : '–';
  return [
    esc(v.scenarioId),
    esc(v.viewer),
    esc(v.renderSize ?? '–'),
    v.status === 'measured' ? '' : `<b class="flag">${esc(v.error ?? v.status)}</b>`,
    esc(num(v.vmafMean, 1)),
    esc(num(v.vmafP5, 1)),
    v.freezes ? `${esc(v.freezes.count)} / ${esc(num(v.freezes.totalS, 2))} s` : '–',
    browser,
    esc(num(v.switchesPerMinute, 1)),
    esc(num(v.receivedKbps, 0)),
    layers || '–',
    v.pairing
      ? esc(
          `${v.pairing.verified + v.pairing.tied} of ${v.pairing.pictures} confirmed${v.pairing.doubtful ? ', doubtful' : ''}`,
        )
      : '–',
  ];
}

function timeline(v: ViewerMeasureRecord, colors: Record<string, string>): string {
  const rows = (v.seconds ?? []).map((s) => [
    esc(s.second),
    ridBadge(s.layer, colors),
    esc(num(s.kbps, 0)),
    esc(num(s.vmaf, 1)),
    esc(num(s.frozenS, 2)),
    s.freezes ? `<b class="flag">${esc(s.freezes)}</b>` : '',
  ]);
  return table(['second', 'layer on screen', 'kbps received', 'VMAF', 'frozen s', 'freezes'], rows, {
    cls: 'compact',
    numeric: [true, false, true, true, true, true],
  });
}

export function renderViewers(viewers: readonly ViewerMeasureRecord[], colors: Record<string, string>): string {
  const summary = table(
    [
      'scenario',
      'viewer',
      'render size',
      'status',
      'VMAF mean',
      'VMAF p5',
      'freezes (simq)',
      'freezes (browser)',
      'switches / min',
      'kbps received',
      'time on each layer',
      'pairing',
    ],
    viewers.map((v) => summaryRow(v, colors)),
    { cls: 'compact', numeric: [false, false, false, false, true, true, true, true, true, true, false, false] },
  );
  const details = viewers
    .filter((v) => v.status === 'measured')
    .map(
      (v) =>
        `<h3>${esc(v.scenarioId)}: viewer ${esc(v.viewer)} at ${esc(v.renderSize)}</h3>\n<div class="scroll">${timeline(v, colors)}</div>`,
    )
    .join('\n');
  return `<p>What each SFU subscriber displayed, scored at its render size: every display tick at the source frame rate (a late, lost or undecodable frame is a frozen repeat of the picture before). Freezes follow the w3c webrtc-stats rule (an interval of at least max(3 x average, average + 150 ms)); "browser" is the viewer's inbound-rtp freezeCount / totalFreezesDuration.</p>
<div class="scroll">${summary}</div>
${details}`;
}
