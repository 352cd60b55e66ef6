// simq viewers refuses a table viewer whose size the recommendation's Janus subscriber table lacks,
// before any capture (the built CLI with CHROME_PATH pointing nowhere: reaching a browser would be
// exit 3), and writes nothing. Before, this failed only after the default arm's capture (144 s here).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import { buildQualityTable } from '../src/recommend/qualityTable.js';
import { recommend } from '../src/recommend/recommend.js';
import { handmadeParsedRows, handmadeRun } from './fixtures/recommend/handmade.js';
import { simq, testEnv } from './helpers/simq.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-viewers-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('simq viewers: a table viewer needs its size in the recommendation', () => {
  it('480x270:table against a recommendation for other sizes: exit 2 at once, naming the sizes it has; nothing written', async () => {
    const rec = recommend(buildQualityTable(handmadeRun(), handmadeParsedRows()), {
      runDir: 'results/handmade',
      simqVersion: 'test',
      now: new Date('2025-01-02T00:00:00Z'),
    });
    const recFile = path.join(dir, 'recommendation.json');
    writeFileSync(recFile, JSON.stringify(rec));
    const clip = path.join(dir, 'clip.mp4');
    writeFileSync(clip, 'not read');
    const started = Date.now();
    const r = await simq(
      ['viewers', clip, '--viewers', '480x270:table', '--recommendation', recFile, '--out', dir, '--run-id', 'cmp'],
      { env: { ...testEnv(), CHROME_PATH: path.join(dir, 'no-chromium') }, timeoutMs: 30_000 },
    );
    expect(r.code, r.stderr).toBe(ExitCode.badInput);
    expect(r.stderr).toMatch(
      /viewer 480x270:table: the Janus export has no subscriber table for 480x270 \(it has [0-9x, ]+\)/,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(existsSync(path.join(dir, 'cmp'))).toBe(false);
  });
});
