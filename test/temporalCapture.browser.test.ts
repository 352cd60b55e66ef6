// Temporal operating points on a real capture of the camera sample: Chrome sends each VP8 layer with
// three temporal levels (libwebrtc default_temporal_layers.cc), `simq measure --temporal-layers`
// adds a quality.csv row per (layer, size, level). Expectations come from the captured files
// themselves (<rid>.frames.csv bytes, a separate ffmpeg decode of each level's frames alone).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { cameraSample, FFMPEG, readCsv, readJson, simq } from './helpers/simq.js';

let dir: string;
let run: string;
let rows: Record<string, string>[];
let record: RunRecord;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-temporal-'));
  const clip = await cameraSample();
  const c = await simq([
    'capture',
    clip,
    '--scenario',
    'all-layers',
    '--duration',
    '4',
    '--warmup',
    '1',
    '--out',
    dir,
    '--run-id',
    'tl',
    '--allow-degraded',
    '--quiet',
  ]);
  expect(c.code, c.stderr).toBe(0);
  run = path.join(dir, 'tl');
  const m = await simq(['measure', run, '--temporal-layers', '--viewports', '640x360', '--quiet']);
  expect([ExitCode.ok, ExitCode.degraded], m.stderr).toContain(m.code);
  rows = readCsv(path.join(run, 'quality.csv'));
  record = readJson<RunRecord>(path.join(run, 'run.json'));
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const METRICS = ['frames', 'dropped', 'vmaf_mean', 'psnr_y_mean', 'ssim_mean'];

function layers() {
  const s = record.scenarios[0];
  return s.layers.filter((l) => l.active && l.bitstream).map((l) => ({ s, l }));
}

function frameRows(rid: string) {
  return readCsv(path.join(run, record.scenarios[0].id, `${rid}.frames.csv`));
}

