// An independent check of frame pairing: for every measured picture that is a real encoded frame
// (pictures.csv, size "native", frozen 0), decode the layer at its own size and the reference scaled
// to that size with ffmpeg (its default bicubic scaler, not simq's), and find the source frame that
// matches best by luma PSNR: every frame within +-window of simq's choice on every pixel, and the
// best of a search over the whole clip (on every 5th pixel, then scored on every pixel), so a run
// of equally wrong neighbours cannot pass for a tie. simq's choice counts as right when it scores
// within `tieDb` of that best one (static content ties).
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { runProcess } from '../../src/tools/process.js';

export interface PairingCheck {
  scenarioId: string;
  rid: string;
  pictures: number;
  right: number;
  /** Pictures where a neighbour scored more than tieDb better: [frame_index, simq's source, best source, dB lost]. */
  wrong: [number, number, number, number][];
}

export async function grayFrames(ffmpeg: string, file: string, width: number, height: number): Promise<Buffer[]> {
  const r = await runProcess(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-i',
      file,
      '-vf',
      `scale=${width}:${height},format=gray`,
      '-vsync',
      'passthrough',
      '-f',
      'rawvideo',
      '-',
    ],
    { timeoutMs: 600_000 },
  );
  if (r.code !== 0) throw new Error(`ffmpeg ${file}: ${r.stderr}`);
  const size = width * height;
  return Array.from({ length: Math.floor(r.stdout.length / size) }, (_, i) =>
    r.stdout.subarray(i * size, (i + 1) * size),
  );
}

function psnr(a: Buffer, b: Buffer, stride = 1): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += stride) {
    const d = a[i] - b[i];
    sum += d * d;
    n++;
  }
  return sum === 0 ? 100 : 10 * Math.log10((255 * 255 * n) / sum);
}

/** The source frame that looks most like `frame` over the whole clip (sampled pixels). */
function wholeClipBest(frame: Buffer, ref: Buffer[]): number {
  let best = 0;
  let bestScore = -Infinity;
  ref.forEach((r, i) => {
    const score = psnr(frame, r, 5);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

/**
 * The brute-force check of one picture: simq's source frame `chosen` is right when it scores within
 * `tieDb` of the best among its +-window neighbours and the best match over the whole clip.
 * Returns undefined when right, else [best source, dB lost].
 */
export function wrongPairing(
  frame: Buffer,
  ref: Buffer[],
  chosen: number,
  window = 3,
  tieDb = 0.5,
): [number, number] | undefined {
  const n = ref.length;
  let best = chosen;
  let bestScore = -Infinity;
  const chosenScore = psnr(frame, ref[chosen]);
  const candidates = Array.from({ length: 2 * window + 1 }, (_, k) => (((chosen + k - window) % n) + n) % n);
  candidates.push(wholeClipBest(frame, ref));
  for (const c of candidates) {
    const score = psnr(frame, ref[c]);
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return chosenScore >= bestScore - tieDb ? undefined : [best, Math.round((bestScore - chosenScore) * 100) / 100];
}

function csvRows(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

interface RunJson {
  input: { y4m: string };
  scenarios: { id: string; layers: { rid: string; bitstream?: string }[] }[];
}

export async function checkPairing(ffmpeg: string, runDir: string, window = 3, tieDb = 0.5): Promise<PairingCheck[]> {
  const run = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as RunJson;
  const measured = csvRows(path.join(runDir, 'pictures.csv')).filter((r) => r.size === 'native' && r.frozen === '0');
  const out: PairingCheck[] = [];
  const refBySize = new Map<string, Buffer[]>();
  for (const s of run.scenarios) {
    for (const l of s.layers) {
      const rows = measured.filter((r) => r.scenario_id === s.id && r.rid === l.rid);
      if (!l.bitstream || rows.length === 0) continue;
      const framesCsv = csvRows(path.join(runDir, s.id, `${l.rid}.frames.csv`));
      const width = Number(framesCsv[0].width);
      const height = Number(framesCsv[0].height);
      const key = `${width}x${height}`;
      if (!refBySize.has(key)) refBySize.set(key, await grayFrames(ffmpeg, run.input.y4m, width, height));
      const ref = refBySize.get(key)!;
      const layer = await grayFrames(ffmpeg, path.join(runDir, s.id, l.bitstream), width, height);
      const check: PairingCheck = { scenarioId: s.id, rid: l.rid, pictures: rows.length, right: 0, wrong: [] };
      for (const row of rows) {
        const wrong = wrongPairing(layer[Number(row.frame_index)], ref, Number(row.source_index), window, tieDb);
        if (!wrong) check.right++;
        else check.wrong.push([Number(row.frame_index), Number(row.source_index), ...wrong]);
      }
      out.push(check);
    }
  }
  return out;
}
