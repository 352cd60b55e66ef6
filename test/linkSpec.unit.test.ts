// LINK specs and traces: rates, shipped traces, simq's JSON/CSV steps and mahimahi files, with the
// answers worked out by hand (a mahimahi second with N opportunities carries N x 1500 B x 8 bit).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { isMoving, rateAt } from '../src/link/LinkTypes.js';
import { parseLinkSpec } from '../src/link/parseLinkSpec.js';
import { shippedTraceNames } from '../src/link/traces.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-linkspec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const bad = (text: string): InputError => {
  try {
    parseLinkSpec(text, '--uplink');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error(`"${text}" was accepted`);
};

describe('parseLinkSpec: rates and options', () => {
  it('reads rates with units as kbps', () => {
    expect(parseLinkSpec('800k', 'x').steps).toEqual([{ atMs: 0, kbps: 800 }]);
    expect(parseLinkSpec('2.5M', 'x').steps).toEqual([{ atMs: 0, kbps: 2500 }]);
    expect(parseLinkSpec('800kbps', 'x').steps).toEqual([{ atMs: 0, kbps: 800 }]);
    expect(parseLinkSpec('1mbit', 'x').steps).toEqual([{ atMs: 0, kbps: 1000 }]);
  });

  it('defaults to a 100 ms queue and no loss; reads queue, loss, delay, jitter', () => {
    const plain = parseLinkSpec('600k', 'x');
    expect(plain.queue).toEqual({ unit: 'ms', value: 100 });
    expect(plain.lossPercent).toBe(0);
    expect(plain.delayMs).toBeUndefined();
    const full = parseLinkSpec('600k,queue=32p,loss=2%,delay=50ms,jitter=10ms', 'x');
    expect(full.queue).toEqual({ unit: 'packets', value: 32 });
    expect(full.lossPercent).toBe(2);
    expect(full.delayMs).toBe(50);
    expect(full.jitterMs).toBe(10);
    expect(parseLinkSpec('600k,loss=0.25%', 'x').lossPercent).toBe(0.25);
  });

  it('names the bad part and what would work', () => {
    expect(bad('800').message).toMatch(/needs its unit/);
    expect(bad('800').fix).toMatch(/800k/);
    expect(bad('3k').message).toMatch(/from 8k/);
    expect(bad('nosuchtrace').message).toMatch(/step-3000-800-3000/);
    expect(bad('800k,loss=2x').message).toMatch(/loss=2x/);
    expect(bad('800k,loss=0.125%').message).toMatch(/two decimals/);
    expect(bad('800k,loss=101%').message).toMatch(/loss=101%/);
    expect(bad('800k,queue=5s').message).toMatch(/queue=5s.*ms.*packets/);
    expect(bad('800k,queue=1.5p').message).toMatch(/whole number of packets/);
    expect(bad('800k,delay=50').message).toMatch(/delay=50: expected milliseconds/);
    expect(bad('800k,jitter=10ms').message).toMatch(/no delay=/);
    expect(bad('800k,rate=1M').message).toMatch(/option "rate=1M"/);
    expect(bad('800k,loss=1%,loss=2%').message).toMatch(/given twice/);
    expect(bad(',loss=1%').message).toMatch(/no rate or trace/);
  });
});

describe('shipped traces', () => {
  it('ships the step, ramp and lossy traces, each with its source', () => {
    expect(shippedTraceNames()).toEqual(expect.arrayContaining(['step-3000-800-3000', 'slow-ramp', 'lossy']));
    for (const name of shippedTraceNames()) {
      const s = parseLinkSpec(name, 'x');
      expect(s.rate.kind).toBe('named');
      expect(s.rate.kind === 'named' && s.rate.source.length).toBeGreaterThan(20);
    }
  });

  it('step-3000-800-3000 is 3000 for 10 s, 800 for 10 s, then 3000 held', () => {
    const s = parseLinkSpec('step-3000-800-3000', 'x');
    expect([0, 9999, 10000, 19999, 20000, 60000].map((t) => rateAt(s, t))).toEqual([3000, 3000, 800, 800, 3000, 3000]);
    expect(isMoving(s)).toBe(true);
  });

  it('lossy carries 5% loss and a 32-packet queue, which the command line overrides', () => {
    const s = parseLinkSpec('lossy', 'x');
    expect(s.lossPercent).toBe(5);
    expect(s.queue).toEqual({ unit: 'packets', value: 32 });
    expect(isMoving(s)).toBe(false);
    expect(parseLinkSpec('lossy,loss=1%', 'x').lossPercent).toBe(1);
  });
});

