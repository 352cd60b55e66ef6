// The fuller bench runs the README's command, not a copy that drifts: the command is read from the
// README text, and the printed line names what a reader needs (wall, split, exit, retries).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FULLER_ARGS, FULLER_VARIANTS, resultLine } from '../src/bench/fullerBench.js';

const README = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');

describe('bench:fuller', () => {
  it("runs exactly the README's fuller command, in quick mode and measuring every picture", () => {
    const m = /\nnpx simq (analyze --scenario [^\n]*)\n/.exec(README);
    expect(m, 'the README shows the fuller command on its own line').not.toBeNull();
    expect(m![1].split(' ')).toEqual([...FULLER_ARGS]);
    expect(FULLER_VARIANTS.map((v) => [v.name, v.extra.join(' ')])).toEqual([
      ['quick', '--vmaf-subsample 3'],
      ['full', ''],
    ]);
  });

  it('prints wall, capture and measure seconds, the exit code and which scenarios were retried or degraded', () => {
    const line = resultLine({
      variant: FULLER_VARIANTS[0],
      exitCode: 4,
      wallS: 412.34,
      captureS: 116.5,
      measureS: 290.1,
      scenarios: 8,
      retried: ['top-off.vp8'],
      degraded: [],
    });
    expect(line).toBe(
      'quick: 412.3 s wall (capture 116.5 s, measure 290.1 s), exit 4, 8 scenarios, retried 1: top-off.vp8, none degraded',
    );
  });
});
