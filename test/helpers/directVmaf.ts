// VMAF computed by libvmaf itself on the pictures simq says it measured, without simq's code: the
// layer's bitstream decoded by ffmpeg, the reference Y4M decoded by ffmpeg, both scaled to the
// measurement size with ffmpeg's bicubic scaler (the scaler the measure stage names in run.json),
// the frames picked by pictures.csv's frame_index / source_index, then one libvmaf run over the two
// raw streams. 4:2:0 frame sizes round chroma up for odd sizes (libavutil/imgutils.c: chroma is
// AV_CEIL_RSHIFT(w, 1) x AV_CEIL_RSHIFT(h, 1)), computed here on its own.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProcess } from '../../src/tools/process.js';

export const yuv420pFrameBytes = (w: number, h: number) => w * h + 2 * ((w + 1) >> 1) * ((h + 1) >> 1);

/** The frames `wanted` of `file`, decoded and scaled to width x height (yuv420p), keyed by index. */
function decodeFrames(
  ffmpeg: string,
  file: string,
  width: number,
  height: number,
  wanted: Set<number>,
): Promise<Map<number, Buffer>> {
  const size = yuv420pFrameBytes(width, height);
  return new Promise((resolve, reject) => {
    const child = spawn(
      ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-i',
        file,
        '-vf',
        `scale=${width}:${height}:flags=bicubic`,
        '-vsync',
        'passthrough',
        '-pix_fmt',
        'yuv420p',
        '-f',
        'rawvideo',
        '-',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out = new Map<number, Buffer>();
    let pending: Buffer[] = [];
    let have = 0;
    let index = 0;
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      pending.push(c);
      have += c.length;
      while (have >= size) {
        const all = Buffer.concat(pending);
        if (wanted.has(index)) out.set(index, Buffer.from(all.subarray(0, size)));
        index++;
        pending = [all.subarray(size)];
        have -= size;
      }
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`ffmpeg ${file}: ${stderr}`))));
  });
}

export interface DirectVmafInput {
  ffmpeg: string;
  /** libvmaf option for the model, e.g. model_path=/.../vmaf_float_v0.6.1.pkl */
  modelOption: string;
  bitstream: string;
  referenceY4m: string;
  /** Measurement size. */
  width: number;
  height: number;
  /** [frame_index, source_index] of each measured picture, in display order. */
  pairs: [number, number][];
}

/** Per-picture VMAF from libvmaf run directly. */
export async function directVmaf(input: DirectVmafInput): Promise<number[]> {
  const { ffmpeg, width, height, pairs } = input;
  const dist = await decodeFrames(ffmpeg, input.bitstream, width, height, new Set(pairs.map((p) => p[0])));
  const ref = await decodeFrames(ffmpeg, input.referenceY4m, width, height, new Set(pairs.map((p) => p[1])));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-direct-vmaf-'));
  try {
    const pick = (m: Map<number, Buffer>, i: number, what: string) => {
      const b = m.get(i);
      if (!b) throw new Error(`${what} frame ${i} not decoded`);
      return b;
    };
    writeFileSync(path.join(tmp, 'd.yuv'), Buffer.concat(pairs.map(([f]) => pick(dist, f, 'layer'))));
    writeFileSync(path.join(tmp, 'r.yuv'), Buffer.concat(pairs.map(([, s]) => pick(ref, s, 'reference'))));
    const raw = ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-r', '30'];
    const log = path.join(tmp, 'vmaf.json');
    const r = await runProcess(
      ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        ...raw,
        '-i',
        path.join(tmp, 'd.yuv'),
        ...raw,
        '-i',
        path.join(tmp, 'r.yuv'),
        '-lavfi',
        `[0:v][1:v]libvmaf=${input.modelOption}:log_path=${log}:log_fmt=json`,
        '-f',
        'null',
        '-',
      ],
      { timeoutMs: 600_000 },
    );
    if (r.code !== 0) throw new Error(`libvmaf: ${r.stderr}`);
    return (JSON.parse(readFileSync(log, 'utf8')) as { frames: { metrics: { vmaf: number } }[] }).frames.map(
      (f) => f.metrics.vmaf,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
