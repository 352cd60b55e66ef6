// `simq plan` through the built binary (dist/ is built by globalSetup), spawned with argument arrays.
// Expected numbers come from libwebrtc's simulcast tables (video/config/simulcast.cc) and its allocation
// rules, not from simq's output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../src/tools/process.js';

const BIN = fileURLToPath(new URL('../bin/simq', import.meta.url));
let dir: string;

async function simq(...args: string[]) {
  const r = await runProcess(process.execPath, [BIN, ...args], { timeoutMs: 30_000 });
  return { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-plan-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Table rows of the text output whose first cell is one of `firsts`, split on runs of spaces. */
function rows(text: string, firsts: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const cells = line.trim().split(/\s{2,}/);
    if (firsts.includes(cells[0])) out.set(cells[0], cells);
  }
  return out;
}

describe('simq plan --codec vp8 --size 1280x720 --bandwidth 300k,800k,1500k,3000k', () => {
  let out: { code: number | null; stdout: string; stderr: string };
  beforeAll(async () => {
    out = await simq('plan', '--codec', 'vp8', '--size', '1280x720', '--bandwidth', '300k,800k,1500k,3000k');
  });

  it('exits 0 and writes only to stdout', () => {
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('all-layers / vp8');
  });

  it('prints each layer with the doc table values', () => {
    const layers = rows(out.stdout, ['q', 'h', 'f']);
    // rid, resolution, active, fps, TL, min, target, max
    expect(layers.get('q')!.slice(0, 8)).toEqual(['q', '320x180', 'yes', '30', 'T3', '30', '150', '200']);
    expect(layers.get('h')!.slice(0, 8)).toEqual(['h', '640x360', 'yes', '30', 'T3', '150', '500', '700']);
    expect(layers.get('f')!.slice(0, 8)).toEqual(['f', '1280x720', 'yes', '30', 'T3', '600', '2500', '2500']);
  });

  it('prints the unconstrained allocation and which layers are on at each bandwidth', () => {
    const alloc = rows(out.stdout, ['unlimited', '300k', '800k', '1500k', '3000k']);
    expect(alloc.size).toBe(5);
    // Unlimited: every layer at its table target (f's target is its max), total 3400 = sum of max.
    expect(alloc.get('unlimited')!.slice(2)).toEqual(['150', '500', '2500', 'q h f']);
    // 300k: after q's 150, less than h's min x 1.2 = 180 is left -> q alone.
    expect(alloc.get('300k')!.at(-1)).toBe('q');
    expect(alloc.get('300k')!.slice(3, 5)).toEqual(['off', 'off']);
    // 800k: f needs 150 + 500 + 720 = 1370 > 800.
    expect(alloc.get('800k')!.at(-1)).toBe('q h');
    // 1500k and 3000k: all three on (the browser showed f on at 1500k).
    expect(alloc.get('1500k')!.at(-1)).toBe('q h f');
    expect(alloc.get('3000k')!.at(-1)).toBe('q h f');
    // The encoder gets less than the cap (packet overhead).
    for (const [label, cap] of [
      ['800k', 800],
      ['1500k', 1500],
      ['3000k', 3000],
    ] as const) {
      const encoder = Number(alloc.get(label)![1]);
      expect(encoder).toBeLessThan(cap);
      expect(encoder).toBeGreaterThan(cap * 0.85);
    }
  });

  it('under a binding cap prints a range for each layer, not one number: the browser was seen anywhere in it', () => {
    const alloc = rows(out.stdout, ['800k', '1500k']);
    // Validation matrix (Chromium 156, VP8, caps on the answer): q was reported at 118 (800k,
    // all-layers), 112 (800k, top-off), 145 (1500k); h at 585 (800k), 488 (1500k); f at 605 (1500k).
    const inRange = (cell: string, measured: number) => {
      const m = /^(\d+)-(\d+)$/.exec(cell);
      expect(m, cell).not.toBeNull();
      expect(measured).toBeGreaterThanOrEqual(Number(m![1]) * 0.9);
      expect(measured).toBeLessThanOrEqual(Number(m![2]) * 1.1);
    };
    inRange(alloc.get('800k')![2], 118);
    inRange(alloc.get('800k')![2], 112);
    inRange(alloc.get('800k')![3], 585);
    inRange(alloc.get('1500k')![2], 145);
    inRange(alloc.get('1500k')![3], 488);
    inRange(alloc.get('1500k')![4], 605);
    expect(out.stdout).toContain('encoder bitrate adjuster (video/encoder_bitrate_adjuster.cc)');
  });
});

describe('simq plan --json', () => {
  it('prints one JSON document with the plan per scenario and codec', async () => {
    const r = await simq('plan', '--codec', 'vp8,vp9', '--bandwidth', '800k,1500k', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc.input).toEqual({ width: 1280, height: 720, fps: 30 });
    expect(typeof doc.calibration.encoderOvershoot).toBe('number');
    expect(doc.plans.map((p: { id: string }) => p.id)).toEqual(['all-layers.vp8', 'all-layers.vp9']);
    for (const plan of doc.plans) {
      expect(plan.allocations.map((a: { budget: { capBps: number | null } }) => a.budget.capBps)).toEqual([
        null,
        800_000,
        1_500_000,
      ]);
      for (const a of plan.allocations) {
        expect(a.layers.map((l: { rid: string }) => l.rid)).toEqual(['q', 'h', 'f']);
        for (const l of a.layers) {
          for (const key of [
            'width',
            'height',
            'minBps',
            'targetBps',
            'maxBps',
            'maxFramerate',
            'allocatedBps',
            'predictedTargetBps',
          ]) {
            expect(typeof l[key], key).toBe('number');
          }
          expect(['on', 'off-bandwidth', 'inactive', 'dropped', 'not-sent']).toContain(l.state);
        }
      }
    }
    const unconstrained = (i: number) =>
      doc.plans[i].allocations[0].layers.map((l: { predictedTargetBps: number }) => l.predictedTargetBps / 1000);
    expect(unconstrained(0)).toEqual([150, 500, 2500]); // doc VP8 table
    expect(unconstrained(1)).toEqual([142, 420, 1524]); // doc VP9 table (L1T3 added by default)
  });

  it("uses a scenario file's codec and bandwidths when the options do not give them", async () => {
    const file = path.join(dir, 'mine.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'two-layers',
        codec: 'h264',
        bandwidth: [600000],
        encodings: [
          { rid: 'lo', scaleResolutionDownBy: 2, active: true },
          { rid: 'hi', scaleResolutionDownBy: 1, maxBitrate: 1200000, active: true },
        ],
      }),
    );
    const r = await simq('plan', '--scenario', file, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.plans.map((p: { id: string }) => p.id)).toEqual(['two-layers.h264']);
    const [free, capped] = doc.plans[0].allocations;
    expect(capped.budget.capBps).toBe(600_000);
    // lo 640x360: doc row 150/500/700, but as first stream its min is 30; hi: maxBitrate 1200 ->
    // target max(2500, 900) clamped to 1200.
    expect(free.layers.map((l: { targetBps: number }) => l.targetBps / 1000)).toEqual([500, 1200]);
    expect(free.layers.map((l: { predictedTargetBps: number }) => l.predictedTargetBps / 1000)).toEqual([500, 1200]);
  });
});

