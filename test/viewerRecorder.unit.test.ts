// ViewerRecorder's frames table: each frame carries the layer simq had asked for when it arrived,
// including frames that arrived while the request was still in flight to the SFU (the request is
// recorded once the SFU answered; ViewerSession.ask).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ViewerRecorder } from '../src/viewer/ViewerRecorder.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('frames that arrived after a decision but before the SFU answered carry the new request', () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-recorder-'));
  const viewer = {
    name: 'v1-640x360-table',
    spec: '640x360:table',
    width: 640,
    height: 360,
    policy: { kind: 'table' },
  };
  const r = new ViewerRecorder(viewer as never, 'vp8', dir);
  const frame = (index: number, tapTimeMs: number) =>
    r.onFrame(
      { ssrc: 1, index, rtpTimestamp: index * 3000, tapTimeMs, bytes: 10, type: 'delta', width: 320, height: 180 },
      new Uint8Array(10),
    );
  r.request(0, 'q', 2, { substream: 0 }, 'start');
  frame(0, 90);
  frame(1, 110); // the next request was decided at 100 ms and is still in flight
  frame(2, 130);
  r.request(100, 'h', 2, { substream: 1 }, 'rate up'); // the SFU answered at about 135 ms
  frame(3, 150);
  r.finish({ rateSource: 'link' } as never);
  const [header, ...rows] = readFileSync(path.join(dir, 'viewers', `${viewer.name}.frames.csv`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  const at = (name: string) => header.indexOf(name);
  expect(rows.map((c) => [Number(c[at('arrival_ms')]), c[at('requested_rid')]])).toEqual([
    [90, 'q'],
    [110, 'h'],
    [130, 'h'],
    [150, 'h'],
  ]);
});