describe('measure --temporal-layers on the camera sample', () => {
  it('keeps the full-rate rows, and adds levels 0, 1, 2 of every layer at every size', () => {
    const full = rows.filter((r) => r.temporal_layer === '');
    expect(full.length).toBe(layers().length * 2);
    for (const r of full) expect([r.op_fps, r.op_kbps]).toEqual(['', '']);
    for (const { l } of layers()) {
      for (const size of ['native', '640x360']) {
        const ops = rows.filter((r) => r.rid === l.rid && r.size === size && r.temporal_layer !== '');
        expect(
          ops.map((r) => r.temporal_layer),
          `${l.rid} ${size}`,
        ).toEqual(['0', '1', '2']);
        // The top level forwards every frame: the layer's own pictures and scores.
        const own = full.find((r) => r.rid === l.rid && r.size === size)!;
        for (const c of METRICS) expect(ops[2][c], `${l.rid} ${size} ${c}`).toBe(own[c]);
      }
    }
  });

  it("fps near 7.5 / 15 / 30 and kbps the sum of the frames' bytes over the steady window, rising with the level", () => {
    for (const { l } of layers()) {
      const ops = rows.filter((r) => r.rid === l.rid && r.size === 'native' && r.temporal_layer !== '');
      const fps = ops.map((r) => Number(r.op_fps));
      const kbps = ops.map((r) => Number(r.op_kbps));
      // libvpx's pattern 0,2,1,2: a quarter of the frames on level 0, half on levels 0-1. The top
      // level forwards every frame: the encoder's own rate (outbound-rtp framesEncoded), which is
      // near 30 unless the busy machine made the encoder drop frames (flagged in run.json).
      const own = Number(rows.find((r) => r.rid === l.rid && r.size === 'native' && r.temporal_layer === '')!.fps);
      expect(fps[2] / own, l.rid).toBeGreaterThan(0.85);
      expect(fps[2] / own, l.rid).toBeLessThan(1.15);
      const slowed = record.scenarios[0].problems.some(
        (p) => p.rid === l.rid && (p.kind === 'cpu-limited' || p.kind === 'low-framerate'),
      );
      if (!slowed) expect(fps[2], l.rid).toBeGreaterThan(22);
      if (!slowed && own >= 27) {
        expect(fps[0] / fps[2], l.rid).toBeCloseTo(0.25, 1);
        expect(fps[1] / fps[2], l.rid).toBeCloseTo(0.5, 1);
      } else {
        // A starved encoder drops frames, and libvpx's rate control drops them on the upper levels
        // first (seen under load: q at 20 fps kept its 7.5 fps on level 0, a ratio of 0.37), so only
        // the order and level 0's share of the configured rate hold.
        console.warn(`${l.rid}: encoded at ${own} fps (dropped frames): the level shares are not checked`);
        expect(fps[0], l.rid).toBeLessThan(fps[1]);
        expect(fps[1], l.rid).toBeLessThan(fps[2]);
        expect(fps[0], l.rid).toBeLessThanOrEqual(7.5 * 1.1);
      }
      expect(kbps[0]).toBeLessThan(kbps[1]);
      expect(kbps[1]).toBeLessThan(kbps[2]);
      // Brute force from the capture's own frame list.
      const { fromS, toS } = l.steady!;
      const frames = frameRows(l.rid).filter((f) => Number(f.time_s) >= fromS && Number(f.time_s) < toS);
      for (const t of [0, 1, 2]) {
        const mine = frames.filter((f) => Number(f.temporal_index) <= t);
        const expected = (mine.reduce((n, f) => n + Number(f.bytes), 0) * 8) / 1000 / (toS - fromS);
        expect(kbps[t], `${l.rid} T${t}`).toBeCloseTo(expected, 0);
        expect(fps[t], `${l.rid} T${t}`).toBeCloseTo(mine.length / (toS - fromS), 1);
      }
    }
  });

  it('on moving content, the viewer of level 0 sees a worse picture than the viewer of level 2', () => {
    for (const { l } of layers()) {
      const ops = rows.filter((r) => r.rid === l.rid && r.size === 'native' && r.temporal_layer !== '');
      expect(Number(ops[0].vmaf_mean), l.rid).toBeLessThan(Number(ops[2].vmaf_mean));
      expect(Number(ops[0].dropped), l.rid).toBeGreaterThan(Number(ops[2].dropped));
    }
  });

  it('each level decodes alone to the same pictures as the full decode at those frames', () => {
    for (const { s, l } of layers()) {
      const ivf = path.join(run, s.id, l.bitstream!);
      const levels = frameRows(l.rid).map((f) => Number(f.temporal_index));
      const fullMd5 = frameMd5(ivf);
      expect(fullMd5.length).toBe(levels.length);
      for (const t of [0, 1]) {
        const keep = levels.map((v, i) => (v <= t ? i : -1)).filter((i) => i >= 0);
        const sub = path.join(dir, `${l.rid}.t${t}.ivf`);
        writeFileSync(sub, ivfSubset(readFileSync(ivf), new Set(keep)));
        expect(frameMd5(sub), `${l.rid} T${t}`).toEqual(keep.map((i) => fullMd5[i]));
      }
    }
  });
});

/** The IVF file with only the frames whose index is kept (header frame count updated). */
function ivfSubset(file: Buffer, keep: Set<number>): Buffer {
  const headerBytes = file.readUInt16LE(6);
  const parts: Buffer[] = [Buffer.from(file.subarray(0, headerBytes))];
  let pos = headerBytes;
  for (let i = 0; pos < file.length; i++) {
    const size = file.readUInt32LE(pos);
    if (keep.has(i)) parts.push(file.subarray(pos, pos + 12 + size));
    pos += 12 + size;
  }
  parts[0].writeUInt32LE(keep.size, 24);
  return Buffer.concat(parts);
}

/** MD5 of each decoded picture, in decode order (ffmpeg's framemd5 muxer). */
function frameMd5(ivf: string): string[] {
  const r = spawnSync(
    FFMPEG,
    ['-v', 'error', '-i', ivf, '-vsync', 'passthrough', '-pix_fmt', 'yuv420p', '-f', 'framemd5', '-'],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(',').pop()!.trim());
}
