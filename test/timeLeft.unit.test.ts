import { describe, expect, it } from 'vitest';
import { timeLeftText } from '../src/ui/timeLeft.js';
import { createProgress } from '../src/ui/progress.js';
import { Writable } from 'node:stream';

describe('time left from the rate measured in this run', () => {
  it('scales the elapsed time by the share left', () => {
    // 10 s for a quarter: three more quarters at the same rate.
    expect(timeLeftText(10, 0.25)).toBe('about 30 s left');
    // 60 s for 10%: 540 s left, shown in minutes.
    expect(timeLeftText(60, 0.1)).toBe('about 9 min left');
  });
  it('says nothing before the rate means something, or when done', () => {
    expect(timeLeftText(30, 0.01)).toBeUndefined();
    expect(timeLeftText(2, 0.5)).toBeUndefined();
    expect(timeLeftText(30, 1)).toBeUndefined();
  });
  it('plain progress lines carry it once per quarter, not once per tick', () => {
    let out = '';
    const stream = new Writable({
      write(chunk, _e, cb) {
        out += String(chunk);
        cb();
      },
    }) as unknown as NodeJS.WriteStream;
    const p = createProgress({ stream });
    for (let done = 1; done <= 100; done++)
      p.update('measure: pictures compared', done, 100, done < 100 ? `about ${100 - done} s left` : undefined);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('measure: pictures compared 1/100, about 99 s left');
    expect(lines.at(-1)).toBe('measure: pictures compared 100/100');
    expect(lines.length).toBeLessThanOrEqual(6);
  });
});
