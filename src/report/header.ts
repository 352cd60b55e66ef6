// The report's first screen: what was run, on what, with which tools, and whether to trust it
// (run status, capture validity problems, simq plan's model against what the browser did,
// measurement checks). A reader should know from here whether the charts below mean anything.
import path from 'node:path';
import type { MeasureRecord } from '../rundir/MeasureTypes.js';
import { DROPPED_SHARE } from '../recommend/warnings.js';
import { PAIRING_DOUBT_SHARE } from '../measure/pairingSummary.js';
import type { RunRecord } from '../rundir/RunTypes.js';
import { esc, num } from './html.js';
import type { ReportInputs } from './loadReportInputs.js';
import type { ReportMetric } from './reportMetric.js';

function encoders(run: RunRecord): string {
  const byCodec = new Map<string, Set<string>>();
  for (const s of run.scenarios) {
    const set = byCodec.get(s.scenario.codec) ?? new Set<string>();
    const impl =
      s.encoderImplementation ?? [...new Set(s.layers.map((l) => l.encoderImplementation).filter(Boolean))].join(', ');
    if (impl) set.add(impl);
    byCodec.set(s.scenario.codec, set);
  }
  return [...byCodec]
    .map(([codec, set]) => `${codec.toUpperCase()}: ${set.size ? [...set].join(' | ') : 'not recorded'}`)
    .join('; ');
}

function metricBackend(measure: MeasureRecord | undefined): string {
  const v = measure?.vmaf;
  if (!v) return 'not measured';
  if (v.backend === 'none') return `VMAF off${v.vmafOff ? ` (${v.vmafOff})` : ''}`;
  const generation = v.libvmaf ? (v.libvmaf.version ?? (v.libvmaf.major === 2 ? '>= 2' : '1.x')) : '';
  const model = v.libvmaf
    ? `libvmaf ${generation}, model ${v.libvmaf.model}${v.libvmaf.modelSource ? ` (${v.libvmaf.modelSource})` : ''}`
    : 'libvmaf';
  const where =
    v.backend === 'docker' && v.docker
      ? `Docker image ${v.docker.image}, ffmpeg ${v.ffmpeg.version}`
      : `ffmpeg ${v.ffmpeg.version} (${v.ffmpeg.source})`;
  return `${model} via ${where}`;
}

function sampling(measure: MeasureRecord): string {
  const n = measure.subsample ?? 1;
  if (n <= 1) return 'every picture of the window';
  return `<b>quick mode</b>: every ${n}${n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'} picture of the window (--vmaf-subsample ${n}); aggregates carry the error given in docs/vmaf.md`;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function validityItems(inputs: ReportInputs): string[] {
  const items: string[] = [];
  for (const s of inputs.run.scenarios) {
    if (s.status !== 'complete')
      items.push(`<b>${esc(s.id)}</b>: scenario ${esc(s.status)}${s.error ? ` – ${esc(s.error)}` : ''}`);
    for (const p of s.problems) items.push(`<b>${esc(s.id)}</b> ${esc(p.rid)}: ${esc(p.kind)} – ${esc(p.message)}`);
    if (s.retried) items.push(`<b>${esc(s.id)}</b>: captured twice (the first attempt is not kept): ${esc(s.retried)}`);
    if (s.steadyStart?.waitedS)
      items.push(
        `<b>${esc(s.id)}</b>: steady state started ${num(s.steadyStart.waitedS, 1)} s after the warm-up (the sender was still ramping)`,
      );
  }
  return items;
}

function modelItems(run: RunRecord): { items: string[]; compared: number } {
  const items: string[] = [];
  let compared = 0;
  for (const s of run.scenarios) {
    const m = s.model;
    if (!m) continue;
    compared++;
    if (!m.activeSetMatches) {
      const measured = m.layers.filter((l) => l.measuredOn).map((l) => l.rid);
      items.push(
        `<b>${esc(s.id)}</b>: simq plan predicted layers ${esc(m.predictedActive.join('/') || 'none')} on, the browser sent ${esc(measured.join('/') || 'none')}`,
      );
    }
    for (const l of m.layers.filter((x) => x.flagged)) {
      const dev =
        l.deviation === undefined
          ? ''
          : ` (${l.deviation > 0 ? '+' : ''}${Math.round(l.deviation * 100)} %, tolerance ±${Math.round(m.tolerance * 100)} %)`;
      items.push(
        `<b>${esc(s.id)}</b> ${esc(l.rid)}: predicted target ${num(l.predictedTargetKbps, 0)} kbps, browser ${num(l.measuredTargetKbps, 0)} kbps${esc(dev)}`,
      );
    }
  }
  return { items, compared };
}

function measureItems(inputs: ReportInputs): string[] {
  const items: string[] = [];
  const m = inputs.measure;
  if (m) {
    for (const w of m.warnings ?? []) items.push(esc(w));
    for (const s of m.skippedScenarios ?? [])
      items.push(`<b>${esc(s.id)}</b> not measured (${esc(s.status)}): ${esc(s.reason)}`);
    for (const l of m.layers ?? [])
      if (l.status === 'failed')
        items.push(`<b>${esc(l.scenarioId)}</b> ${esc(l.rid)} not measured: ${esc(l.error ?? 'failed')}`);
  }
  // One entry per layer (its native row), grouped per scenario and per kind of problem.
  const lowAlignment = new Map<string, string[]>();
  const dropped = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, text: string) => map.set(key, [...(map.get(key) ?? []), text]);
  for (const r of (inputs.quality ?? []).filter((q) => q.size === 'native')) {
    if (r.pairing === 'doubtful') add(lowAlignment, r.scenario_id, `${r.rid} ${r.paired_ambiguous ?? '?'} ambiguous`);
    if (r.frames && r.dropped !== undefined && r.dropped / r.frames > DROPPED_SHARE)
      add(dropped, r.scenario_id, `${r.rid} ${r.dropped}/${r.frames}`);
  }
  const group = (map: Map<string, string[]>) =>
    [...map].map(([id, list]) => `<b>${esc(id)}</b> ${esc(list.join(', '))}`).join('; ');
  if (lowAlignment.size) {
    items.push(
      `Pictures whose source frame could not be established at full size above ${Math.round(PAIRING_DOUBT_SHARE * 100)} % (scores may describe the wrong pictures): ${group(lowAlignment)}`,
    );
  }
  if (dropped.size)
    items.push(
      `Source frames dropped by the encoder above ${Math.round(DROPPED_SHARE * 100)} % of the window: ${group(dropped)}`,
    );
  return items;
}

