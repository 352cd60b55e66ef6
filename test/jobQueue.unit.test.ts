// JobQueue: jobs pushed while others run, at most `limit` at once, the costliest waiting first.
// Jobs are promises resolved by hand, so the order is known without timers.
import { describe, expect, it } from 'vitest';
import { JobQueue, runInOrder } from '../src/measure/jobQueue.js';

const tick = () => new Promise((r) => setImmediate(r));

function controlled() {
  const started: string[] = [];
  const finish = new Map<string, (v: string) => void>();
  const fail = new Map<string, (e: Error) => void>();
  const queue = new JobQueue<string, string>(2, (name) => {
    started.push(name);
    return new Promise<string>((resolve, reject) => {
      finish.set(name, resolve);
      fail.set(name, reject);
    });
  });
  return { queue, started, finish, fail };
}

describe('JobQueue', () => {
  it('runs at most two at a time and gives a free slot to the costliest job waiting', async () => {
    const { queue, started, finish } = controlled();
    queue.push('a', 1);
    queue.push('b', 1);
    queue.push('small', 1);
    queue.push('large', 100);
    queue.push('medium', 10);
    await tick();
    expect(started).toEqual(['a', 'b']);
    finish.get('a')!('A');
    await tick();
    expect(started).toEqual(['a', 'b', 'large']);
    finish.get('b')!('B');
    await tick();
    expect(started).toEqual(['a', 'b', 'large', 'medium']);
    finish.get('large')!('L');
    finish.get('medium')!('M');
    await tick();
    finish.get('small')!('S');
    queue.close();
    const results = await queue.results();
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'x'))).toEqual(['A', 'B', 'S', 'L', 'M']);
  });

  it('takes jobs pushed while others run, and settles only when closed and drained', async () => {
    const { queue, started, finish, fail } = controlled();
    queue.push('first', 5);
    await tick();
    let settled = false;
    const results = queue.results().then((r) => ((settled = true), r));
    finish.get('first')!('1');
    await tick();
    expect(settled).toBe(false);
    queue.push('late', 5);
    queue.close();
    await tick();
    expect(started).toEqual(['first', 'late']);
    expect(settled).toBe(false);
    fail.get('late')!(new Error('metric ffmpeg failed'));
    const r = await results;
    expect(r[0]).toEqual({ status: 'fulfilled', value: '1' });
    expect(r[1].status).toBe('rejected');
    expect(() => queue.push('too late', 1)).toThrow(/after close/);
  });

  it('an empty queue settles on close', async () => {
    const { queue } = controlled();
    queue.close();
    expect(await queue.results()).toEqual([]);
  });
});

describe('runInOrder', () => {
  it('starts a list in order, at most `limit` at once, each outcome in its own slot', async () => {
    const started: string[] = [];
    const finish = new Map<string, (v: string) => void>();
    const fail = new Map<string, (e: Error) => void>();
    const all = runInOrder(['a', 'b', 'c', 'd'], 2, (name, i) => {
      started.push(`${name}${i}`);
      return new Promise<string>((resolve, reject) => {
        finish.set(name, resolve);
        fail.set(name, reject);
      });
    });
    await tick();
    expect(started).toEqual(['a0', 'b1']);
    finish.get('b')?.('B');
    await tick();
    expect(started).toEqual(['a0', 'b1', 'c2']);
    fail.get('a')?.(new Error('no'));
    await tick();
    expect(started).toEqual(['a0', 'b1', 'c2', 'd3']);
    finish.get('d')?.('D');
    finish.get('c')?.('C');
    const results = await all;
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'x'))).toEqual(['x', 'B', 'C', 'D']);
  });

  it('an empty list and a throwing function settle', async () => {
    expect(await runInOrder([], 2, () => Promise.resolve(1))).toEqual([]);
    const r = await runInOrder([1], 1, () => {
      throw new Error('sync');
    });
    expect(r[0].status).toBe('rejected');
  });
});
