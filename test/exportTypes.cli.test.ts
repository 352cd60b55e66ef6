// The mediasoup and LiveKit exports as a TypeScript user meets them: written by `simq recommend --out`
// from a measured run, imported by the README's own snippets in a fresh ES-module project that has
// only the real packages installed (test/fixtures/export-consumer: mediasoup, mediasoup-client,
// livekit-client, typescript, pinned by its own package-lock.json), and type-checked with the options
// of the README's tsc line (--strict, no allowJs) through the TypeScript compiler API. Then the modules
// run in plain Node against the real libraries: LiveKit's layers are its own VideoPreset instances
// that its Room keeps as publishDefaults, and mediasoup-client's own FakeHandler produces with
// simqEncodings.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDeclaration } from '../src/recommend/exports/declarations.js';
import { renderExport } from '../src/recommend/exports/formats.js';
import { buildQualityTable } from '../src/recommend/qualityTable.js';
import { recommend } from '../src/recommend/recommend.js';
import { handmadeParsedRows, handmadeRun } from './fixtures/recommend/handmade.js';
import { CONSUMER, installConsumer } from './helpers/exportConsumer.js';
import { ROOT, simq } from './helpers/simq.js';

const FIXTURE_RUN = path.join(ROOT, 'test', 'fixtures', 'report-run');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-export-types-'));
const app = path.join(tmp, 'app');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The section of README.md with the walk-through: its ```ts snippets and its tsc line. */
function readmeWalkthrough(): { snippets: string[]; tscArgs: string[] } {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## A worked example: from a clip to a pasted config');
  expect(start).toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('| `--format` |', start));
  const snippets = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const tscLine = /^npx tsc (.*) app\/publish\.ts$/m.exec(section);
  expect(tscLine).not.toBeNull();
  return { snippets, tscArgs: tscLine![1].split(/\s+/) };
}

/** What each snippet takes as given (its first comment names it), typed by the real packages. */
const CONTEXT: Record<string, string> = {
  'mediasoup-client':
    "import type { types } from 'mediasoup-client';\ndeclare const sendTransport: types.Transport;\ndeclare const track: MediaStreamTrack;\n",
  'mediasoup server':
    "import type { types } from 'mediasoup';\ndeclare const consumer: types.Consumer;\n" +
    'declare const tileWidth: number;\ndeclare const tileHeight: number;\ndeclare const availableBps: number;\n',
  'livekit-client': 'declare const url: string;\ndeclare const token: string;\n',
};

function contextOf(snippet: string): string {
  const key = Object.keys(CONTEXT).find((k) => snippet.startsWith(`// ${k}`));
  if (key === undefined) throw new Error(`README snippet without a known first comment: ${snippet.split('\n')[0]}`);
  return CONTEXT[key];
}

