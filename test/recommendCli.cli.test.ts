// `simq recommend` through the built binary (dist/ is built by globalSetup), spawned with argument
// arrays, on a hand-made run directory written into the temp folder.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../src/tools/process.js';
import { RUN_ID, writeHandmadeRunDir } from './fixtures/recommend/handmade.js';

const BIN = fileURLToPath(new URL('../bin/simq', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-recommend-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function simq(...args: string[]) {
  const r = await runProcess(process.execPath, [BIN, 'recommend', ...args], { timeoutMs: 30_000 });
  return { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr };
}

const schema = JSON.parse(readFileSync(new URL('../schemas/recommendation.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ strict: true }).compile(schema);

describe('simq recommend (CLI)', () => {
  const runDir = path.join(tmp, RUN_ID);
  writeHandmadeRunDir(runDir);

  it('prints a summary and writes recommendation.json (schema-valid) and recommendation.csv', async () => {
    const r = await simq(runDir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Recommended maxBitrate per layer/);
    expect(r.stdout).toMatch(/at 640x360 the h layer \(490 kbps\) scores 18\.0 VMAF below f/);
    const doc = JSON.parse(readFileSync(path.join(runDir, 'recommendation.json'), 'utf8'));
    expect(validate(doc)).toBe(true);
    expect(readFileSync(path.join(runDir, 'recommendation.csv'), 'utf8').split('\n')[0]).toMatch(
      /^run_id,codec,sender_scenario,viewer_size/,
    );
  });

  it('--json prints the document; --format encodings prints the export', async () => {
    const j = await simq(runDir, '--json', '--no-save');
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout).provenance.runId).toBe(RUN_ID);
    const e = await simq(runDir, '--format', 'encodings', '--no-save');
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout).sendEncodings.map((x: { maxBitrate: number }) => x.maxBitrate)).toEqual([
      400_000, 1_200_000, 2_500_000,
    ]);
  });

  it('--format mediasoup --out writes the file; options change the decisions', async () => {
    const out = path.join(tmp, 'simq-mediasoup.mjs');
    const r = await simq(runDir, '--format', 'mediasoup', '--out', out, '--no-save');
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/export const simqEncodings/);
    expect(readFileSync(path.join(tmp, 'simq-mediasoup.d.mts'), 'utf8')).toMatch(
      /export declare const simqEncodings: SimqEncoding\[\];/,
    );
    // --target-vmaf 85: h's first point >= 85 is 1500 (87.5), below 1200 (84): 1200 + 1 x 300 / 3.5 = 1285.7 -> 1286 kbps,
    // lower layer above its 500 kbps table target -> maxBitrate ceil(1286 x 4/3) = 1715 kbps.
    const t = await simq(runDir, '--format', 'encodings', '--no-save', '--target-vmaf', '85');
    expect(JSON.parse(t.stdout).sendEncodings[1]).toMatchObject({ rid: 'h', maxBitrate: 1_715_000 });
  });

  it('--format jitsi: the codec-preference warning on stderr; --jitsi-prefer-codec sets codecPreferenceOrder instead', async () => {
    const plain = await simq(runDir, '--format', 'jitsi', '--no-save');
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(
      /simq: warning \(jitsi\): Jitsi prefers AV1 > VP9 > VP8 > H264 by default .* pass --jitsi-prefer-codec/,
    );
    const preferred = await simq(runDir, '--format', 'jitsi', '--jitsi-prefer-codec', '--no-save');
    expect(preferred.stderr).not.toMatch(/Jitsi prefers/);
    expect(preferred.stdout).toContain('config.videoQuality.codecPreferenceOrder = ["VP8","AV1","VP9","H264"];');
    const out = path.join(tmp, 'janus.json');
    const janus = await simq(runDir, '--format', 'janus', '--out', out, '--no-save');
    expect(janus.stdout).toMatch(/warning \(janus\): janus\.js: publish with publisher\.sendEncodings/);
    const wrong = await simq(runDir, '--format', 'livekit', '--jitsi-prefer-codec', '--no-save');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--jitsi-prefer-codec belongs to the Jitsi export: add --format jitsi/);
  });

  it('--no-save leaves the run directory alone', async () => {
    const dir = path.join(tmp, 'nosave');
    writeHandmadeRunDir(dir);
    const r = await simq(dir, '--no-save');
    expect(r.code).toBe(0);
    expect(existsSync(path.join(dir, 'recommendation.json'))).toBe(false);
  });

  it('a missing run directory: exit 2, names it', async () => {
    const missing = path.join(tmp, 'no-such-run');
    const r = await simq(missing);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`run directory ${missing} does not exist`);
  });

  it('a run without quality.csv: exit 2, says to run simq measure first', async () => {
    const dir = path.join(tmp, 'captured-only');
    writeHandmadeRunDir(dir, { quality: false });
    const r = await simq(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no quality\.csv/);
    expect(r.stderr).toContain(`fix: simq measure ${dir}`);
  });

  it('an unknown format: exit 2, lists the formats', async () => {
    const r = await simq(runDir, '--format', 'pion');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--format pion: unknown format \(use one of encodings, mediasoup, livekit, jitsi, janus, json, csv\)/,
    );
  });

  it.each([['abc'], ['150'], ['0'], ['-5']])('--target-vmaf %s: exit 2', async (value) => {
    const r = await simq(runDir, '--target-vmaf', value, '--no-save');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--target-vmaf/);
  });

  it('bad --bandwidths / --headroom / unknown --sender-scenario: exit 2 with the value at fault', async () => {
    const b = await simq(runDir, '--bandwidths', '300k,fast', '--no-save');
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--bandwidths: "fast"/);
    const h = await simq(runDir, '--headroom', 'lots', '--no-save');
    expect(h.code).toBe(2);
    expect(h.stderr).toMatch(/--headroom "lots"/);
    const s = await simq(runDir, '--sender-scenario', 'boost-mid', '--no-save');
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/--sender-scenario boost-mid: no measured vp8 scenario .*measured: all-layers, top-off/);
  });
});