function list(items: string[], empty: string): string {
  return items.length
    ? `<ul class="issues">${items.map((i) => `<li>${i}</li>`).join('')}</ul>`
    : `<p class="ok">${esc(empty)}</p>`;
}

export function renderHeader(inputs: ReportInputs, metric: ReportMetric | undefined, generatedAt: Date): string {
  const { run, measure } = inputs;
  const clip = run.input;
  const warmups = unique(run.scenarios.map((s) => s.scenario.warmupS));
  const durations = unique(run.scenarios.map((s) => s.scenario.durationS));
  const clipFact = (c: typeof clip) =>
    `${esc(path.basename(c.source))} – ${c.width}x${c.height} @ ${num(c.fps, 2)} fps, ${c.frames} frames <span class="dim">(sha256 ${esc(c.sourceSha256.slice(0, 12))}…)</span>`;
  const studyClips = run.clips && run.clips.length > 1 ? run.clips : undefined;
  const facts: [string, string][] = [
    studyClips
      ? [
          'clips',
          studyClips
            .map((c) => `<b>${esc(c.id)}</b>${c.label ? ` [${esc(c.label)}]` : ''}: ${clipFact(c)}`)
            .join('<br>'),
        ]
      : ['clip', clipFact(clip)],
    ...(run.merge
      ? [
          [
            'merged from',
            `${run.merge.from.map((f) => esc(f.shard ? `${f.runId} (shard ${f.shard.index}/${f.shard.count})` : f.runId)).join(', ')}${run.merge.mixed?.length ? ` – <b>mixed: ${esc(run.merge.mixed.map((m) => m.field).join(', '))}</b>` : ''}`,
          ] as [string, string],
        ]
      : []),
    [
      'captured',
      `${esc(run.createdAt)}${run.finishedAt ? ` → ${esc(run.finishedAt)}` : ''}; ${run.scenarios.length} scenario(s), ${durations.map((d) => `${d} s`).join('/')} each`,
    ],
    [
      'browser',
      `${esc(run.environment.browser.version)} <span class="dim">(${esc(run.environment.browser.path)})</span>`,
    ],
    ['encoders', esc(encoders(run))],
    [
      'ffmpeg',
      `${esc(run.environment.ffmpeg.version)}${run.environment.ffmpeg.libvmaf ? `, ${esc(run.environment.ffmpeg.libvmaf)}` : ''} <span class="dim">(${esc(run.environment.ffmpeg.source)})</span>`,
    ],
    [
      'quality metric',
      `${esc(metricBackend(measure))}${metric?.fallback ? ' – <b>no VMAF scores in this run: charts show PSNR-Y instead</b>' : ''}`,
    ],
    ['sampling', measure ? sampling(measure) : '–'],
    ['scaler', measure ? `${esc(measure.scaler)} (each layer scaled to every viewer size before scoring)` : '–'],
    ['viewer sizes', measure ? esc((measure.viewports ?? []).join(', ') || '–') : '–'],
    [
      'view',
      measure
        ? measure.view === 'displayed'
          ? 'displayed: every source frame of the window; a frame the encoder dropped counts as a frozen repeat of the previous picture'
          : 'encoded: only the frames the encoder produced'
        : '–',
    ],
    [
      'warm-up',
      `first ${warmups.map((w) => `${w} s`).join('/')} of each capture ${measure?.includeWarmup ? '<b>included</b> in the quality scores (--include-warmup)' : 'excluded from steady state and from the quality scores'}`,
    ],
    ['command', `<code>${esc(run.argv.join(' ') || '(not recorded)')}</code>`],
    [
      'simq',
      `${esc(run.environment.simq)} on ${esc(run.environment.platform)}, ${run.environment.cpus} CPUs, node ${esc(run.environment.node)}; report made ${esc(generatedAt.toISOString())}`,
    ],
  ];
  const model = modelItems(run);
  const modelBody =
    model.compared === 0
      ? '<p class="dim">No model comparison recorded in run.json.</p>'
      : list(
          model.items,
          `All ${model.compared} scenario(s): simq plan's predicted layer targets match the browser's within tolerance.`,
        );
  const status = `<span class="status status-${esc(run.status)}">${esc(run.status)}</span>`;
  return `<header>
<h1>simq report <span class="runid">${esc(run.runId)}</span> ${status}</h1>
<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('\n')}</dl>
<div class="checks">
<section><h3>Capture validity</h3>${list(validityItems(inputs), 'No validity problems: every layer reached its configured resolution and frame rate, none was CPU-limited.')}</section>
<section><h3>Model vs browser</h3>${modelBody}</section>
<section><h3>Measurement</h3>${list(measureItems(inputs), inputs.quality ? 'Every layer measured; frame alignment confirmed by content.' : 'Not measured yet.')}</section>
${inputs.notes.length ? `<section><h3>Not in this report</h3>${list(inputs.notes.map(esc), '')}</section>` : ''}
</div>
</header>`;
}