describe('trace files', () => {
  it('reads simq JSON steps, with repeat and duration_s', () => {
    const p = file(
      't.json',
      JSON.stringify({
        repeat: true,
        duration_s: 6,
        steps: [
          { t_s: 0, kbps: 1000 },
          { t_s: 4, kbps: 300 },
        ],
      }),
    );
    const s = parseLinkSpec(`${p},loss=1%`, 'x');
    expect(s.steps).toEqual([
      { atMs: 0, kbps: 1000 },
      { atMs: 4000, kbps: 300 },
    ]);
    expect([0, 4000, 5999, 6000, 10500].map((t) => rateAt(s, t))).toEqual([1000, 300, 300, 1000, 300]);
    expect(s.lossPercent).toBe(1);
  });

  it('reads CSV steps with or without the header', () => {
    const a = parseLinkSpec(file('a.csv', 't_s,kbps\n0,2000\n2.5,500\n'), 'x');
    const b = parseLinkSpec(file('b.csv', '0, 2000\n2.5, 500\n'), 'x');
    expect(a.steps).toEqual([
      { atMs: 0, kbps: 2000 },
      { atMs: 2500, kbps: 500 },
    ]);
    expect(b.steps).toEqual(a.steps);
  });

  it('rejects bad step files with the line or field', () => {
    expect(bad(file('c.csv', '0,100\n0,200\n')).message).toMatch(/data line 2: times must increase/);
    expect(bad(file('d.csv', '1,100\n')).message).toMatch(/data line 1: the first step must be at 0 s/);
    expect(bad(file('e.csv', '0;100\n')).message).toMatch(/data line 1/);
    expect(bad(file('f.json', '{"steps": [{"t_s": 0, "kbps": -5}]}')).message).toMatch(/steps\[0\]: kbps -5/);
    expect(bad(file('g.json', '{"steps": [], "rate": 1}')).message).toMatch(/rate: unknown field/);
    expect(bad(file('h.json', '{"repeat": true, "steps": [{"t_s": 0, "kbps": 5}]}')).message).toMatch(/duration_s/);
  });

  it('turns a mahimahi trace into one step per second (N opportunities = N x 12 kbit) and loops it', () => {
    // Second 0: 100 opportunities (one each 10 ms from 1) + a doubled 500 + the last line (2000 = the period,
    // counted as 0 of the next pass) = 102 x 12 kbit. Second 1: 50 (one each 20 ms from 1000) = 600 kbps.
    const lines: number[] = [];
    for (let t = 1; t < 1000; t += 10) lines.push(t);
    lines.push(500);
    lines.sort((x, y) => x - y);
    for (let t = 1000; t < 2000; t += 20) lines.push(t);
    lines.push(2000);
    const s = parseLinkSpec(file('lte.up', `${lines.join('\n')}\n`), 'x');
    expect(s.rate).toMatchObject({ kind: 'mahimahi', binMs: 1000, periodMs: 2000 });
    expect(s.steps).toEqual([
      { atMs: 0, kbps: 102 * 12 },
      { atMs: 1000, kbps: 600 },
    ]);
    expect(s.repeat).toBe(true);
    expect(rateAt(s, 3500)).toBe(600);
  });

  it('rejects a file that is neither', () => {
    expect(bad(file('junk.txt', 'hello\n')).message).toMatch(/line 1 "hello" is not a millisecond count/);
    expect(bad(file('back.up', '5\n3\n')).message).toMatch(/3 ms comes before 5 ms/);
  });
});

describe('uplink in the capture plan, scenario files and study files', async () => {
  const { planCapture } = await import('../src/commands/captureOptions.js');
  const { loadStudyFile } = await import('../src/study/studyFile.js');
  const base = { scenario: [] as string[], sweep: [] as string[], out: 'results' };

  it('--uplink gives every scenario the link and an id that names it', () => {
    const plan = planCapture({ ...base, uplink: 'step-3000-800-3000,loss=1%' });
    expect(plan.scenarios.map((s) => s.id)).toEqual(['all-layers.vp8.up-step-3000-800-3000-loss1']);
    expect(plan.scenarios[0]!.uplink!.steps.map((s) => s.kbps)).toEqual([3000, 800, 3000]);
    expect(() => planCapture({ ...base, uplink: '800' })).toThrow(/--uplink "800": a rate needs its unit/);
  });

  it('refuses Firefox behind a shaped uplink, naming why and what works', async () => {
    const { refuseFirefoxUplink } = await import('../src/commands/capture.js');
    const plan = planCapture({ ...base, uplink: '800k', browser: 'chromium,firefox' });
    expect(() => refuseFirefoxUplink(plan.scenarios)).toThrow(
      /all-layers\.vp8\.firefox\.up-800k: a shaped uplink \(800k\) cannot run in Firefox/,
    );
    expect(() => refuseFirefoxUplink(plan.scenarios.filter((x) => x.browser !== 'firefox'))).not.toThrow();
  });

  it('a scenario file\'s "uplink" is checked with the file and field', () => {
    const good = file(
      'up.json',
      JSON.stringify({ name: 'up', encodings: [{ rid: 'q', scaleResolutionDownBy: 1 }], uplink: '600k' }),
    );
    expect(planCapture({ ...base, scenario: [good] }).scenarios[0]!.id).toBe('up.vp8.up-600k');
    const badFile = file(
      'bad-up.json',
      JSON.stringify({ name: 'up', encodings: [{ rid: 'q', scaleResolutionDownBy: 1 }], uplink: '600k,loss=x' }),
    );
    expect(() => planCapture({ ...base, scenario: [badFile] })).toThrow(/bad-up\.json: uplink "600k,loss=x": loss=x/);
  });

  it('a study file\'s "uplink" reads a trace beside the file', () => {
    file('beside.csv', '0,1000\n5,400\n');
    const study = file('study.json', JSON.stringify({ clips: ['a.mp4'], uplink: 'beside.csv,queue=32p' }));
    expect(loadStudyFile(study).uplink).toBe(`${path.join(dir, 'beside.csv')},queue=32p`);
    expect(() => loadStudyFile(file('study2.json', JSON.stringify({ clips: ['a.mp4'], uplink: 5 })))).toThrow(
      /"uplink" must be a LINK string/,
    );
  });
});