/** tsc diagnostics per file (relative to the project), for one program over all the files. */
function typeCheck(files: string[], tscArgs: string[]): Map<string, string[]> {
  const parsed = ts.parseCommandLine(tscArgs);
  expect(parsed.errors).toEqual([]);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  const byFile = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const name = d.file ? path.relative(tmp, d.file.fileName) : '(global)';
    const line = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : 0;
    byFile.set(name, [
      ...(byFile.get(name) ?? []),
      `${name}:${line} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    ]);
  }
  return byFile;
}

/** A VP9 recommendation from the handmade run (each all-layers encoding L1T3, as Chrome's VP9 simulcast). */
function vp9Recommendation() {
  const run = handmadeRun();
  const sender = run.scenarios[0];
  const encodings = sender.scenario.encodings.map((e) => ({ ...e, scalabilityMode: 'L1T3' }));
  run.scenarios = [
    {
      ...sender,
      id: 'all-layers.vp9',
      scenario: { ...sender.scenario, id: 'all-layers.vp9', codec: 'vp9', encodings },
      problems: [],
    },
  ];
  const rows = handmadeParsedRows()
    .filter((r) => r.scenario_id === 'all-layers.vp8')
    .map((r) => ({ ...r, scenario_id: 'all-layers.vp9', codec: 'vp9' }));
  return recommend(buildQualityTable(run, rows), { runDir: 'x', simqVersion: 't', now: new Date(0) });
}

let mediasoupEncodings: { rid: string; maxBitrate: number }[] = [];

beforeAll(async () => {
  mkdirSync(app, { recursive: true });
  // A fresh ES-module project with only the real packages (not simq's node_modules).
  installConsumer();
  copyFileSync(path.join(CONSUMER, 'package.json'), path.join(tmp, 'package.json'));
  symlinkSync(path.join(CONSUMER, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
  for (const format of ['mediasoup', 'livekit']) {
    const r = await simq([
      'recommend',
      FIXTURE_RUN,
      '--no-save',
      '--format',
      format,
      '--out',
      path.join(app, `simq-${format}.mjs`),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`its TypeScript declarations to ${path.join(app, `simq-${format}.d.mts`)}`);
  }
  mediasoupEncodings = (
    (await import(pathToFileURL(path.join(app, 'simq-mediasoup.mjs')).href)) as {
      simqEncodings: typeof mediasoupEncodings;
    }
  ).simqEncodings;
  expect(mediasoupEncodings.map((e) => e.rid)).toEqual(['q', 'h', 'f']);
  // The VP9 LiveKit export (scalabilityMode) in a second folder, with the same declarations.
  mkdirSync(path.join(tmp, 'vp9'));
  writeFileSync(path.join(tmp, 'vp9', 'simq-livekit.mjs'), renderExport(vp9Recommendation(), 'livekit'));
  writeFileSync(path.join(tmp, 'vp9', 'simq-livekit.d.mts'), exportDeclaration('livekit')!);
}, 300_000);

describe('the README snippets type-check against the real packages (tsc --strict, no allowJs)', () => {
  it('every snippet as written in README.md, with the README tsc line; and the check can fail (TS7016 without the .d.mts, TS2322 for a codec LiveKit lacks, TS2339 for a method the mediasoup Consumer lacks)', () => {
    const { snippets, tscArgs } = readmeWalkthrough();
    expect(snippets.length).toBe(3);
    expect(tscArgs).toContain('--strict');
    expect(tscArgs.join(' ')).not.toMatch(/allowJs|checkJs/i);
    const write = (file: string, text: string) => (writeFileSync(file, text), file);
    const files = snippets.map((s, i) => write(path.join(app, `publish-${i}.ts`), contextOf(s) + s));
    files.push(write(path.join(tmp, 'vp9', 'publish.ts'), contextOf(snippets[2]) + snippets[2]));
    // The checks that must fail: the module alone (as before simq wrote declarations), a wrong codec.
    mkdirSync(path.join(tmp, 'bare'), { recursive: true });
    writeFileSync(path.join(tmp, 'bare', 'simq-livekit.mjs'), readFileSync(path.join(app, 'simq-livekit.mjs')));
    const bare = write(path.join(tmp, 'bare', 'publish.ts'), contextOf(snippets[2]) + snippets[2]);
    const wrong = write(
      path.join(app, 'wrong-codec.ts'),
      "import type { TrackPublishOptions } from 'livekit-client';\nimport { simqPublishOptions } from './simq-livekit.mjs';\nexport const o: TrackPublishOptions = { ...simqPublishOptions, videoCodec: 'vp7' };\n",
    );
    // mediasoup's real Consumer has no setLayers (the snippet's call, misspelt): TS2339.
    const mediasoupSnippet = snippets.find((s) => s.startsWith('// mediasoup server'))!;
    expect(mediasoupSnippet).toContain('consumer.setPreferredLayers(layers)');
    const noMethod = write(
      path.join(app, 'no-method.ts'),
      contextOf(mediasoupSnippet) + mediasoupSnippet.replace('consumer.setPreferredLayers(', 'consumer.setLayers('),
    );
    const found = typeCheck([...files, bare, wrong, noMethod], tscArgs);
    const errors = (file: string) => found.get(path.relative(tmp, file)) ?? [];
    expect(files.flatMap(errors)).toEqual([]);
    expect(found.get('(global)') ?? []).toEqual([]);
    expect(errors(bare).join('\n')).toMatch(/TS7016/);
    expect(errors(wrong).join('\n')).toMatch(/TS2322/);
    expect(errors(noMethod).join('\n')).toMatch(/TS2339: Property 'setLayers' does not exist on type 'Consumer</);
  });

  it("the declarations themselves check without skipLibCheck (errors inside livekit-client's own .d.ts aside)", () => {
    const { tscArgs } = readmeWalkthrough();
    const found = typeCheck(
      [path.join(app, 'simq-mediasoup.d.mts'), path.join(app, 'simq-livekit.d.mts')],
      tscArgs.filter((a) => a !== '--skipLibCheck'),
    );
    const ours = [...found.entries()].filter(([file]) => !file.includes('node_modules')).flatMap(([, e]) => e);
    expect(ours).toEqual([]);
  });
});

/** Runs a script in a plain Node child inside the consumer project (no vitest module graph). */
function runInProject(name: string, script: string): unknown {
  const file = path.join(tmp, name);
  writeFileSync(file, script);
  return JSON.parse(execFileSync(process.execPath, [file], { cwd: tmp, encoding: 'utf8', timeout: 60_000 }));
}

describe('the modules behave in the real libraries (plain Node)', () => {
  it('LiveKit: the lower layers are livekit-client VideoPresets, kept by its Room as publishDefaults', () => {
    const out = runInProject(
      'livekit-check.mjs',
      `import { Room, VideoPreset, isSVCCodec } from 'livekit-client';
const check = async (dir) => {
  const m = await import('./' + dir + '/simq-livekit.mjs');
  const layers = m.simqPublishOptions.videoSimulcastLayers ?? [];
  const room = new Room({ publishDefaults: m.simqPublishOptions });
  const kept = room.options.publishDefaults;
  return {
    presets: layers.map((p) => p instanceof VideoPreset),
    resolutions: layers.map((p) => [p.resolution.width, p.resolution.height]),
    encodings: layers.map((p) => p.encoding),
    keptSame: layers.map((p, i) => kept.videoSimulcastLayers[i] === p),
    videoEncoding: kept.videoEncoding,
    codec: kept.videoCodec,
    svcCodec: isSVCCodec(kept.videoCodec),
    simulcast: kept.simulcast,
    scalabilityMode: kept.scalabilityMode ?? null,
  };
};
process.stdout.write(JSON.stringify({ vp8: await check('app'), vp9: await check('vp9') }));
process.exit(0);
`,
    ) as Record<
      'vp8' | 'vp9',
      {
        presets: boolean[];
        resolutions: number[][];
        encodings: unknown[];
        keptSame: boolean[];
        videoEncoding: unknown;
        codec: string;
        svcCodec: boolean;
        simulcast: boolean;
        scalabilityMode: string | null;
      }
    >;
    // The same run's mediasoup export carries the same layers (q 320x180, h 640x360, f 1280x720 in the fixture run).
    const bitrate = (rid: string) => mediasoupEncodings.find((e) => e.rid === rid)!.maxBitrate;
    expect(out.vp8.presets).toEqual([true, true]);
    expect(out.vp8.keptSame).toEqual([true, true]);
    expect(out.vp8.resolutions).toEqual([
      [320, 180],
      [640, 360],
    ]);
    expect(out.vp8.encodings).toEqual([
      { maxBitrate: bitrate('q'), maxFramerate: 30 },
      { maxBitrate: bitrate('h'), maxFramerate: 30 },
    ]);
    expect(out.vp8.videoEncoding).toEqual({ maxBitrate: bitrate('f'), maxFramerate: 30 });
    expect([out.vp8.codec, out.vp8.simulcast, out.vp8.scalabilityMode]).toEqual(['vp8', true, null]);
    // VP9: rid-based simulcast needs simulcast on and an L1Tx mode (livekit-client room/utils.ts isSVCSimulcast).
    expect([out.vp9.codec, out.vp9.svcCodec, out.vp9.simulcast, out.vp9.scalabilityMode]).toEqual([
      'vp9',
      true,
      true,
      'L1T3',
    ]);
    expect(out.vp9.presets).toEqual([true, true]);
  });

  it('mediasoup-client produces with simqEncodings (its FakeHandler, as in its own tests), lowest layer first', () => {
    const out = runInProject(
      'mediasoup-check.mjs',
      `import { Device, FakeHandler, testFakeParameters } from 'mediasoup-client';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { simqEncodings } from './app/simq-mediasoup.mjs';
const device = new Device({ handlerFactory: FakeHandler.createFactory(testFakeParameters) });
await device.load({ routerRtpCapabilities: testFakeParameters.generateRouterRtpCapabilities() });
const transport = device.createSendTransport(testFakeParameters.generateTransportRemoteParameters());
transport.on('connect', (_p, done) => done());
transport.on('produce', (_p, done) => done({ id: 'producer' }));
const producer = await transport.produce({ track: new FakeMediaStreamTrack({ kind: 'video' }), encodings: simqEncodings });
process.stdout.write(JSON.stringify({ sent: producer.rtpParameters.encodings.map((e) => [e.scaleResolutionDownBy, e.maxBitrate]), codec: producer.rtpParameters.codecs[0].mimeType }));
process.exit(0);
`,
    ) as { sent: number[][]; codec: string };
    const bitrate = (rid: string) => mediasoupEncodings.find((e) => e.rid === rid)!.maxBitrate;
    expect(out.sent).toEqual([
      [4, bitrate('q')],
      [2, bitrate('h')],
      [1, bitrate('f')],
    ]);
    expect(out.codec).toBe('video/VP8');
  });
});
