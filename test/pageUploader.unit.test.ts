// The page's frame uploader (src/capture/page/upload.ts) against a real HTTP server in this process
// whose answers are slow, as simq's harness server is on a loaded machine: one post at a time, each
// carrying what gathered meanwhile, so the page never falls behind. Its old form posted a batch every
// 100 ms behind the previous one: with three shaped viewers and a load average of 12, a viewer page
// had 236 batches waiting (the oldest 50 s) when the capture stopped, and the stop timed out.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What the server received: each post's frame indexes, in order of arrival. */
const posts: number[][] = [];
let inFlight = 0;
let maxInFlight = 0;
const ANSWER_MS = 300;

const server = http.createServer((req, res) => {
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const headerLength = body.readUInt32BE(0);
    const header = JSON.parse(body.subarray(4, 4 + headerLength).toString('utf8')) as {
      frames: { index: number }[];
    };
    posts.push(header.frames.map((f) => f.index));
    setTimeout(() => {
      inFlight--;
      res.end('ok');
    }, ANSWER_MS);
  });
});

let Uploader: typeof import('../src/capture/page/upload.js').Uploader;
const nodeFetch = globalThis.fetch;

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The page's globals: its timers, the token's meta element, and fetch of a relative path.
  const g = globalThis as unknown as Record<string, unknown>;
  g.window = globalThis;
  g.document = { querySelector: () => ({ getAttribute: () => 'token' }) };
  g.fetch = (p: string, init: RequestInit) => nodeFetch(base + p, init);
  ({ Uploader } = await import('../src/capture/page/upload.js'));
});
// The unit tier shares its worker threads between files (vitest.config.ts): put Node's globals back.
afterAll(() => {
  const g = globalThis as unknown as Record<string, unknown>;
  delete g.window;
  delete g.document;
  g.fetch = nodeFetch;
  server.close();
});

describe('the page uploader', () => {
  it('keeps up with slow answers: one post at a time, every frame once and in order, few posts', async () => {
    const u = new Uploader();
    const FRAMES = 60;
    // 60 frames at 30 fps (2 s) against answers that take 300 ms.
    for (let i = 0; i < FRAMES; i++) {
      u.add({ index: i } as never, new Uint8Array(1000).fill(i));
      await new Promise((r) => setTimeout(r, 33));
    }
    await u.close();
    expect(u.failed).toBeUndefined();
    expect(maxInFlight).toBe(1);
    expect(posts.flat()).toEqual([...Array(FRAMES).keys()]);
    // About one post per answer (2 s / 300 ms, plus the last); a post per 100 ms tick would be 20.
    expect(posts.length).toBeLessThanOrEqual(10);
  });
});
