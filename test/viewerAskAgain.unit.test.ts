// A layer request Janus has not acted on is sent once more after 2 s (ViewerSession ASK_AGAIN_MS).
// The race behind it (Chrome drops a keyframe request within 300 ms of the last one for that layer,
// and Janus then waits for a keyframe that never comes) cannot be made to happen on demand with the
// real Janus, so Janus is a stand-in here that records the exact configure bodies and sends the
// "substream" events the test chooses. The real Janus runs in janusViewers.browser and viewerLinks.browser.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Sfu, SfuEvent } from '../src/sfu/SfuTypes.js';
import { parseViewers } from '../src/viewer/parseViewers.js';
import { ViewerSession, type ViewerSessionOptions } from '../src/viewer/ViewerSession.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A Janus stand-in: records every configure body, hands out the events the test queues. */
function standInJanus() {
  const bodies: Record<string, unknown>[] = [];
  let events: SfuEvent[] = [];
  const sfu = {
    subscribe: async (viewer: string) => ({ viewer, offerSdp: 'v=0', mid: '1' }),
    answer: async () => undefined,
    selectLayer: async (_viewer: string, layer: { substream: number; temporal: number }) => {
      const body = { request: 'configure', mid: '1', substream: layer.substream, temporal: layer.temporal };
      bodies.push(body);
      return body;
    },
    drainEvents: () => {
      const out = events;
      events = [];
      return out;
    },
  };
  const forwards = (viewer: string, substream: number) =>
    events.push({ epochMs: Date.now(), viewer, kind: 'substream', detail: String(substream) });
  return { sfu: sfu as unknown as Sfu, bodies, forwards };
}

async function session(viewers: string) {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-ask-again-'));
  const janus = standInJanus();
  const specs = parseViewers(viewers);
  const options: ViewerSessionOptions = {
    sfu: janus.sfu,
    pageOf: () => ({ evaluate: async () => 'v=0' }) as never,
    viewers: specs,
    codec: 'vp8',
    scenarioDir: dir,
    attachEpochMs: Date.now(),
    statsIntervalMs: 1000,
    substreams: new Map([
      ['q', 0],
      ['h', 1],
      ['f', 2],
    ]),
    timeoutMs: 10_000,
  };
  const s = new ViewerSession(options);
  await s.start();
  // Time passes for the session (its clock is Date.now() - attachEpochMs).
  const after = async (ms: number) => {
    options.attachEpochMs -= ms;
    await s.tick();
  };
  return { ...janus, name: specs[0].name, after };
}

it('a fixed viewer that Janus keeps on another substream is asked again once, after 2 s', async () => {
  const { bodies, forwards, name, after } = await session('640x360:fixed:h');
  expect(bodies.map((b) => b.substream)).toEqual([1]);
  forwards(name, 0); // Janus relays q: the keyframe of h it waits for has not come
  await after(1000);
  expect(bodies.length, 'not before 2 s').toBe(1);
  await after(1500);
  expect(bodies.map((b) => b.substream)).toEqual([1, 1]);
  await after(5000);
  expect(bodies.length, 'once per request').toBe(2);
});

it('no repeat once Janus says it forwards the asked substream', async () => {
  const { bodies, forwards, name, after } = await session('640x360:fixed:h');
  forwards(name, 0);
  await after(1000);
  forwards(name, 1);
  await after(3000);
  expect(bodies.map((b) => b.substream)).toEqual([1]);
});

it('the janus policy is left to Janus (its fallback may forward a lower substream)', async () => {
  const { bodies, forwards, name, after } = await session('640x360:janus');
  forwards(name, 1);
  await after(3000);
  expect(bodies.map((b) => b.substream)).toEqual([2]);
});
