// The SVC exports as a TypeScript user meets them, against the real client libraries of the fresh
// consumer project (test/fixtures/export-consumer: livekit-client, mediasoup, mediasoup-client,
// typescript, pinned by its lockfile), as test/exportTypes.cli.test.ts does for simulcast:
// - the VALUES of the LiveKit publish options and of the mediasoup encodings / ConsumerLayers are
//   written into a .ts file as literals typed with the libraries' own types (TrackPublishOptions,
//   mediasoup-client types.RtpEncodingParameters, mediasoup types.ConsumerLayers) and type-checked
//   with tsc --strict (no allowJs): the .d.mts alone would only check simq's declarations;
// - simq's list of modes LiveKit takes is checked against livekit-client's ScalabilityMode type, mode
//   by mode over every libwebrtc name (those outside the list must fail with TS2322);
// - at run time: livekit-client's Room keeps the options as publishDefaults; mediasoup-client's
//   parseScalabilityMode (what mediasoup uses to count an SVC producer's layers; this version returns no K-SVC flag) reads the encoding's
//   mode, every preferred layer lies inside it, and its FakeHandler produces VP9 with that encoding.
// Browser-free; it installs the consumer project when absent (npm ci --ignore-scripts, under a lock
// shared with exportTypes.cli.test.ts: test/helpers/exportConsumer.ts).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDeclaration } from '../src/recommend/exports/declarations.js';
import { renderExport } from '../src/recommend/exports/formats.js';
import { LIVEKIT_SCALABILITY_MODES } from '../src/recommend/exports/livekitSvc.js';
import { buildQualityTable } from '../src/recommend/qualityTable.js';
import { recommend } from '../src/recommend/recommend.js';
import { allScalabilityModes } from '../src/scenario/ScalabilityMode.js';
import { handmadeSvcRows, handmadeSvcRun, SVC_MODE } from './fixtures/recommend/handmadeSvc.js';
import { CONSUMER, installConsumer } from './helpers/exportConsumer.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-svc-export-types-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const rec = recommend(buildQualityTable(handmadeSvcRun(), handmadeSvcRows()), {
  runDir: 'x',
  simqVersion: 't',
  now: new Date(0),
  senderScenario: 'svc-l3t3-key',
});
const TSC = [
  '--strict',
  '--target',
  'es2022',
  '--module',
  'nodenext',
  '--moduleResolution',
  'nodenext',
  '--skipLibCheck',
  '--noEmit',
];

