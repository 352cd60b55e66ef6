// The readable summary `simq recommend` prints on stdout (tables; --json prints the document instead).
import { renderTable } from '../ui/table.js';
import type { Recommendation, SelectionCell } from './RecommendationTypes.js';
import { UPLOAD_TOLERANCE } from './svcVersusSimulcast.js';

const k = (v: number | undefined) => (v === undefined ? '-' : `${Math.round(v)}`);

export function renderRecommendationSummary(rec: Recommendation): string {
  const s = rec.settings;
  const metric = s.metric.name === 'vmaf' ? 'VMAF' : 'PSNR-Y';
  const fmt = (v: number | undefined) =>
    v === undefined ? '-' : s.metric.name === 'vmaf' ? v.toFixed(1) : v.toFixed(2);
  const out: string[] = [];
  const p = rec.provenance;
  out.push(
    `simq recommend: run ${p.runId}, clip ${p.clip.name} (${p.clip.width}x${p.clip.height} @ ${p.clip.fps} fps)`,
  );
  out.push(
    `decision metric: ${metric}${s.metric.fallback ? ` (fallback: ${s.metric.reason})` : ''}; target ${s.targetScore} at native size`,
  );
  out.push('');
  for (const c of rec.codecs) {
    out.push(
      `== ${c.codec.toUpperCase()}  (sender: ${c.senderScenario ? `${c.senderScenario.id}, ${c.senderScenario.reason}` : 'none'})`,
    );
    out.push('');
    out.push('Recommended maxBitrate per layer:');
    out.push(
      renderTable(
        [
          'rid',
          'layer',
          'role',
          'points',
          'rule',
          'wanted kbps',
          'maxBitrate kbps',
          `${metric} expected`,
          'Chrome gives kbps',
        ],
        c.layers.map((l) => [
          l.rid,
          l.layer,
          l.advice?.role ?? l.role ?? '-',
          l.points.length,
          l.advice?.rule ?? 'no score',
          k(l.advice?.wantedKbps),
          k(l.advice === undefined ? undefined : l.advice.maxBitrate / 1000),
          fmt(l.advice?.expectedScore),
          k(l.advice === undefined ? undefined : l.advice.predictedBps / 1000),
        ]),
        [false, false, false, true, false, true, true, true, true],
      ),
    );
    for (const l of c.layers) for (const e of l.advice?.explanation ?? []) out.push(`  ${l.rid}: ${e}`);
    out.push('');
    if (c.viewerSizes.length) {
      out.push(
        'Per render size: best layer, and the cheapest within ' +
          `${s.tolerance} ${s.metric.name === 'vmaf' ? 'VMAF point(s)' : 'dB'}:`,
      );
      out.push(
        renderTable(
          ['size', 'best', `${metric}`, 'kbps', 'cheapest within', `${metric}`, 'kbps'],
          c.viewerSizes.map((v) => [
            v.size,
            `${v.best.rid} (${v.best.scenarioId})`,
            fmt(v.best.score),
            k(v.best.kbps),
            `${v.cheapest.rid} (${v.cheapest.scenarioId})`,
            fmt(v.cheapest.score),
            k(v.cheapest.kbps),
          ]),
          [false, false, true, true, false, true, true],
        ),
      );
      out.push('');
    }
    if (c.svcVersusSimulcast?.length) {
      const first = c.svcVersusSimulcast[0];
      out.push(
        'Simulcast or SVC at the same total upload, per render size (the simulcast and SVC scenarios whose uploads are closest; the layer vs the operating point an SFU forwards to that viewer, the smallest covering its size, scored at its size; kbps: what the SFU sends the viewer; upload: what the sender sends):',
      );
      if (first.sameUpload === false) {
        out.push(
          `  no winner is named: the SVC upload is ${Math.round((first.uploadDifference ?? 0) * 100)} % off the simulcast one (more than ${Math.round(UPLOAD_TOLERANCE * 100)} %); measure the two at closer uploads (e.g. a maxBitrate on the SVC encoding)`,
        );
      }
      out.push(
        renderTable(
          [
            'size',
            'simulcast',
            `${metric}`,
            'kbps',
            'upload',
            'SVC',
            `${metric}`,
            'kbps',
            'upload',
            'upload diff',
            'better',
            'by',
          ],
          c.svcVersusSimulcast.map((r) => [
            r.size,
            r.simulcast ? `${r.simulcast.forwarded.rid} (${r.simulcast.forwarded.scenarioId})` : '-',
            fmt(r.simulcast?.forwarded.score),
            k(r.simulcast?.forwarded.kbps),
            k(r.simulcast?.uploadKbps),
            r.svc ? `${r.svc.forwarded.rid} (${r.svc.forwarded.scenarioId})` : '-',
            fmt(r.svc?.forwarded.score),
            k(r.svc?.forwarded.kbps),
            k(r.svc?.uploadKbps),
            r.uploadDifference === undefined
              ? '-'
              : `${r.uploadDifference > 0 ? '+' : ''}${Math.round(r.uploadDifference * 1000) / 10} %`,
            r.better ?? (r.sameUpload === false ? 'uploads differ' : '-'),
            fmt(r.by),
          ]),
          [false, false, true, true, true, false, true, true, true, true, false, true],
        ),
      );
      out.push('');
    }
    const sel = c.layerSelection;
    if (sel.layers.length) {
      out.push(
        `SFU layer selection (layer bitrate x ${1 + s.headroom} must fit; rows: render size, columns: available kbps):`,
      );
      out.push(
        renderTable(
          ['size', ...sel.bandwidthsKbps.map((b) => `${b}`)],
          sel.sizes.map((size) => [
            size,
            ...sel.bandwidthsKbps.map((b) =>
              cellLabel(sel.table.find((t) => t.size === size && t.bandwidthKbps === b)),
            ),
          ]),
          [false, ...sel.bandwidthsKbps.map(() => true)],
        ),
      );
      out.push('');
      out.push('Switching thresholds (hysteresis): ' + rec.rules.hysteresis);
      out.push(
        renderTable(
          ['rid', 'layer', 'spatial', 'kbps', 'down below kbps', 'up at kbps'],
          // Temporal operating points below a layer's top (measure --temporal-layers) have their own pair.
          [...sel.layers, ...(sel.temporalPoints ?? [])].map((l) => [
            sel.layers.includes(l) ? l.rid : `${l.rid} T${l.temporalLayer}`,
            l.layer,
            l.spatialLayer,
            k(l.kbps),
            k(l.downSwitchKbps),
            k(l.upSwitchKbps),
          ]),
          [false, false, true, true, true, true],
        ),
      );
      out.push('');
    }
  }
  if (rec.study) out.push(...studyLines(rec), '');
  if (rec.warnings.length) {
    out.push('Warnings:');
    for (const w of rec.warnings) out.push(`  - ${w.message}`);
    out.push('');
  }
  out.push('Rules: ' + rec.rules.chrome + '.');
  out.push('Knee: ' + rec.rules.knee + '.');
  return out.join('\n') + '\n';
}

