// `simq plan` tables for one SVC encoding: its spatial layers (size, min/target/max) and, per
// bandwidth, each spatial layer's share with its temporal split and the operating points.
import type { AllocationPrediction } from '../allocation/AllocationTypes.js';
import { renderTable } from '../ui/table.js';
import { formatKbps } from '../units.js';

const kbps = (bps: number) => Math.round(bps / 1000);

function spatialConfigTable(p: AllocationPrediction): string {
  const svc = p.svc!;
  const rows = svc.config.layers.map((l) => [
    `S${l.index}`,
    `${l.width}x${l.height}`,
    `T${l.temporalLayers}`,
    kbps(l.minBps),
    kbps(l.targetBps),
    kbps(l.maxBps),
  ]);
  return renderTable(['layer', 'resolution', 'TL', 'min', 'target', 'max'], rows, [
    false,
    false,
    false,
    true,
    true,
    true,
  ]);
}

function spatialAllocationTable(allocations: AllocationPrediction[]): string {
  const count = allocations.find((p) => p.svc)?.svc?.config.layers.length ?? 0;
  const heads = Array.from({ length: count }, (_, s) => `S${s} (T0/T1/T2)`);
  const rows = allocations.map((p) => {
    const label = p.budget.capBps === null ? 'unlimited' : `${formatKbps(p.budget.capBps)}k`;
    const cells = Array.from({ length: count }, (_, s) => {
      const bps = p.svc?.allocation.spatialBps[s] ?? 0;
      return bps > 0 ? `${kbps(bps)} (${p.svc!.allocation.temporalBps[s].map(kbps).join('/')})` : 'off';
    });
    return [label, kbps(p.svc?.allocation.totalBps ?? 0), ...cells];
  });
  return renderTable(['bandwidth', 'total', ...heads], rows, [false, true, ...heads.map(() => true)]);
}

function operatingPointTable(p: AllocationPrediction): string {
  const rows = (p.svc?.operatingPoints ?? []).map((o) => [
    `S${o.spatial}T${o.temporal}`,
    `${o.width}x${o.height}`,
    kbps(o.bps),
  ]);
  return renderTable(['point', 'size', 'kbps'], rows, [false, false, true]);
}

/** The SVC part of a plan, or [] when the scenario is not one SVC encoding. */
export function renderSvcPlan(allocations: AllocationPrediction[]): string[] {
  const base = allocations[0];
  if (!allocations.some((p) => p.svc)) return [];
  const mode = (allocations.find((p) => p.svc) ?? base).svc!;
  return [
    `  SVC ${mode.config.mode}${mode.config.mode !== mode.config.requestedMode ? ` (asked: ${mode.config.requestedMode})` : ''}: spatial layers of the one encoding`,
    '',
    ...indent(spatialConfigTable(allocations.find((p) => p.svc)!)),
    '',
    ...indent(spatialAllocationTable(allocations)),
    '',
    `  operating points at ${base.budget.capBps === null ? 'unlimited bandwidth' : `${formatKbps(base.budget.capBps)}k`} (what an SFU forwards for each; kbps)`,
    ...indent(operatingPointTable(base.svc ? base : allocations.find((p) => p.svc)!)),
  ];
}

function indent(text: string): string[] {
  return text.split('\n').map((l) => `  ${l}`);
}
