// The SFU exports of an SVC sender (VP9 L3T3_KEY), from the hand-made run of
// test/fixtures/recommend/handmadeSvc.ts, each checked against the upstream schema the simulcast
// exports are checked against (test/fixtures/upstream) and against expectations derived here from
// the specs, not from simq's output:
// - spatial layer numbers from libwebrtc's svc_config.cc: 3 spatial layers of a WxH input are W/4 x H/4,
//   W/2 x H/2 and W x H, layer 0 the smallest; the temporal layer is T count - 1 of the mode's name;
// - which layer fits a bandwidth, from the fixture's kbps with the default headroom 15 % (written out).
import { readFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { renderExport, renderExportWarnings } from '../src/recommend/exports/formats.js';
import { buildQualityTable } from '../src/recommend/qualityTable.js';
import { recommend } from '../src/recommend/recommend.js';
import type { Recommendation } from '../src/recommend/RecommendationTypes.js';
import { readJanusExport } from '../src/sfu/janus/readJanusExport.js';
import { handmadeParsedRows, handmadeRun } from './fixtures/recommend/handmade.js';
import { handmadeSvcRows, handmadeSvcRun, SIM_ID, SVC_ID, SVC_MODE } from './fixtures/recommend/handmadeSvc.js';

const upstream = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/upstream/${name}`, import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
const encodingSchema = ajv.compile(upstream('rtc-rtp-encoding-parameters.schema.json'));
const consumerLayersSchema = ajv.compile(upstream('mediasoup-consumer-layers.schema.json'));
const livekitSchema = ajv.compile(upstream('livekit-track-publish-options.schema.json'));
const jitsiSchema = ajv.compile(upstream('jitsi-video-quality.schema.json'));
const janusConfigureSchema = ajv.compile(upstream('janus-videoroom-subscriber-configure.schema.json'));
const recommendationSchema = ajv.compile(
  JSON.parse(readFileSync(new URL('../schemas/recommendation.schema.json', import.meta.url), 'utf8')),
);

function valid(validate: ReturnType<typeof ajv.compile>, value: unknown): void {
  const ok = validate(value);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

const INPUT = { width: 1280, height: 720 };
/** svc_config.cc: spatial layer k of 3 is the input scaled by 1/2^(2-k). */
const layerSize = (k: number, layers = 3) => `${INPUT.width >> (layers - 1 - k)}x${INPUT.height >> (layers - 1 - k)}`;
const spatialFor = (size: string) => [0, 1, 2].find((k) => layerSize(k) === size);
/** The top temporal layer of a mode: its T count - 1. */
const topTemporal = (mode: string) => Number(/T(\d)/.exec(mode)![1]) - 1;

function rec(options: { senderScenario?: string; mode?: string; svcOnly?: boolean } = {}): Recommendation {
  const run = handmadeSvcRun({ mode: options.mode });
  let rows = handmadeSvcRows();
  if (options.svcOnly) {
    run.scenarios = run.scenarios.filter((s) => s.id === SVC_ID);
    rows = rows.filter((r) => r.scenario_id === SVC_ID);
  }
  return recommend(buildQualityTable(run, rows), {
    runDir: 'results/handmade-svc',
    simqVersion: '0.1.0-test',
    now: new Date('2025-01-02T00:00:00.000Z'),
    senderScenario: options.senderScenario,
  });
}

const svcRec = rec({ senderScenario: 'svc-l3t3-key' });
const SIZES = ['320x180', '640x360', '1280x720'];
const BANDWIDTHS = [150_000, 300_000, 600_000, 1_000_000, 1_500_000, 2_500_000, 4_000_000];
// Points' kbps 150 / 420 / 1300; with 15 % headroom they fit from 172.5 / 483 / 1495 kbps. At each
// size the fitting point of that size scores best (fixture), else the largest fitting one below it
// (1280x720: S1 60 > S0 30; 640x360: S0 is all that fits at 300k). Per size, per bandwidth above:
const EXPECTED_TABLE: Record<string, (number | null)[]> = {
  '320x180': [null, 0, 0, 0, 0, 0, 0],
  '640x360': [null, 0, 1, 1, 1, 1, 1],
  '1280x720': [null, 0, 1, 1, 2, 2, 2],
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-svc-exports-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), path.join(tmp, 'node_modules'), 'dir');
async function importModule(name: string, text: string): Promise<Record<string, unknown>> {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

describe('the SVC sender', () => {
  it('is the SVC scenario when named (--sender-scenario), its mode and points lowest first; the record stays schema-valid', () => {
    const s = svcRec.codecs[0].senderScenario!;
    expect(s.id).toBe(SVC_ID);
    expect(s.svc?.scalabilityMode).toBe(SVC_MODE);
    expect(s.svc?.points.map((p) => [p.spatialLayer, p.size])).toEqual([0, 1, 2].map((k) => [k, layerSize(k)]));
    // Upload = the spatial layers' tapped rates (150 + 420 + 1300), not the points' (which overlap in L modes).
    expect(s.svc?.uploadKbps).toBe(150 + 420 + 1300);
    valid(recommendationSchema, JSON.parse(renderExport(svcRec, 'json')));
  });
  it('is the simulcast scenario when both were measured and none is named; the SVC one when only SVC was measured', () => {
    expect(rec().codecs[0].senderScenario?.id).toBe(SIM_ID);
    expect(rec().codecs[0].senderScenario?.svc).toBeUndefined();
    expect(rec({ svcOnly: true }).codecs[0].senderScenario?.svc?.scalabilityMode).toBe(SVC_MODE);
  });
});

describe('--format mediasoup (SVC)', () => {
  it('one encoding with the scalabilityMode, no rid; preferred layers per size from svc_config sizes; per bandwidth as derived', async () => {
    const m = await importModule('simq-mediasoup-svc.mjs', renderExport(svcRec, 'mediasoup'));
    const encodings = m.simqEncodings as Record<string, unknown>[];
    expect(encodings).toHaveLength(1);
    for (const e of encodings) valid(encodingSchema, e);
    expect(encodings[0].scalabilityMode).toBe(SVC_MODE);
    expect(encodings[0]).not.toHaveProperty('rid');
    const bySize = m.simqPreferredLayersBySize as {
      viewerSize: string;
      preferredLayers: { spatialLayer: number; temporalLayer: number };
    }[];
    for (const row of bySize) valid(consumerLayersSchema, row.preferredLayers);
    expect(bySize.map((r) => [r.viewerSize, r.preferredLayers])).toEqual(
      SIZES.map((s) => [s, { spatialLayer: spatialFor(s), temporalLayer: topTemporal(SVC_MODE) }]),
    );
    const lookup = m.simqPreferredLayers as (
      w: number,
      h: number,
      bps: number,
    ) => { spatialLayer: number; temporalLayer: number } | null;
    for (const size of SIZES) {
      const [w, h] = size.split('x').map(Number);
      expect(BANDWIDTHS.map((b) => lookup(w, h, b)?.spatialLayer ?? null)).toEqual(EXPECTED_TABLE[size]);
    }
    expect((m.simqSvc as { scalabilityMode: string }).scalabilityMode).toBe(SVC_MODE);
  });
  it('a simulcast module exports simqSvc null (the declarations name it for both)', async () => {
    const m = await importModule('simq-mediasoup-sim.mjs', renderExport(rec(), 'mediasoup'));
    expect(m.simqSvc).toBeNull();
  });
});

describe('--format janus (SVC)', () => {
  const doc = JSON.parse(renderExport(svcRec, 'janus'));
  it('configure bodies are VideoRoom subscriber configures with spatial_layer / temporal_layer (no substream), per bandwidth as derived', () => {
    for (const row of doc.subscriberTable)
      if (row.configure) valid(janusConfigureSchema, { ...row.configure, mid: '0' });
    for (const size of SIZES) {
      const rows = doc.subscriberTable.filter((r: { viewerSize: string }) => r.viewerSize === size);
      expect(rows.map((r: { bandwidthBps: number }) => r.bandwidthBps)).toEqual(BANDWIDTHS);
      expect(
        rows.map((r: { configure: { spatial_layer: number } | null }) => r.configure?.spatial_layer ?? null),
      ).toEqual(EXPECTED_TABLE[size]);
      for (const r of rows)
        if (r.configure)
          expect(r.configure).toEqual({
            request: 'configure',
            spatial_layer: r.configure.spatial_layer,
            temporal_layer: topTemporal(SVC_MODE),
          });
    }
    expect(doc.publisher.sendEncodings).toHaveLength(1);
    valid(encodingSchema, doc.publisher.sendEncodings[0]);
    // The simulcast-only janus.js shorthand warning is not printed for one SVC encoding.
    expect(renderExportWarnings(svcRec, 'janus')).toEqual([]);
    expect(doc.spatialLayers.map((l: { spatial_layer: number; layer: string }) => [l.spatial_layer, l.layer])).toEqual(
      [0, 1, 2].map((k) => [k, layerSize(k)]),
    );
  });
  it('--janus-export refuses it with the svc-viewer command (it runs simulcast exports only)', () => {
    const file = path.join(tmp, 'janus-svc.json');
    writeFileSync(file, renderExport(svcRec, 'janus'));
    let error: unknown;
    try {
      readJanusExport(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/an SVC export/);
    expect((error as InputError).fix).toMatch(/--viewers 320x180:svc:S0T2/);
  });
});

describe('--format livekit (SVC)', () => {
  it('videoCodec vp9 + scalabilityMode, one videoEncoding capping the stream, VP8 backup; no simulcast layers', async () => {
    const m = await importModule('simq-livekit-svc.mjs', renderExport(svcRec, 'livekit'));
    const o = m.simqPublishOptions as Record<string, unknown>;
    valid(livekitSchema, o);
    expect([o.videoCodec, o.scalabilityMode, o.backupCodec]).toEqual(['vp9', SVC_MODE, { codec: 'vp8' }]);
    expect(o).not.toHaveProperty('videoSimulcastLayers');
    // simq plan's uncapped total at 1280x720: the svc_config.cc maxima 142 + 418 + 1524 kbps.
    expect(o.videoEncoding).toEqual({ maxBitrate: (142 + 418 + 1524) * 1000, maxFramerate: 30 });
  });
  it("a run that also measured VP8 simulcast gives the VP8 backup its top layer's advice (f 2500 kbps, derived in test/recommend.unit.test.ts)", async () => {
    const both = handmadeSvcRun();
    both.scenarios = [...handmadeRun().scenarios, ...both.scenarios];
    const withVp8 = recommend(buildQualityTable(both, [...handmadeParsedRows(), ...handmadeSvcRows()]), {
      runDir: 'x',
      simqVersion: 't',
      now: new Date(0),
      senderScenario: 'svc-l3t3-key',
    });
    // --sender-scenario names the SVC scenario for VP9; VP8 keeps its own all-layers sender.
    const m = await importModule('simq-livekit-backup.mjs', renderExport(withVp8, 'livekit', 'vp9'));
    expect((m.simqPublishOptions as { backupCodec: unknown }).backupCodec).toEqual({
      codec: 'vp8',
      encoding: { maxBitrate: 2_500_000, maxFramerate: 30 },
    });
  });
  it('refuses an S mode (livekit-client ScalabilityMode has none) with a fix', () => {
    expect(() => renderExport(rec({ senderScenario: 'svc-l3t3-key', mode: 'S3T3' }), 'livekit')).toThrow(
      /S3T3.*does not take/,
    );
  });
});

describe('--format jitsi (SVC)', () => {
  /** Runs the statements after a config.js whose vp9 entry already has settings of its own. */
  function apply(text: string): Record<string, unknown> {
    const sandbox = {
      config: { videoQuality: { vp9: { maxBitratesVideo: { low: 111 } }, keep: 1 } } as Record<string, unknown>,
    };
    vm.runInNewContext(text, sandbox);
    return sandbox.config.videoQuality as Record<string, unknown>;
  }
  it('L3T3_KEY at 720p: scalabilityModeEnabled, useSimulcast false, useKSVC true, the stream cap on "high"; other settings kept', () => {
    const vq = apply(renderExport(svcRec, 'jitsi'));
    valid(jitsiSchema, { vp9: vq.vp9 });
    expect(vq.vp9).toEqual({
      scalabilityModeEnabled: true,
      useSimulcast: false,
      useKSVC: true,
      maxBitratesVideo: { low: 111, high: (142 + 418 + 1524) * 1000 },
    });
    expect(vq.keep).toBe(1);
  });
  it('L3T3 (inter-layer prediction on every picture) is useKSVC false', () => {
    const vq = apply(renderExport(rec({ senderScenario: 'svc-l3t3-key', mode: 'L3T3' }), 'jitsi'));
    expect((vq.vp9 as { useKSVC: boolean }).useKSVC).toBe(false);
  });
  it('refuses a mode Jitsi cannot be asked for at 720p (L2T2_KEY) with a fix', () => {
    expect(() => renderExport(rec({ senderScenario: 'svc-l3t3-key', mode: 'L2T2_KEY' }), 'jitsi')).toThrow(
      /Jitsi sends only L3T3_KEY or L3T3/,
    );
  });
});