/** "f", or "f T1" when the table chose among temporal operating points too. */
function cellLabel(cell: SelectionCell | undefined): string {
  if (!cell || cell.rid === null) return '-';
  return cell.temporalLayer === undefined ? cell.rid : `${cell.rid} T${cell.temporalLayer}`;
}

/** Runs of several clips: the maxBitrate per layer across the clips, then each clip's own. */
function studyLines(rec: Recommendation): string[] {
  const st = rec.study!;
  const share = st.clipShare >= 1 ? 'every clip' : `${Math.round(st.clipShare * 100)}% of the clips`;
  const out = [
    `Across ${st.clips.length} clips (${st.clips.map((c) => (c.label ? `${c.id} [${c.label}]` : c.id)).join(', ')}): maxBitrate reaching the target on ${share}`,
  ];
  for (const l of st.acrossClips) {
    const per = l.perClip
      .map(
        (p) =>
          `${p.clipId} ${p.maxBitrate === undefined ? '-' : `${Math.round(p.maxBitrate / 1000)}k`}${p.reached ? '' : ' (not reached)'}`,
      )
      .join(', ');
    out.push(
      `  ${l.codec} ${l.rid} ${l.layer}: ${l.maxBitrate === undefined ? `none (${l.note})` : `${Math.round(l.maxBitrate / 1000)} kbps`}   [${per}]`,
    );
  }
  out.push(
    `The tables above are for the first clip, ${st.clips[0].id}; recommendation.json "study.perClip" holds every clip's.`,
  );
  return out;
}
