// Clip file names, scenario ids and run ids are the user's text, and the JS exports embed them. Each
// export is written for a run whose names carry a line break plus code, `*/`, quotes, backticks,
// `${}` and `</script>`; the modules must still parse (node --check), running them must not run the
// injected code, and the names must come back unchanged as data.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderExport } from '../src/recommend/exports/formats.js';
import { buildQualityTable } from '../src/recommend/qualityTable.js';
import { recommend } from '../src/recommend/recommend.js';
import { handmadeParsedRows, handmadeRun } from './fixtures/recommend/handmade.js';
import { ROOT } from './helpers/simq.js';

// Prints PWNED only when run: the text itself never holds that word.
const PAYLOAD = "process.stdout.write('PW' + 'NED')";
// A file name cannot hold '/', so the clip carries everything else; the scenario id and run id carry `*/` and `</script>`.
const CLIP_NAME = `cam\n${PAYLOAD};\r\n\u2028${PAYLOAD}; "q' \`\${${PAYLOAD}}\` <script>${PAYLOAD}<script>.y4m`;
const SCENARIO_ID = `all-layers.vp8 */ ${PAYLOAD}; /*\n${PAYLOAD}; \`\${${PAYLOAD}}\` </script><script>${PAYLOAD}</script>`;
const RUN_ID = `run\n${PAYLOAD};//*/"'\`</SCRIPT>`;

// The sender scenario ends its comment line, so after a line break this is a complete statement:
// live code if the comment is not kept on one line.
const CLEAN_INJECTION = `all-layers.vp8\n${PAYLOAD};`;

function hostileRecommendation(clipName = CLIP_NAME, scenarioId = SCENARIO_ID, runId = RUN_ID) {
  const run = handmadeRun();
  run.runId = runId;
  run.input.source = `/clips/${clipName}`;
  run.scenarios = run.scenarios.map((s) =>
    s.id === 'all-layers.vp8' ? { ...s, id: scenarioId, scenario: { ...s.scenario, id: scenarioId } } : s,
  );
  const rows = handmadeParsedRows().map((r) =>
    r.scenario_id === 'all-layers.vp8' ? { ...r, scenario_id: scenarioId } : r,
  );
  return recommend(buildQualityTable(run, rows), { runDir: 'x', simqVersion: 't', now: new Date(0) });
}

const rec = hostileRecommendation();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-export-names-'));
writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ type: 'module' }));
symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function node(args: string[]) {
  return spawnSync(process.execPath, args, { cwd: tmp, encoding: 'utf8', timeout: 60_000 });
}

describe('untrusted names never become code', () => {
  it('the run really carries the hostile names into the provenance', () => {
    expect(rec.codecs[0].senderScenario?.id).toBe(SCENARIO_ID);
    expect(rec.provenance.clip.name).toBe(CLIP_NAME);
  });

  it.each(['mediasoup', 'livekit'] as const)(
    '%s: the module parses, runs without the injected code, and keeps the names as data',
    (format) => {
      const file = path.join(tmp, `simq-${format}.mjs`);
      const text = renderExport(rec, format);
      writeFileSync(file, text);
      expect(text.toLowerCase()).not.toContain('</script');
      const check = node(['--check', file]);
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
      const script = path.join(tmp, `${format}-run.mjs`);
      writeFileSync(
        script,
        `import * as m from './simq-${format}.mjs';\nprocess.stdout.write(JSON.stringify(m.simqProvenance));\nprocess.exit(0);\n`,
      );
      const out = execFileSync(process.execPath, [script], { cwd: tmp, encoding: 'utf8' });
      expect(out).not.toContain('PWNED');
      const provenance = JSON.parse(out);
      expect([provenance.clip, provenance.senderScenario, provenance.runId]).toEqual([CLIP_NAME, SCENARIO_ID, RUN_ID]);
    },
  );

  it('jitsi: appended to config.js it sets only videoQuality', () => {
    const file = path.join(tmp, 'config.cjs');
    const text = renderExport(rec, 'jitsi');
    expect(text.toLowerCase()).not.toContain('</script');
    writeFileSync(file, `var config = { videoQuality: {} };\n${text}\nprocess.stdout.write(JSON.stringify(config));\n`);
    const run = node([file]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain('PWNED');
    expect(Object.keys(JSON.parse(run.stdout))).toEqual(['videoQuality']);
  });

  it.each(['mediasoup', 'livekit', 'jitsi'] as const)(
    '%s: a scenario id that is a clean statement after its line break does not run',
    (format) => {
      const file = path.join(tmp, `clean-${format}.${format === 'jitsi' ? 'cjs' : 'mjs'}`);
      const text = renderExport(hostileRecommendation('cam.y4m', CLEAN_INJECTION, 'run-1'), format);
      writeFileSync(file, format === 'jitsi' ? `var config = {};\n${text}` : text);
      const run = node([file]);
      expect(run.stderr).toBe('');
      expect(run.stdout).not.toContain('PWNED');
    },
  );

  it.each(['encodings', 'janus', 'json'] as const)('%s: valid JSON that keeps the names', (format) => {
    const doc = JSON.stringify(JSON.parse(renderExport(rec, format)));
    expect(doc).toContain(JSON.stringify(CLIP_NAME).slice(1, -1));
  });
});
