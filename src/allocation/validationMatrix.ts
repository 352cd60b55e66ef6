// The validation matrix: the model's prediction next to what the browser measured, per codec x
// scenario x bandwidth cap. Built from capture run directories (`npm run matrix -- <run-dir>...`),
// committed as data/validation-matrix.json, and checked by test/validationMatrix.test.ts.
import { readRunRecord } from '../rundir/RunDirectory.js';
import type { RunRecord, ScenarioRecord } from '../rundir/RunTypes.js';
import { inputFromLayerSizes } from './LayerResolution.js';
import { predictAllocation } from './predictAllocation.js';

export const MATRIX_SCHEMA = 'simq.validation-matrix/1';
/** A layer's measured steady target may differ this much from the model's and still count as matched. */
export const MATRIX_TOLERANCE = 0.1;

export interface MatrixLayer {
  rid: string;
  width: number;
  height: number;
  /** Measured: sent in steady state. */
  on: boolean;
  /** Median steady outbound-rtp.targetBitrate, kbps. */
  targetKbps?: number;
  actualKbps?: number;
}

export interface MatrixCell {
  codec: string;
  scenario: string;
  /** The scenario's total cap, kbps; undefined = uncapped. */
  capKbps?: number;
  encodings: ScenarioRecord['scenario']['encodings'];
  measured: MatrixLayer[];
  /** Problems the capture's validity guard saw (CPU, frame rate), kept as context. */
  captureProblems: string[];
  durationS: number;
  warmupS: number;
}

export interface ValidationMatrix {
  schema: typeof MATRIX_SCHEMA;
  browser: { version: string; userAgent?: string };
  encoderImplementations: Record<string, string>;
  input: { width: number; height: number; fps: number; clip: string };
  measuredAt: string;
  cells: MatrixCell[];
}

export interface CellComparison {
  cell: MatrixCell;
  /** The input size the comparison used: the browser's own when it scaled the input down. */
  input: { width: number; height: number };
  adapted: boolean;
  activeSetMatches: boolean;
  layers: { rid: string; measuredOn: boolean; predictedOn: boolean; measuredKbps?: number; predictedKbps?: number; deviation?: number; withinTolerance: boolean }[];
  ok: boolean;
}

function cellsOf(run: RunRecord): MatrixCell[] {
  return run.scenarios
    .filter((s) => s.status === 'complete' || s.status === 'degraded')
    .map((s) => ({
      codec: s.scenario.codec,
      scenario: s.scenario.name,
      capKbps: s.scenario.bandwidthBps === undefined ? undefined : s.scenario.bandwidthBps / 1000,
      encodings: s.scenario.encodings,
      measured: s.layers.map((l) => ({
        rid: l.rid,
        width: l.steady?.width ?? l.configured.width,
        height: l.steady?.height ?? l.configured.height,
        on: Boolean(l.active && l.steady?.fps),
        targetKbps: l.steady?.targetKbpsMedian,
        actualKbps: l.steady?.actualKbpsMean,
      })),
      captureProblems: s.problems.map((p) => p.message),
      durationS: s.scenario.durationS,
      warmupS: s.scenario.warmupS,
    }));
}

const cellKey = (c: MatrixCell) => `${c.codec}|${c.scenario}|${c.capKbps ?? 'none'}`;

/** One cell per codec x scenario x cap: the longest capture wins (binding caps settle slowly). */
function dedupe(cells: MatrixCell[]): MatrixCell[] {
  const byKey = new Map<string, MatrixCell>();
  for (const c of cells) {
    const had = byKey.get(cellKey(c));
    if (!had || c.durationS > had.durationS) byKey.set(cellKey(c), c);
  }
  const order = ['all-layers', 'top-off', 'boost-mid'];
  const codecs = ['vp8', 'h264', 'vp9', 'av1'];
  return [...byKey.values()].sort(
    (a, b) =>
      order.indexOf(a.scenario) - order.indexOf(b.scenario) ||
      codecs.indexOf(a.codec) - codecs.indexOf(b.codec) ||
      (a.capKbps ?? Infinity) - (b.capKbps ?? Infinity),
  );
}

