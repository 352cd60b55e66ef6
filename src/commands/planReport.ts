// `simq plan` output: per scenario and codec, the layer configuration and the allocation at each
// bandwidth, as text tables (stdout) or one JSON document (--json).
import type { AllocationPrediction, InputVideo, LayerPrediction } from '../allocation/AllocationTypes.js';
import type { SendSideCalibration } from '../allocation/Calibration.js';
import { renderTable } from '../ui/table.js';
import { renderSvcPlan } from './svcPlanReport.js';
import { formatKbps } from '../units.js';

export interface PlanEntry {
  /** e.g. "all-layers.vp8" */
  id: string;
  scenario: string;
  description?: string;
  /** Unconstrained first, then one per bandwidth value in the order given. */
  allocations: AllocationPrediction[];
}

export interface PlanDocument {
  input: InputVideo;
  calibration: SendSideCalibration;
  plans: PlanEntry[];
}

const kbps = (bps: number) => Math.round(bps / 1000);

function bandwidthLabel(p: AllocationPrediction): string {
  return p.budget.capBps === null ? 'unlimited' : `${formatKbps(p.budget.capBps)}k`;
}

function layerCell(l: LayerPrediction): string {
  switch (l.state) {
    case 'on':
      // Under a binding cap the adjuster's factor is not knowable without encoding: a range, not one number.
      if (l.predictedRangeBps) return `${kbps(l.predictedRangeBps[0])}-${kbps(l.predictedRangeBps[1])}`;
      return l.predictedTargetBps === l.allocatedBps
        ? `${kbps(l.allocatedBps)}`
        : `${kbps(l.predictedTargetBps)} (${kbps(l.allocatedBps)})`;
    case 'off-bandwidth':
      return 'off';
    case 'inactive':
      return 'inactive';
    case 'dropped':
      return 'not sent';
    case 'not-sent':
      return '-';
  }
}

function configTable(p: AllocationPrediction): string {
  const rows = p.layers.map((l) =>
    l.configured
      ? [
          l.rid,
          `${l.width}x${l.height}`,
          l.active ? 'yes' : 'no',
          String(l.frameRate),
          `T${l.temporalLayers}`,
          kbps(l.minBps),
          kbps(l.targetBps),
          kbps(l.maxBps),
          l.notes.join('; '),
        ]
      : [
          l.rid,
          '-',
          l.active ? 'yes' : 'no',
          '-',
          '-',
          '-',
          '-',
          '-',
          l.state === 'dropped'
            ? 'not sent for this input size (encoder_stream_factory.cc)'
            : 'not sent (single stream)',
        ],
  );
  return renderTable(['rid', 'resolution', 'active', 'fps', 'TL', 'min', 'target', 'max', 'from'], rows, [
    false,
    false,
    false,
    true,
    false,
    true,
    true,
    true,
    false,
  ]);
}

function allocationTable(allocations: AllocationPrediction[]): string {
  const rids = allocations[0].layers.map((l) => l.rid);
  const rows = allocations.map((p) => [
    bandwidthLabel(p),
    kbps(p.budget.encoderTargetBps),
    ...p.layers.map(layerCell),
    p.activeRids.length ? p.activeRids.join(' ') : 'none',
  ]);
  return renderTable(['bandwidth', 'encoder', ...rids, 'layers on'], rows, [
    false,
    true,
    ...rids.map(() => true),
    false,
  ]);
}

export function renderPlanText(doc: PlanDocument): string {
  const out: string[] = [];
  for (const plan of doc.plans) {
    const base = plan.allocations[0];
    out.push(
      `${plan.scenario} / ${base.codec} - input ${doc.input.width}x${doc.input.height} @ ${doc.input.fps} fps${base.simulcast ? '' : ' (NOT simulcast)'}`,
    );
    if (plan.description) out.push(`  ${plan.description}`);
    out.push('');
    out.push(indent(configTable(base)));
    out.push('');
    out.push(indent(allocationTable(plan.allocations)));
    const svc = renderSvcPlan(plan.allocations);
    if (svc.length) out.push('', ...svc);
    const notes = new Set<string>();
    for (const p of plan.allocations) for (const n of p.notes) notes.add(n);
    for (const p of plan.allocations) {
      for (const l of p.layers) {
        const boost = l.notes.find((n) => n.startsWith('max raised'));
        if (boost && l.active && p.budget.capBps !== null) notes.add(`at ${bandwidthLabel(p)}: ${l.rid} ${boost}`);
      }
    }
    out.push('');
    out.push('  kbps. encoder: total the simulcast allocator splits (the cap minus packet overhead, at most the');
    out.push("  active layers' max). Per layer: predicted outbound-rtp.targetBitrate; under a binding cap the");
    out.push("  range it falls in (low-high, high = the allocator's share: see the adjuster note).");
    // Cap arithmetic first, then what holds for several rows.
    const ordered = [...notes].sort((a, b) => Number(!a.startsWith('cap ')) - Number(!b.startsWith('cap ')));
    for (const n of ordered) out.push(`  - ${n}`);
    out.push('');
  }
  return out.join('\n');
}

export function planJson(doc: PlanDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
