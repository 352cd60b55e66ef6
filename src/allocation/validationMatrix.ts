// The validation matrix: the model's prediction next to what the browser measured, per codec x
// scenario x bandwidth cap. Built from capture run directories (`npm run matrix -- <run-dir>...`),
// committed as data/validation-matrix.json, and checked by test/validationMatrix.browser.test.ts.
import { readRunRecord } from '../rundir/RunDirectory.js';
import type { RunRecord, ScenarioRecord } from '../rundir/RunTypes.js';
import { compareModelWithBrowser } from './modelVsBrowser.js';

export const MATRIX_SCHEMA = 'simq.validation-matrix/1';

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
  /** The camera size of this cell when it differs from the matrix's input (e.g. a 640x360 capture). */
  input?: { width: number; height: number; fps: number; clip: string };
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
  layers: {
    rid: string;
    measuredOn: boolean;
    predictedOn: boolean;
    measuredKbps?: number;
    predictedKbps?: number;
    /** Under a binding cap: the range simq plan prints (kbps). */
    predictedRangeKbps?: [number, number];
    deviation?: number;
    withinTolerance: boolean;
    /** Within the predicted range (edges +-10%), or within tolerance of the point value where no range is given. */
    withinRange: boolean;
  }[];
  /** Same layers on, every target within 10% of the point prediction. */
  ok: boolean;
  /** Same layers on, every target within the predicted range. */
  okRange: boolean;
  capped: boolean;
}

