// run.json and the study file have one schema each (src/rundir/runSchema.ts, src/study/studySchema.ts):
// the published JSON Schemas are the ones the code generates, an old (simq.run/1) run still opens and
// is upgraded, and a bad record is refused naming the field by its JSON path.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunRecord } from '../src/rundir/RunDirectory.js';
import { publishedSchemas } from '../src/rundir/publishedSchemas.js';
import { RUN_SCHEMA } from '../src/rundir/RunTypes.js';
import { upgradeRun } from '../src/rundir/upgradeRun.js';
import { loadStudyFile } from '../src/study/studyFile.js';

const OLD_RUN = fileURLToPath(new URL('fixtures/old-run/run.json', import.meta.url));
const REPORT_RUN = fileURLToPath(new URL('fixtures/report-run/run.json', import.meta.url));
const SCHEMAS = fileURLToPath(new URL('../schemas/', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-schema-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The stored simq.run/1 record with its placeholders made absolute paths. */
function oldRun(): any {
  const text = readFileSync(OLD_RUN, 'utf8')
    .replaceAll('@CLIP@', '/clips/camera.y4m')
    .replaceAll('@Y4M@', '/cache/camera.y4m')
    .replaceAll('@TMP@', '/tmp/x')
    .replaceAll('@FFMPEG@', '/usr/bin/ffmpeg');
  return JSON.parse(text);
}

let n = 0;
/** Writes a run.json into a new run folder and reads it back as every stage does. */
function read(record: unknown) {
  const dir = path.join(tmp, `run${++n}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'run.json'), JSON.stringify(record));
  return readRunRecord(dir);
}

describe('published JSON Schemas', () => {
  it('are the ones the zod schemas generate (npm run schemas writes them)', () => {
    for (const [file, schema] of Object.entries(publishedSchemas()))
      expect(JSON.parse(readFileSync(path.join(SCHEMAS, file), 'utf8')), file).toEqual(schema);
  });
});

describe('a simq.run/1 run', () => {
  it('opens, upgraded to simq.run/2, with unknown fields kept', () => {
    const raw = oldRun();
    expect(raw.schema).toBe('simq.run/1');
    raw.fromANewerSimq = { kept: true };
    const run = read(raw);
    expect(run.schema).toBe(RUN_SCHEMA);
    expect(run.environment.browser.name).toBe('chromium');
    expect(run.scenarios.map((s) => s.clipId)).toEqual(['camera-0d7a8a8b', 'camera-0d7a8a8b']);
    expect((run as unknown as { fromANewerSimq: unknown }).fromANewerSimq).toEqual({ kept: true });
  });

  it('made before studies and the settle wait: the input is clips[0], steady state starts at the warm-up', () => {
    const raw = oldRun();
    delete raw.clips;
    for (const s of raw.scenarios) {
      delete s.clipId;
      delete s.steadyStart;
    }
    const run = read(raw);
    expect(run.clips?.map((c) => c.id)).toEqual(['camera-0d7a8a8b']);
    expect(run.scenarios.every((s) => s.clipId === run.clips![0].id)).toBe(true);
    expect(run.scenarios[0].steadyStart).toEqual({
      fromS: run.scenarios[0].scenario.warmupS,
      settled: true,
      waitedS: 0,
    });
  });

  it("analyze's measure settings: from the measure record, the rest from the command line once", () => {
    const run = read(JSON.parse(readFileSync(REPORT_RUN, 'utf8')));
    expect(run.measure?.subsample).toBe(1);
    expect(run.measure?.settings).toEqual({
      viewports: run.measure!.viewports.join(','),
      vmafSubsample: '1',
      view: 'displayed',
      vmafBackend: 'ffmpeg',
      vmafModel: 'vmaf_v0.6.1',
      includeWarmup: false,
      temporalLayers: false,
    });
    // The run's command line gave its own plan (--sweep): analyze measured every picture.
    expect(run.settings.measure).toEqual({
      vmafSubsample: '1',
      view: 'displayed',
      vmafBackend: 'auto',
      includeWarmup: false,
      temporalLayers: false,
    });
  });

  it('an analyze without a plan of its own measured in quick mode; flags are read once', () => {
    const raw = upgradeRun({
      schema: 'simq.run/1',
      argv: ['analyze', 'clip.mp4', '--viewports=640x360', '--view', 'encoded', '--temporal-layers'],
      settings: {},
    }) as { settings: { measure: unknown } };
    expect(raw.settings.measure).toEqual({
      viewports: '640x360',
      vmafSubsample: '3',
      view: 'encoded',
      vmafBackend: 'auto',
      includeWarmup: false,
      temporalLayers: true,
    });
  });
});

describe('a bad run.json is refused naming the field by its path', () => {
  const cases: [string, (r: any) => void, RegExp][] = [
    [
      'a rid with a separator',
      (r) => (r.scenarios[0].layers[1].rid = 'h/../y'),
      /scenarios\[0\]\.layers\[1\]\.rid "h\/\.\.\/y" is not allowed \(a rid is letters/,
    ],
    [
      'a file outside the scenario',
      (r) => (r.scenarios[1].layers[0].bitstream = '../x.ivf'),
      /scenarios\[1\]\.layers\[0\]\.bitstream "\.\.\/x\.ivf" is not allowed/,
    ],
    ['a number as text', (r) => (r.input.fps = '30'), /input\.fps must be a number, not "30"/],
    [
      'a status nobody writes',
      (r) => (r.scenarios[0].status = 'done'),
      /scenarios\[0\]\.status must be one of pending, running, complete, degraded, failed, incomplete, not "done"/,
    ],
    [
      'a clip id not in clips',
      (r) => (r.scenarios[1].clipId = 'other'),
      /scenarios\[1\]\.clipId "other" is not in clips \(camera-0d7a8a8b\)/,
    ],
    ['a relative reference', (r) => (r.input.y4m = 'camera.y4m'), /input\.y4m must be an absolute path/],
    [
      'the same scenario twice',
      (r) => (r.scenarios[1].id = r.scenarios[0].id),
      /scenarios\[1\]\.id "all-layers\.vp8" appears twice/,
    ],
  ];
  for (const [what, edit, message] of cases)
    it(what, () => {
      const raw = oldRun();
      edit(raw);
      expect(() => read(raw)).toThrow(message);
    });

  // A shaped viewer's link timeline lives in the scenario's viewers/ folder (CaptureSession
  // finishViewerLinks): a real run with viewer links was refused by the first schema.
  const link = (timelineCsv: string) => ({ role: 'downlink', spec: '5M', timelineCsv });
  it("a link timeline in the scenario's viewers/ folder opens; one anywhere else is refused", () => {
    const raw = oldRun();
    raw.scenarios[0].links = [link('uplink.csv'), link('viewers/v1-480x270-fixed-h.link.csv')];
    expect(() => read(raw)).not.toThrow();
    for (const bad of ['viewers/../x.csv', 'other/x.csv', 'viewers/a/x.csv', '../x.csv']) {
      raw.scenarios[0].links = [link(bad)];
      expect(() => read(raw), bad).toThrow(/scenarios\[0\]\.links\[0\]\.timelineCsv .* is not allowed/);
    }
  });

  it('a version this simq does not know is refused as a whole', () => {
    const raw = oldRun();
    raw.schema = 'simq.run/3';
    expect(() => read(raw)).toThrow(
      /schema "simq\.run\/3" is not simq\.run\/2 or simq\.run\/1; this simq cannot read it/,
    );
  });
});

describe('a bad study file is refused naming the key or entry', () => {
  const study = (doc: unknown) => {
    const file = path.join(tmp, `study${++n}.json`);
    writeFileSync(file, JSON.stringify(doc));
    return () => loadStudyFile(file);
  };
  it('each problem in the words the hand-written checks used', () => {
    expect(study({ clips: ['a.mp4', { path: 'b.mp4', label: 'a/b' }] })).toThrow(
      /clips\[1\]\.label "a\/b": use up to 40 letters/,
    );
    expect(study({ clips: ['a.mp4', 5] })).toThrow(
      /clips\[1\] must be a path or \{"path": \.\.\., "label": \.\.\.\}, not 5/,
    );
    expect(study({ clips: ['a.mp4'], sweeps: ['h.maxBitrate=300k', ' '] })).toThrow(
      /"sweeps" must be a non-empty list of strings, not \["h\.maxBitrate=300k"," "\] \(sweeps\[1\]\)/,
    );
    expect(study({ clips: [] })).toThrow(/"clips" must list at least one clip/);
    expect(study({ clips: ['a.mp4'], codec: ['vp8'], duration: -1 })).toThrow(/unknown key "codec"/);
    expect(study({ clips: ['a.mp4'], duration: 0 })).toThrow(/"duration" must be seconds > 0 and at most 3600, not 0/);
  });
});
