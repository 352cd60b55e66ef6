// Every export format, checked against a schema built from the upstream documentation
// (test/fixtures/upstream/*.schema.json, each naming its source) and, where it applies, against
// simq's own scenario validator. The JS exports are executed (imported / run) rather than grepped.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { RECOMMENDATION_COLUMNS } from '../src/recommend/exports/csv.js';
import { EXPORT_FORMATS, renderExport, renderExportWarnings } from '../src/recommend/exports/formats.js';
import { buildQualityTable } from '../src/recommend/qualityTable.js';
import { recommend } from '../src/recommend/recommend.js';
import type { Recommendation } from '../src/recommend/RecommendationTypes.js';
import { ScenarioChecker, validateEncodings } from '../src/scenario/loadScenarios.js';
import { CLIP, handmadeParsedRows, handmadeRun, RUN_CREATED_AT, RUN_ID } from './fixtures/recommend/handmade.js';

const upstream = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/upstream/${name}`, import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
const encodingSchema = ajv.compile(upstream('rtc-rtp-encoding-parameters.schema.json'));
const consumerLayersSchema = ajv.compile(upstream('mediasoup-consumer-layers.schema.json'));
const livekitSchemaDoc = upstream('livekit-track-publish-options.schema.json');
const livekitSchema = ajv.compile(livekitSchemaDoc);
const videoResolutionSchema = ajv.compile({ ...livekitSchemaDoc.$defs.videoResolution, $schema: undefined });
const jitsiSchema = ajv.compile(upstream('jitsi-video-quality.schema.json'));
const janusConfigureSchema = ajv.compile(upstream('janus-videoroom-subscriber-configure.schema.json'));
const janusMaxBitratesSchema = ajv.compile(upstream('janus-js-simulcast-max-bitrates.schema.json'));
const recommendationSchema = ajv.compile(
  JSON.parse(readFileSync(new URL('../schemas/recommendation.schema.json', import.meta.url), 'utf8')),
);

function valid(validate: ReturnType<typeof ajv.compile>, value: unknown): void {
  const ok = validate(value);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

const rec: Recommendation = recommend(buildQualityTable(handmadeRun(), handmadeParsedRows()), {
  runDir: 'results/handmade',
  simqVersion: '0.1.0-test',
  now: new Date('2025-01-02T00:00:00.000Z'),
});
// Expected maxBitrates (derived in test/recommend.unit.test.ts): q 400k, h 1200k, f 2500k.
const EXPECTED = { q: 400_000, h: 1_200_000, f: 2_500_000 } as const;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-exports-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// The generated LiveKit modules import the real livekit-client (a devDependency) from simq's node_modules.
symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), path.join(tmp, 'node_modules'), 'dir');

async function importModule(name: string, text: string): Promise<Record<string, unknown>> {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

describe('every export names the run it came from', () => {
  it.each(EXPORT_FORMATS.filter((f) => f !== 'csv'))('%s', (format) => {
    const text = renderExport(rec, format);
    expect(text).toContain(RUN_ID);
    if (format !== 'json') {
      expect(text).toContain(path.basename(CLIP));
      expect(text).toContain(RUN_CREATED_AT);
      expect(text).toMatch(/vp8/);
    }
  });
  it('csv carries the run id in every row', () => {
    const rows = parse(renderExport(rec, 'csv'), { columns: true }) as Record<string, string>[];
    expect(rows.every((r) => r.run_id === RUN_ID)).toBe(true);
  });
});

describe('--format encodings', () => {
  const doc = JSON.parse(renderExport(rec, 'encodings'));
  it('is an RTCRtpTransceiverInit-shaped object whose sendEncodings are spec RTCRtpEncodingParameters', () => {
    expect(Object.keys(doc).sort()).toEqual(['sendEncodings', 'simq']);
    for (const e of doc.sendEncodings) valid(encodingSchema, e);
    expect(doc.sendEncodings.map((e: { rid: string; maxBitrate: number }) => [e.rid, e.maxBitrate])).toEqual([
      ['q', EXPECTED.q],
      ['h', EXPECTED.h],
      ['f', EXPECTED.f],
    ]);
  });
  it('is accepted by the scenario validator (simq can capture it back)', () => {
    expect(() =>
      validateEncodings(new ScenarioChecker('--format encodings'), doc.sendEncodings, 'sendEncodings'),
    ).not.toThrow();
  });
  it('the upstream schema rejects an invented key (the check can fail)', () => {
    expect(encodingSchema({ ...doc.sendEncodings[0], maxBitrateKbps: 400 })).toBe(false);
  });
});

describe('--format mediasoup', async () => {
  const m = await importModule('mediasoup.mjs', renderExport(rec, 'mediasoup'));
  const encodings = m.simqEncodings as { rid: string; scaleResolutionDownBy: number; maxBitrate: number }[];
  it('encodings: spec keys, lowest resolution first (spatial layer i = encodings[i])', () => {
    for (const e of encodings) valid(encodingSchema, e);
    const scales = encodings.map((e) => e.scaleResolutionDownBy);
    expect([...scales].sort((a, b) => b - a)).toEqual(scales);
    expect(encodings.map((e) => e.maxBitrate)).toEqual([EXPECTED.q, EXPECTED.h, EXPECTED.f]);
    expect(() => validateEncodings(new ScenarioChecker('mediasoup'), encodings, 'encodings')).not.toThrow();
  });
  it('every preferredLayers is a mediasoup ConsumerLayers pointing at the chosen rid', () => {
    const table = m.simqPreferredLayersTable as {
      rid: string | null;
      bandwidthBps: number;
      preferredLayers: { spatialLayer: number } | null;
    }[];
    expect(table.length).toBe(3 * 7);
    for (const row of table) {
      if (row.rid === null) {
        expect(row.preferredLayers).toBeNull();
        continue;
      }
      valid(consumerLayersSchema, row.preferredLayers);
      expect(encodings[row.preferredLayers!.spatialLayer].rid).toBe(row.rid);
    }
    for (const row of m.simqPreferredLayersBySize as { preferredLayers: unknown }[])
      valid(consumerLayersSchema, row.preferredLayers);
  });
  it('simqPreferredLayers() looks the table up: render size covered, highest bucket <= bandwidth', () => {
    const pick = m.simqPreferredLayers as (w: number, h: number, bps: number) => { spatialLayer: number } | null;
    // 640x360 at 4 Mbps: f (spatial 2); at 2 Mbps the 1500k bucket: h (f needs 2760 kbps); at 100 kbps nothing.
    expect(pick(640, 360, 4_000_000)?.spatialLayer).toBe(2);
    expect(pick(640, 360, 2_000_000)?.spatialLayer).toBe(1);
    expect(pick(640, 360, 100_000)).toBeNull();
    // a 500x300 tile is covered by the 640x360 row; 700 kbps -> the 600k bucket -> h.
    expect(pick(500, 300, 700_000)?.spatialLayer).toBe(1);
  });
  it('hysteresis thresholds: up > down for every layer', () => {
    for (const l of m.simqLayerSwitching as { upSwitchBps: number; downSwitchBps: number }[])
      expect(l.upSwitchBps).toBeGreaterThan(l.downSwitchBps);
  });
});

describe('--format livekit', async () => {
  const m = await importModule('livekit.mjs', renderExport(rec, 'livekit'));
  const options = JSON.parse(JSON.stringify(m.simqPublishOptions));
  it('simqPublishOptions is a TrackPublishOptions (keys and shapes from the livekit-client docs)', () => {
    valid(livekitSchema, options);
    valid(videoResolutionSchema, m.simqCaptureResolution);
  });
  it('top layer in videoEncoding, the two lower layers as presets, lowest first', () => {
    expect(options.videoEncoding).toEqual({ maxBitrate: EXPECTED.f, maxFramerate: 30 });
    expect(options.videoSimulcastLayers).toEqual([
      { width: 320, height: 180, aspectRatio: 16 / 9, encoding: { maxBitrate: EXPECTED.q, maxFramerate: 30 } },
      { width: 640, height: 360, aspectRatio: 16 / 9, encoding: { maxBitrate: EXPECTED.h, maxFramerate: 30 } },
    ]);
  });
  it('the schema rejects an invented option', () => {
    expect(livekitSchema({ ...options, videoLayers: [] })).toBe(false);
  });
});

describe('--format jitsi', () => {
  const code = renderExport(rec, 'jitsi');
  it('runs after config.js and sets videoQuality.vp8.maxBitratesVideo, keeping the other settings', () => {
    const config: { videoQuality: Record<string, unknown> } = {
      videoQuality: {
        preferredCodec: 'VP8',
        vp8: { scalabilityModeEnabled: false, maxBitratesVideo: { ssHigh: 2_500_000 } },
      },
    };
    new Function('config', code)(config);
    valid(jitsiSchema, config.videoQuality);
    expect(config.videoQuality.preferredCodec).toBe('VP8');
    // 720p capture: low = q, standard = h, high = f (lib-jitsi-meet TPCUtils / StandardVideoQualitySettings).
    expect(config.videoQuality.vp8).toEqual({
      scalabilityModeEnabled: false,
      maxBitratesVideo: { ssHigh: 2_500_000, low: EXPECTED.q, standard: EXPECTED.h, high: EXPECTED.f },
    });
  });
  it('also works on a config.js without any videoQuality', () => {
    const config: { videoQuality?: Record<string, unknown> } = {};
    new Function('config', code)(config);
    valid(jitsiSchema, config.videoQuality);
  });
});

describe('--format janus', () => {
  const doc = JSON.parse(renderExport(rec, 'janus'));
  it('configure bodies are VideoRoom subscriber configure requests', () => {
    const rows = doc.subscriberTable as { rid: string | null; configure: unknown }[];
    expect(rows.length).toBe(3 * 7);
    for (const r of rows) if (r.configure !== null) valid(janusConfigureSchema, r.configure);
  });
  it('publisher encodings lowest first with rid_order "lmh", so Janus numbers q as substream 0 and f as 2', () => {
    for (const e of doc.publisher.sendEncodings) valid(encodingSchema, e);
    // Janus 1.1.2 measured (../shared/docs/sfu-and-links.md): q,h,f + rid_order "lmh" gives substream 0 = 180p.
    expect(doc.publisher.sendEncodings.map((e: { rid: string }) => e.rid)).toEqual(['q', 'h', 'f']);
    expect(doc.publisher.ridOrder).toBe('lmh');
    valid(janusMaxBitratesSchema, doc.publisher.simulcastMaxBitrates);
    expect(doc.publisher.simulcastMaxBitrates).toEqual({ low: EXPECTED.q, medium: EXPECTED.h, high: EXPECTED.f });
    const sub = Object.fromEntries(doc.substreams.map((s: { rid: string; substream: number }) => [s.rid, s.substream]));
    expect(sub).toEqual({ q: 0, h: 1, f: 2 });
    const cell = doc.subscriberTable.find(
      (r: { viewerSize: string; bandwidthBps: number }) => r.viewerSize === '640x360' && r.bandwidthBps === 4_000_000,
    );
    expect(cell.configure).toEqual({ request: 'configure', substream: 2, temporal: 2 });
  });
  it('says honestly what Janus does not do', () => {
    expect(doc.simq.notes.join(' ')).toMatch(/does not switch substreams by bandwidth/);
  });
});

describe('--format json and csv: the full table', () => {
  it('json is recommendation.json and valid against its schema', () => {
    valid(recommendationSchema, JSON.parse(renderExport(rec, 'json')));
  });
  it('csv: documented columns, one row per size x bucket, no row over its bucket, up > down', () => {
    const text = renderExport(rec, 'csv');
    const header = text.split('\n')[0].split(',');
    expect(header).toEqual([...RECOMMENDATION_COLUMNS]);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3 * 7);
    for (const r of rows) {
      if (r.rid === '') continue;
      expect(Number(r.required_kbps)).toBeLessThanOrEqual(Number(r.bandwidth_kbps));
      expect(Number(r.layer_kbps) * 1.15).toBeCloseTo(Number(r.required_kbps), 1);
      expect(Number(r.up_switch_kbps)).toBeGreaterThan(Number(r.down_switch_kbps));
      expect(Number(r.recommended_max_bitrate_kbps)).toBe(EXPECTED[r.rid as 'q' | 'h' | 'f'] / 1000);
    }
  });
});

describe('a run with two codecs (VP8 + VP9)', () => {
  // Same numbers for a VP9 all-layers scenario (L1T3 on each encoding, as Chrome needs for VP9 simulcast).
  const runRecord = handmadeRun();
  const vp8Sender = runRecord.scenarios[0];
  const vp9Encodings = vp8Sender.scenario.encodings.map((e) => ({ ...e, scalabilityMode: 'L1T3' }));
  runRecord.scenarios.push({
    ...vp8Sender,
    id: 'all-layers.vp9',
    scenario: { ...vp8Sender.scenario, id: 'all-layers.vp9', codec: 'vp9', encodings: vp9Encodings },
    problems: [],
  });
  const rows = handmadeParsedRows();
  const vp9Rows = rows
    .filter((r) => r.scenario_id === 'all-layers.vp8')
    .map((r) => ({ ...r, scenario_id: 'all-layers.vp9', codec: 'vp9' }));
  const two = recommend(buildQualityTable(runRecord, [...rows, ...vp9Rows]), {
    runDir: 'x',
    simqVersion: 't',
    now: new Date(0),
  });

  it('SDK/SFU exports need --codec; json/csv cover both', () => {
    expect(() => renderExport(two, 'mediasoup')).toThrow(/several codecs \(vp8, vp9\)/);
    expect(() => renderExport(two, 'encodings', 'av1')).toThrow(/--codec av1: this run measured vp8, vp9/);
    valid(recommendationSchema, JSON.parse(renderExport(two, 'json')));
    expect(
      new Set((parse(renderExport(two, 'csv'), { columns: true }) as { codec: string }[]).map((r) => r.codec)),
    ).toEqual(new Set(['vp8', 'vp9']));
    expect(JSON.parse(renderExport(two, 'json', 'vp9')).codecs.map((c: { codec: string }) => c.codec)).toEqual(['vp9']);
  });

  it('VP9: scalabilityMode kept, Chrome VP9 table used, jitsi sets useSimulcast, LiveKit as L1T3 simulcast', async () => {
    const enc = JSON.parse(renderExport(two, 'encodings', 'vp9')).sendEncodings;
    for (const e of enc) valid(encodingSchema, e);
    expect(enc.every((e: { scalabilityMode: string }) => e.scalabilityMode === 'L1T3')).toBe(true);
    // VP9 h (640x360) table target is 420 kbps (video/config/simulcast.cc, VP9 table); h has one VP9 point (500 kbps, 70):
    // target 80 out of reach with a single point -> that point, 500 kbps > 420 -> maxBitrate ceil(500 x 4/3) = 667 kbps.
    const h = two.codecs.find((c) => c.codec === 'vp9')!.layers.find((l) => l.rid === 'h')!.advice!;
    expect(h.tableTargetBps).toBe(420_000);
    expect(h.maxBitrate).toBe(667_000);
    const config: { videoQuality?: Record<string, unknown> } = {};
    new Function('config', renderExport(two, 'jitsi', 'vp9'))(config);
    valid(jitsiSchema, config.videoQuality);
    expect(config.videoQuality!.vp9).toMatchObject({ useSimulcast: true });
    // livekit-client publishes VP9 as rid-based simulcast only with simulcast: true and an L1Tx mode
    // (room/utils.ts isSVCSimulcast); else as one SVC stream whose maxBitrate caps every layer.
    const text = renderExport(two, 'livekit', 'vp9');
    const m = await importModule('livekit-vp9.mjs', text);
    const options = JSON.parse(JSON.stringify(m.simqPublishOptions));
    expect(options).toMatchObject({
      videoCodec: 'vp9',
      simulcast: true,
      scalabilityMode: 'L1T3',
      videoEncoding: { maxBitrate: 2_500_000 },
    });
    expect(options.videoSimulcastLayers.map((l: { width: number }) => l.width)).toEqual([320, 640]);
    expect(text).toMatch(
      /NOTE: VP9 as simulcast \(scalabilityMode L1T3 on each layer\) needs livekit-client >= 2\.22\.3, livekit-server > 1\.13\.6/,
    );
  });
});

describe('what each SFU does differently, said in the export and by simq recommend', () => {
  const runRecord = handmadeRun();
  const vp8Sender = runRecord.scenarios[0];
  const vp9Encodings = vp8Sender.scenario.encodings.map((e) => ({ ...e, scalabilityMode: 'L1T3' }));
  runRecord.scenarios = [
    {
      ...vp8Sender,
      id: 'all-layers.vp9',
      scenario: { ...vp8Sender.scenario, id: 'all-layers.vp9', codec: 'vp9', encodings: vp9Encodings },
      problems: [],
    },
  ];
  const vp9Rows = handmadeParsedRows()
    .filter((r) => r.scenario_id === 'all-layers.vp8')
    .map((r) => ({ ...r, scenario_id: 'all-layers.vp9', codec: 'vp9' }));
  const vp9 = recommend(buildQualityTable(runRecord, vp9Rows), { runDir: 'x', simqVersion: 't', now: new Date(0) });
  const kinds = (r: Recommendation, format: Parameters<typeof renderExportWarnings>[1], options = {}) =>
    renderExportWarnings(r, format, undefined, options).map((w) => w.kind);

  it('mediasoup: VP9 simulcast is not what mediasoup documents (VP8/H.264 only); VP8 says nothing', () => {
    expect(kinds(vp9, 'mediasoup')).toEqual(['mediasoup-svc-codec-simulcast']);
    expect(renderExport(vp9, 'mediasoup')).toMatch(/NOTE: mediasoup documents simulcast for VP8 and H\.264 only/);
    expect(kinds(rec, 'mediasoup')).toEqual([]);
  });

  it('LiveKit: a capture under 960 px loses the middle layer, under 480 px both lower ones (publishUtils)', () => {
    // The same layers from a 640x360 clip: longer side 640 < 960 -> livekit-client sends [q, f] only.
    const small = {
      ...rec,
      provenance: { ...rec.provenance, clip: { ...rec.provenance.clip, width: 640, height: 360 } },
    };
    expect(kinds(small, 'livekit')).toEqual(['livekit-small-capture']);
    expect(renderExport(small, 'livekit')).toMatch(
      /NOTE: the capture is 640x360: livekit-client sends three layers only from a 960 px longer side .*the measured layer h will not be sent/,
    );
    const tiny = {
      ...rec,
      provenance: { ...rec.provenance, clip: { ...rec.provenance.clip, width: 426, height: 240 } },
    };
    expect(renderExport(tiny, 'livekit')).toMatch(/the measured layers q, h will not be sent/);
    expect(kinds(rec, 'livekit')).toEqual([]);
  });

  it('Jitsi: VP8 bitrates need VP8 preferred; --jitsi-prefer-codec writes codecPreferenceOrder with VP8 first', () => {
    expect(kinds(rec, 'jitsi')).toEqual(['jitsi-codec-preference']);
    expect(renderExport(rec, 'jitsi')).toMatch(/NOTE: Jitsi prefers AV1 > VP9 > VP8 > H264 by default/);
    expect(kinds(rec, 'jitsi', { jitsiPreferCodec: true })).toEqual([]);
    const config: { videoQuality?: Record<string, unknown> } = {
      videoQuality: { codecPreferenceOrder: ['AV1', 'VP9', 'VP8', 'H264'] },
    };
    new Function('config', renderExport(rec, 'jitsi', undefined, { jitsiPreferCodec: true }))(config);
    valid(jitsiSchema, config.videoQuality);
    expect(config.videoQuality!.codecPreferenceOrder).toEqual(['VP8', 'AV1', 'VP9', 'H264']);
  });

  it('Janus: the notes say to publish with sendEncodings rather than simulcastMaxBitrates', () => {
    expect(kinds(rec, 'janus')).toEqual(['janus-send-encodings']);
    expect(JSON.parse(renderExport(rec, 'janus')).simq.notes.join(' ')).toMatch(
      /publish with publisher\.sendEncodings .* simulcastMaxBitrates shorthand/,
    );
  });
});