describe('simq plan: bad inputs exit 2 with a clear message', () => {
  const cases: [string[], RegExp][] = [
    [['--codec', 'vp7'], /unknown codec "vp7".*vp8, vp9, h264, av1/],
    [['--codec', 'vp8,,h264'], /empty codec name/],
    [['--size', '0x720'], /--size 0x720: width and height must be > 0/],
    [['--size', '1280x-720'], /width and height must be > 0/],
    [['--size', 'big'], /--size "big": expected WIDTHxHEIGHT/],
    [['--bandwidth', '0'], /--bandwidth: 0 must be > 0/],
    [['--bandwidth', '-300k'], /--bandwidth: -300k must be > 0/],
    [['--bandwidth', '300k,fast'], /"fast" is not a bitrate/],
    [['--fps', '0'], /--fps "0"/],
    [['--scenario', 'nope'], /no preset of that name/],
  ];
  it.each(cases)('%j', async (args, message) => {
    const r = await simq('plan', ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('more than 3 encodings in a scenario file', async () => {
    const file = path.join(dir, 'four.json');
    const enc = ['a', 'b', 'c', 'd'].map((rid, i) => ({ rid, scaleResolutionDownBy: 2 ** (3 - i), active: true }));
    writeFileSync(file, JSON.stringify({ name: 'four', encodings: enc }));
    const r = await simq('plan', '--scenario', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/4 encodings; libwebrtc sends at most 3/);
  });

  it('a scenario file that is not JSON', async () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ "name": "x", ');
    const r = await simq('plan', '--scenario', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json: not valid JSON/);
  });
});