function typeCheck(files: string[]): Map<string, string[]> {
  const parsed = ts.parseCommandLine(TSC);
  expect(parsed.errors).toEqual([]);
  const program = ts.createProgram(files, parsed.options);
  const byFile = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const name = d.file ? path.relative(tmp, d.file.fileName) : '(global)';
    byFile.set(name, [
      ...(byFile.get(name) ?? []),
      `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    ]);
  }
  return byFile;
}

function runInProject(name: string, script: string): unknown {
  const file = path.join(tmp, name);
  writeFileSync(file, script);
  return JSON.parse(execFileSync(process.execPath, [file], { cwd: tmp, encoding: 'utf8', timeout: 60_000 }));
}

let lk: { simqPublishOptions: unknown };
let ms: {
  simqEncodings: unknown[];
  simqPreferredLayersTable: { preferredLayers: unknown }[];
  simqPreferredLayersBySize: { preferredLayers: unknown }[];
};

beforeAll(async () => {
  installConsumer();
  copyFileSync(path.join(CONSUMER, 'package.json'), path.join(tmp, 'package.json'));
  symlinkSync(path.join(CONSUMER, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
  mkdirSync(path.join(tmp, 'app'));
  for (const format of ['livekit', 'mediasoup'] as const) {
    writeFileSync(path.join(tmp, 'app', `simq-${format}.mjs`), renderExport(rec, format));
    writeFileSync(path.join(tmp, 'app', `simq-${format}.d.mts`), exportDeclaration(format)!);
  }
  lk = JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('./app/simq-livekit.mjs'); process.stdout.write(JSON.stringify(m))",
      ],
      { cwd: tmp, encoding: 'utf8' },
    ),
  );
  ms = JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('./app/simq-mediasoup.mjs'); process.stdout.write(JSON.stringify(m))",
      ],
      { cwd: tmp, encoding: 'utf8' },
    ),
  );
}, 300_000);

describe('SVC export values type-check against the real client types (tsc --strict)', () => {
  it('LiveKit options as TrackPublishOptions, mediasoup encodings as mediasoup-client RtpEncodingParameters, every preferred layer as mediasoup ConsumerLayers; and a wrong value fails', () => {
    const write = (name: string, text: string) => {
      const file = path.join(tmp, 'app', name);
      writeFileSync(file, text);
      return file;
    };
    const ok = [
      write(
        'livekit-values.ts',
        `import type { TrackPublishOptions } from 'livekit-client';\nexport const o: TrackPublishOptions = ${JSON.stringify(lk.simqPublishOptions)};\n`,
      ),
      write(
        'mediasoup-values.ts',
        "import type { types as client } from 'mediasoup-client';\nimport type { types } from 'mediasoup';\n" +
          `export const e: client.RtpEncodingParameters[] = ${JSON.stringify(ms.simqEncodings)};\n` +
          `export const l: (types.ConsumerLayers | null)[] = ${JSON.stringify([...ms.simqPreferredLayersTable, ...ms.simqPreferredLayersBySize].map((r) => r.preferredLayers))};\n` +
          'declare const consumer: types.Consumer;\nfor (const x of l) if (x) void consumer.setPreferredLayers(x);\n',
      ),
      // The README's import through the declarations still type-checks with the SVC module.
      write(
        'import-decl.ts',
        "import { simqEncodings, simqSvc, simqPreferredLayers } from './simq-mediasoup.mjs';\nimport { simqPublishOptions } from './simq-livekit.mjs';\nexport const x = [simqEncodings.length, simqSvc?.scalabilityMode, simqPreferredLayers(320, 180, 1e6)?.spatialLayer, simqPublishOptions.scalabilityMode];\n",
      ),
    ];
    // Must fail: a backup codec LiveKit has no such thing as (TS2322), a ConsumerLayers without spatialLayer (TS2741).
    const badBackup = write(
      'bad-backup.ts',
      `import type { TrackPublishOptions } from 'livekit-client';\nexport const o: TrackPublishOptions = ${JSON.stringify({ ...(lk.simqPublishOptions as object), backupCodec: { codec: 'vp9' } })};\n`,
    );
    const badLayers = write(
      'bad-layers.ts',
      "import type { types } from 'mediasoup';\nexport const l: types.ConsumerLayers = { temporalLayer: 2 };\n",
    );
    const found = typeCheck([...ok, badBackup, badLayers]);
    const errors = (f: string) => found.get(path.relative(tmp, f)) ?? [];
    expect(ok.flatMap(errors)).toEqual([]);
    expect(errors(badBackup).join('\n')).toMatch(/TS2322/);
    expect(errors(badLayers).join('\n')).toMatch(/TS2741/);
  });

  it("simq's list of modes LiveKit takes is exactly the libwebrtc names livekit-client's ScalabilityMode accepts", () => {
    const modes = allScalabilityModes();
    const files = modes.map((m) => {
      const file = path.join(tmp, 'app', `mode-${m}.ts`);
      writeFileSync(
        file,
        `import type { ScalabilityMode } from 'livekit-client';\nexport const m: ScalabilityMode = ${JSON.stringify(m)};\n`,
      );
      return file;
    });
    const found = typeCheck(files);
    const accepted = modes.filter((m, i) => (found.get(path.relative(tmp, files[i])) ?? []).length === 0);
    expect(accepted).toEqual([...LIVEKIT_SCALABILITY_MODES]);
    // And the refused ones fail for the value: S modes and L2T2_KEY_SHIFT.
    expect(modes.filter((m) => !accepted.includes(m))).toContain('S3T3');
  });
});

describe('the SVC modules in the real libraries (plain Node)', () => {
  it('LiveKit: the Room keeps videoCodec, scalabilityMode, videoEncoding and backupCodec as publishDefaults', () => {
    const out = runInProject(
      'livekit-svc-check.mjs',
      `import { Room, isSVCCodec } from 'livekit-client';
const m = await import('./app/simq-livekit.mjs');
const kept = new Room({ publishDefaults: m.simqPublishOptions }).options.publishDefaults;
process.stdout.write(JSON.stringify({ codec: kept.videoCodec, svc: isSVCCodec(kept.videoCodec), mode: kept.scalabilityMode, enc: kept.videoEncoding, backup: kept.backupCodec }));
process.exit(0);
`,
    ) as { codec: string; svc: boolean; mode: string; enc: { maxBitrate: number }; backup: unknown };
    expect([out.codec, out.svc, out.mode, out.backup]).toEqual(['vp9', true, SVC_MODE, { codec: 'vp8' }]);
    expect(out.enc.maxBitrate).toBe(
      (lk.simqPublishOptions as { videoEncoding: { maxBitrate: number } }).videoEncoding.maxBitrate,
    );
  });

  it('mediasoup-client: parseScalabilityMode reads the mode as 3 spatial x 3 temporal layers, every preferred layer lies inside it, and its FakeHandler produces VP9 with the one encoding', () => {
    const out = runInProject(
      'mediasoup-svc-check.mjs',
      `import { Device, FakeHandler, testFakeParameters, parseScalabilityMode } from 'mediasoup-client';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { simqEncodings, simqPreferredLayersTable, simqPreferredLayersBySize } from './app/simq-mediasoup.mjs';
const device = new Device({ handlerFactory: FakeHandler.createFactory(testFakeParameters) });
await device.load({ routerRtpCapabilities: testFakeParameters.generateRouterRtpCapabilities() });
const transport = device.createSendTransport(testFakeParameters.generateTransportRemoteParameters());
transport.on('connect', (_p, done) => done());
transport.on('produce', (_p, done) => done({ id: 'producer' }));
const codec = device.rtpCapabilities.codecs.find((c) => c.mimeType === 'video/VP9');
const producer = await transport.produce({ track: new FakeMediaStreamTrack({ kind: 'video' }), encodings: simqEncodings, codec });
const layers = [...simqPreferredLayersTable, ...simqPreferredLayersBySize].map((r) => r.preferredLayers).filter(Boolean);
process.stdout.write(JSON.stringify({ parsed: parseScalabilityMode(simqEncodings[0].scalabilityMode), layers, sent: producer.rtpParameters.encodings.map((e) => e.scalabilityMode), codec: producer.rtpParameters.codecs[0].mimeType }));
process.exit(0);
`,
    ) as {
      parsed: { spatialLayers: number; temporalLayers: number; ksvc: boolean };
      layers: { spatialLayer: number; temporalLayer: number }[];
      sent: string[];
      codec: string;
    };
    expect(out.parsed).toEqual({ spatialLayers: 3, temporalLayers: 3 });
    expect(out.layers.length).toBeGreaterThan(0);
    for (const l of out.layers) {
      expect(l.spatialLayer).toBeLessThan(out.parsed.spatialLayers);
      expect(l.temporalLayer).toBeLessThan(out.parsed.temporalLayers);
    }
    expect(out.sent).toEqual([SVC_MODE]);
    expect(out.codec).toBe('video/VP9');
  });
});
