// The test tiers are chosen by file name (vitest.config.ts, CONTRIBUTING.md "Tests"). The config
// refuses a test file without a tier; this checks that a file's imports fit the tier its name claims,
// so a unit file cannot run ffmpeg or the built CLI and a CLI file cannot drive a browser.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TEST = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(TEST).filter((f) => f.endsWith('.test.ts'));
const source = (f: string) => readFileSync(path.join(TEST, f), 'utf8');
/** Names a file imports from helpers/simq.js (the built CLI, the ffmpeg binary, samples). */
const simqHelpers = (f: string) =>
  [...source(f).matchAll(/^import \{([^}]*)\} from '\.\/helpers\/simq\.js';/gm)].flatMap((m) =>
    m[1].split(',').map((n) => n.replace(/^\s*type\s+/, '').trim()),
  );
const imports = (f: string) => [...source(f).matchAll(/^import [^;]*? from '([^']+)';/gms)].map((m) => m[1]);

describe('test tiers by file name', () => {
  it('every test file names its tier', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => !/\.(unit|cli|browser)\.test\.ts$/.test(f))).toEqual([]);
  });

  it('unit files drive no browser, run no ffmpeg and no built CLI', () => {
    const bad = files
      .filter((f) => f.endsWith('.unit.test.ts'))
      .flatMap((f) => [
        ...imports(f)
          .filter((m) =>
            /playwright|puppeteer|chromiumProfile|firefoxProfile|browserInfo|tools\/(ffmpeg|process)\b|helpers\/captureFixture/.test(
              m,
            ),
          )
          .map((m) => `${f}: ${m}`),
        ...simqHelpers(f)
          .filter((n) => ['simq', 'cameraSample', 'FFMPEG', 'BIN', 'testEnv'].includes(n))
          .map((n) => `${f}: ${n} from helpers/simq`),
      ]);
    expect(bad).toEqual([]);
  });

  it('CLI files drive no browser: no browser driver, no browser lookup, no Janus, no link shaping', () => {
    const bad = files
      .filter((f) => f.endsWith('.cli.test.ts'))
      .flatMap((f) =>
        imports(f)
          .filter((m) =>
            /playwright|puppeteer|tools\/(chrome|firefox)\b|chromiumProfile|firefoxProfile|browserInfo|\/sfu\/|\/link\//.test(
              m,
            ),
          )
          .map((m) => `${f}: ${m}`),
      );
    expect(bad).toEqual([]);
  });

  it('the check sees imports (it can fail)', () => {
    expect(imports('report.browser.test.ts')).toContain('playwright-core');
    expect(imports('report.browser.test.ts')).toContain('../src/tools/chrome.js');
    expect(simqHelpers('measureStage.cli.test.ts')).toContain('simq');
  });
});
