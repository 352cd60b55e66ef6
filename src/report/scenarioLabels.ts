// Short names for scenarios and layers as a video engineer reads them on a chart: the definition
// name, the bandwidth cap and the sweep values ("h-sweep h max 600k", "all-layers cap 1200k").
import type { RunRecord, ScenarioRecord } from '../rundir/RunTypes.js';
import type { RtpEncodingParameters } from '../scenario/ScenarioTypes.js';

const kbps = (bps: number) => `${Math.round(bps / 1000)}k`;

/** "h max 600k" for {"h.maxBitrate": 600000}. */
export function sweepText(key: string, value: number): string {
  const [rid, field] = key.split('.');
  if (field === 'maxBitrate') return `${rid} max ${kbps(value)}`;
  if (field === 'maxFramerate') return `${rid} ${value} fps`;
  if (field === 'scaleResolutionDownBy') return `${rid} /${value}`;
  return `${key}=${value}`;
}

export function scenarioLabel(s: ScenarioRecord | undefined, fallbackId: string): string {
  if (!s) return fallbackId;
  const parts = [s.scenario.name];
  if (s.scenario.bandwidthBps !== undefined) parts.push(`cap ${kbps(s.scenario.bandwidthBps)}`);
  for (const [k, v] of Object.entries(s.scenario.sweepPoint ?? {})) parts.push(sweepText(k, v));
  return parts.join(' ');
}

/** "q/h/f at scale 4/2/1; h maxBitrate 600 kbps; f off" */
export function encodingsSummary(encodings: RtpEncodingParameters[]): string {
  const parts = [
    `${encodings.map((e) => e.rid).join('/')} at scale ${encodings.map((e) => e.scaleResolutionDownBy).join('/')}`,
  ];
  for (const e of encodings) {
    const extra: string[] = [];
    if (e.maxBitrate !== undefined) extra.push(`maxBitrate ${Math.round(e.maxBitrate / 1000)} kbps`);
    if (e.maxFramerate !== undefined) extra.push(`maxFramerate ${e.maxFramerate}`);
    if (!e.active) extra.push('inactive');
    if (extra.length) parts.push(`${e.rid} ${extra.join(', ')}`);
  }
  const modes = [...new Set(encodings.map((e) => e.scalabilityMode).filter(Boolean))];
  if (modes.length) parts.push(modes.join('/'));
  return parts.join('; ');
}

/** Every rid of the run in encodings order (q, h, f for the presets). */
export function runRids(run: RunRecord): string[] {
  const rids: string[] = [];
  for (const s of run.scenarios) for (const e of s.scenario.encodings) if (!rids.includes(e.rid)) rids.push(e.rid);
  return rids;
}

/** Sorts "WxH" sizes by pixel count; "native" first. */
export function compareSizes(a: string, b: string): number {
  if (a === b) return 0;
  if (a === 'native') return -1;
  if (b === 'native') return 1;
  const px = (s: string) =>
    s
      .split('x')
      .map(Number)
      .reduce((x, y) => x * y, 1);
  return px(a) - px(b) || a.localeCompare(b);
}