function cellsOf(run: RunRecord, base: { width: number; height: number }): MatrixCell[] {
  const own = run.input.width !== base.width || run.input.height !== base.height;
  return run.scenarios
    .filter((s) => s.status === 'complete' || s.status === 'degraded')
    .map((s) => ({
      codec: s.scenario.codec,
      scenario: s.scenario.name,
      ...(own
        ? {
            input: {
              width: run.input.width,
              height: run.input.height,
              fps: run.input.fps,
              clip: run.input.source.split('/').pop() ?? run.input.source,
            },
          }
        : {}),
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

const cellKey = (c: MatrixCell) =>
  `${c.codec}|${c.scenario}|${c.capKbps ?? 'none'}|${c.input ? `${c.input.width}x${c.input.height}` : ''}`;

/** One cell per codec x scenario x cap: the longest capture wins (binding caps settle slowly). */
function dedupe(cells: MatrixCell[]): MatrixCell[] {
  const byKey = new Map<string, MatrixCell>();
  for (const c of cells) {
    const had = byKey.get(cellKey(c));
    if (!had || c.durationS > had.durationS) byKey.set(cellKey(c), c);
  }
  const order = [
    'all-layers',
    'top-off',
    'boost-mid',
    'only-low',
    'only-f',
    'standard-l1t3',
    'default-scale',
    'down-to',
  ];
  const rank = (c: MatrixCell) => (order.includes(c.scenario) ? order.indexOf(c.scenario) : order.length);
  const pixels = (c: MatrixCell) => (c.input ? c.input.width * c.input.height : Infinity);
  const codecs = ['vp8', 'h264', 'vp9', 'av1'];
  return [...byKey.values()].sort(
    (a, b) =>
      pixels(b) - pixels(a) ||
      rank(a) - rank(b) ||
      a.scenario.localeCompare(b.scenario) ||
      codecs.indexOf(a.codec) - codecs.indexOf(b.codec) ||
      (a.capKbps ?? Infinity) - (b.capKbps ?? Infinity),
  );
}

/** Builds a matrix from runs; with `base`, their cells are added to (and replace the same cells of) it. */
export function buildMatrix(runDirs: string[], base?: ValidationMatrix): ValidationMatrix {
  const runs = runDirs.map((d) => readRunRecord(d));
  if (base) {
    const cells = dedupe([...base.cells, ...runs.flatMap((r) => cellsOf(r, base.input))]);
    const encoders = { ...base.encoderImplementations };
    for (const r of runs)
      for (const s of r.scenarios)
        if (s.encoderImplementation)
          encoders[
            `${s.scenario.codec}${r.input.width === base.input.width ? '' : ` @${r.input.width}x${r.input.height}`}`
          ] ??= s.encoderImplementation;
    return { ...base, encoderImplementations: encoders, cells };
  }
  const first = runs[0];
  const encoders: Record<string, string> = {};
  for (const r of runs)
    for (const s of r.scenarios) if (s.encoderImplementation) encoders[s.scenario.codec] = s.encoderImplementation;
  return {
    schema: MATRIX_SCHEMA,
    browser: { version: first.environment.browser.version, userAgent: first.environment.browser.userAgent },
    encoderImplementations: encoders,
    input: {
      width: first.input.width,
      height: first.input.height,
      fps: first.input.fps,
      clip: first.input.source.split('/').pop() ?? first.input.source,
    },
    measuredAt: first.createdAt,
    cells: dedupe(runs.flatMap((r) => cellsOf(r, first.input))),
  };
}

/** The current model against one measured cell. */
export function compareCell(matrix: Pick<ValidationMatrix, 'input'>, cell: MatrixCell): CellComparison {
  const camera = cell.input ?? matrix.input;
  const a = compareModelWithBrowser(
    { codec: cell.codec as never, encodings: cell.encodings },
    camera,
    cell.measured,
    cell.capKbps === undefined ? null : cell.capKbps * 1000,
  );
  const layers = a.layers.map((l) => ({
    rid: l.rid,
    measuredOn: l.measuredOn,
    predictedOn: l.predictedOn,
    measuredKbps: l.measuredTargetKbps,
    predictedKbps: l.predictedTargetKbps,
    ...(l.predictedRangeKbps ? { predictedRangeKbps: l.predictedRangeKbps } : {}),
    deviation: l.deviation,
    withinTolerance: l.withinTolerance,
    withinRange: l.withinRange,
  }));
  return {
    cell,
    input: a.input,
    adapted: a.adapted,
    activeSetMatches: a.activeSetMatches,
    layers,
    ok: a.activeSetMatches && layers.every((l) => l.withinTolerance),
    okRange: a.activeSetMatches && layers.every((l) => l.withinRange),
    capped: cell.capKbps !== undefined,
  };
}

/** The summary line of `npm run matrix` and docs/validation-matrix.md: share within 10%, uncapped cells, ranges. */
export function matrixSummary(matrix: ValidationMatrix): string {
  const c = matrix.cells.map((cell) => compareCell(matrix, cell));
  const uncapped = c.filter((x) => !x.capped);
  const capped = c.filter((x) => x.capped);
  return (
    `${c.filter((x) => x.ok).length} of ${c.length} cells within 10% of the model's point prediction ` +
    `(${Math.round((100 * c.filter((x) => x.ok).length) / c.length)}%); uncapped: ${uncapped.filter((x) => x.ok).length} of ${uncapped.length} match; ` +
    `capped: ${capped.filter((x) => x.okRange).length} of ${capped.length} within the range simq plan prints`
  );
}

const cap = (c: MatrixCell) => (c.capKbps === undefined ? 'none' : `${c.capKbps}k`);

/** The matrix as a Markdown table: measured / model per layer, flagged cells marked. */
export function matrixMarkdown(matrix: ValidationMatrix): string {
  const lines = [
    `Chromium ${matrix.browser.version}, ${matrix.input.width}x${matrix.input.height} @ ${matrix.input.fps} fps (${matrix.input.clip}); ` +
      'kbps of outbound-rtp.targetBitrate (steady median), measured / model (a range under a binding cap: the encoder bitrate adjuster); ' +
      '**!** outside the model (10% tolerance). match: yes = within 10% of the point prediction, in range = within the range only.',
    '',
    '| codec | scenario | input | cap | capture s (warm-up) | q | h | f | match |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const cell of matrix.cells) {
    const c = compareCell(matrix, cell);
    const show = (rid: string) => {
      const l = c.layers.find((x) => x.rid === rid);
      if (!l) return '';
      const m = l.measuredOn ? String(Math.round(l.measuredKbps ?? 0)) : 'off';
      const p = l.predictedOn
        ? l.predictedRangeKbps
          ? `${Math.round(l.predictedRangeKbps[0])}-${Math.round(l.predictedRangeKbps[1])}`
          : String(Math.round(l.predictedKbps ?? 0))
        : 'off';
      return `${m} / ${p}${l.withinRange ? '' : ' **!**'}`;
    };
    const note = c.adapted ? ` (browser scaled input to ${c.input.width}x${c.input.height})` : '';
    const camera = cell.input ?? matrix.input;
    const match = c.ok ? 'yes' : c.okRange ? 'in range' : '**no**';
    lines.push(
      `| ${cell.codec} | ${cell.scenario} | ${camera.width}x${camera.height} | ${cap(cell)} | ${cell.durationS} (${cell.warmupS}) | ${show('q')} | ${show('h')} | ${show('f')} | ${match}${note} |`,
    );
  }
  return lines.join('\n');
}