export function buildMatrix(runDirs: string[]): ValidationMatrix {
  const runs = runDirs.map((d) => readRunRecord(d));
  const first = runs[0];
  const encoders: Record<string, string> = {};
  for (const r of runs) for (const s of r.scenarios) if (s.encoderImplementation) encoders[s.scenario.codec] = s.encoderImplementation;
  return {
    schema: MATRIX_SCHEMA,
    browser: { version: first.environment.browser.version, userAgent: first.environment.browser.userAgent },
    encoderImplementations: encoders,
    input: { width: first.input.width, height: first.input.height, fps: first.input.fps, clip: first.input.source.split('/').pop() ?? first.input.source },
    measuredAt: first.createdAt,
    cells: dedupe(runs.flatMap(cellsOf)),
  };
}

/** The current model against one measured cell. */
export function compareCell(matrix: Pick<ValidationMatrix, 'input'>, cell: MatrixCell): CellComparison {
  const size = inputFromLayerSizes(
    matrix.input,
    cell.measured.filter((m) => m.on).map((m) => ({ ...m, scaleResolutionDownBy: cell.encodings.find((e) => e.rid === m.rid)?.scaleResolutionDownBy ?? 1 })),
  );
  const adapted = size.width !== matrix.input.width || size.height !== matrix.input.height;
  const prediction = predictAllocation(
    { codec: cell.codec as never, encodings: cell.encodings },
    { ...size, fps: matrix.input.fps },
    cell.capKbps === undefined ? null : cell.capKbps * 1000,
  );
  const layers = prediction.layers.map((p) => {
    const m = cell.measured.find((x) => x.rid === p.rid);
    const predictedOn = p.state === 'on';
    const measuredOn = Boolean(m?.on);
    const predictedKbps = predictedOn ? Math.round(p.predictedTargetBps / 100) / 10 : undefined;
    const deviation = predictedOn && measuredOn && m?.targetKbps !== undefined ? (m.targetKbps - predictedKbps!) / predictedKbps! : undefined;
    return {
      rid: p.rid,
      measuredOn,
      predictedOn,
      measuredKbps: m?.targetKbps,
      predictedKbps,
      deviation: deviation === undefined ? undefined : Math.round(deviation * 1000) / 1000,
      withinTolerance: predictedOn === measuredOn && (deviation === undefined || Math.abs(deviation) <= MATRIX_TOLERANCE),
    };
  });
  const activeSetMatches = layers.every((l) => l.predictedOn === l.measuredOn);
  return { cell, input: size, adapted, activeSetMatches, layers, ok: activeSetMatches && layers.every((l) => l.withinTolerance) };
}

const cap = (c: MatrixCell) => (c.capKbps === undefined ? 'none' : `${c.capKbps}k`);

/** The matrix as a Markdown table: measured / model per layer, flagged cells marked. */
export function matrixMarkdown(matrix: ValidationMatrix): string {
  const lines = [
    `Chromium ${matrix.browser.version}, ${matrix.input.width}x${matrix.input.height} @ ${matrix.input.fps} fps (${matrix.input.clip}); ` +
      'kbps of outbound-rtp.targetBitrate (steady median), measured / model; **!** more than 10% apart.',
    '',
    '| codec | scenario | cap | capture s (warm-up) | q | h | f | match |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const cell of matrix.cells) {
    const c = compareCell(matrix, cell);
    const show = (rid: string) => {
      const l = c.layers.find((x) => x.rid === rid);
      if (!l) return '';
      const m = l.measuredOn ? String(Math.round(l.measuredKbps ?? 0)) : 'off';
      const p = l.predictedOn ? String(Math.round(l.predictedKbps ?? 0)) : 'off';
      return `${m} / ${p}${l.withinTolerance ? '' : ' **!**'}`;
    };
    const note = c.adapted ? ` (browser scaled input to ${c.input.width}x${c.input.height})` : '';
    lines.push(`| ${cell.codec} | ${cell.scenario} | ${cap(cell)} | ${cell.durationS} (${cell.warmupS}) | ${show('q')} | ${show('h')} | ${show('f')} | ${c.ok ? 'yes' : '**no**'}${note} |`);
  }
  return lines.join('\n');
}
