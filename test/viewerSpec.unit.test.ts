// Viewers without a browser: the --viewers syntax, the link refusal of this build, Janus's rid ->
// substream numbering, the table policy's hysteresis on a hand-made table, the receive-stats rate
// estimate, the VP8 keyframe size and the generated Janus config. Expected values are derived by
// hand in the comments (RFC 6386, Janus 1.1.2 behaviour measured in ../shared/docs/sfu-and-links.md).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planCapture } from '../src/commands/captureOptions.js';
import { InputError } from '../src/errors.js';
import { iceInterface, writeJanusConfig } from '../src/sfu/janus/janusConfig.js';
import { parseJanusVersion } from '../src/sfu/janus/locateJanus.js';
import { ridOrderOf, substreamsOf } from '../src/sfu/janus/ridOrder.js';
import { parseViewers } from '../src/viewer/parseViewers.js';
import { nextEstimateKbps } from '../src/viewer/rateEstimate.js';
import { TablePolicyState } from '../src/viewer/tablePolicy.js';
import { vp8KeyframeSize } from '../src/viewer/vp8FrameSize.js';

describe('--viewers SIZE[:POLICY][@LINK]', () => {
  it('parses sizes, policies, temporal layers and links', () => {
    const v = parseViewers('320x180:fixed:q, 1280x720:fixed:f/T1,640x360:table,640x360,480x270:janus@800k,queue=50ms');
    // ',queue=50ms' does not start with a size: it continues the link of the viewer before it.
    expect(v.map((x) => x.name)).toEqual([
      'v1-320x180-fixed-q',
      'v2-1280x720-fixed-f-T1',
      'v3-640x360-table',
      'v4-640x360-table',
      'v5-480x270-janus',
    ]);
    expect(v[0]).toMatchObject({ width: 320, height: 180, policy: { kind: 'fixed', rid: 'q' } });
    expect(v[0].policy).not.toHaveProperty('temporal');
    expect(v[1].policy).toEqual({ kind: 'fixed', rid: 'f', temporal: 1 });
    expect(v[4]).toMatchObject({ policy: { kind: 'janus' }, link: '800k,queue=50ms' });
  });
  it.each([
    ['640:fixed:q', /not a render size/],
    ['640x360:fixed', /unknown policy "fixed"/],
    ['640x360:fixed:h/T3', /T3: Janus forwards T0 to T2/],
    ['640x360:best', /unknown policy "best"/],
    ['640x360:table@', /nothing after '@'/],
  ])('refuses %s', (text, message) => {
    expect(() => parseViewers(text)).toThrow(message);
  });
  it('a viewer link is parsed as a LINK (rate, trace, options); a bad one is refused naming the viewer and the field', () => {
    const [a, b] = parseViewers('640x360:table@step-3000-800-3000,320x180:fixed:q@800k,loss=2%');
    expect(a.linkSpec).toMatchObject({
      text: 'step-3000-800-3000',
      rate: { kind: 'named', name: 'step-3000-800-3000' },
    });
    expect(a.linkSpec!.steps.map((x) => x.kbps)).toEqual([3000, 800, 3000]);
    expect(b).toMatchObject({ link: '800k,loss=2%', linkSpec: { steps: [{ atMs: 0, kbps: 800 }], lossPercent: 2 } });
    expect(parseViewers('640x360:table')[0]).not.toHaveProperty('linkSpec');
    expect(() => parseViewers('640x360:table@800k,loss=200%')).toThrow(InputError);
    expect(() => parseViewers('640x360:table@800k,loss=200%')).toThrow(
      /--viewers 640x360:table@800k,loss=200%: @LINK "800k,loss=200%": loss=200%: expected a percentage/,
    );
    expect(() => parseViewers('640x360:table@800k,burst=3')).toThrow(
      /@LINK "800k,burst=3": option "burst=3" is not one of queue=, loss=, delay=, jitter=/,
    );
    expect(() => parseViewers('640x360:table@800')).toThrow(/a rate needs its unit/);
  });
});

describe('rid -> Janus substream', () => {
  it('lowest-first encodings are "lmh": substream = position (Janus: q,h,f + rid_order lmh gives substream 0 = 180p)', () => {
    const enc = [
      { rid: 'q', scaleResolutionDownBy: 4 },
      { rid: 'h', scaleResolutionDownBy: 2 },
      { rid: 'f', scaleResolutionDownBy: 1 },
    ];
    expect(ridOrderOf(enc)).toBe('lmh');
    expect(Object.fromEntries(substreamsOf(enc))).toEqual({ q: 0, h: 1, f: 2 });
  });
  it('highest-first encodings are "hml": the last rid is substream 0 (Janus: f,h,q gives substream 0 = 180p)', () => {
    const enc = [
      { rid: 'f', scaleResolutionDownBy: 1 },
      { rid: 'h', scaleResolutionDownBy: 2 },
      { rid: 'q', scaleResolutionDownBy: 4 },
    ];
    expect(ridOrderOf(enc)).toBe('hml');
    expect(Object.fromEntries(substreamsOf(enc))).toEqual({ f: 2, h: 1, q: 0 });
  });
});

describe('table policy: cells and hysteresis', () => {
  // Hand-made export for one size. Layers (kbps): q 100, h 400, f 1000; headroom 15% -> fit (down)
  // points 115 / 460 / 1150; hysteresis 20% -> up points 138 / 552 / 1380. Table columns 200, 500,
  // 1200 kbps give q, h, f (the best layer that fits each column).
  const sub = (substream: number, rid: string, kbps: number) => ({
    substream,
    rid,
    layer: rid,
    bitrateBps: kbps * 1000,
    downSwitchBps: kbps * 1150,
    upSwitchBps: kbps * 1380,
    temporal: 2,
  });
  const row = (bps: number, rid: string | null, substream: number) => ({
    viewerSize: '640x360',
    viewerWidth: 640,
    viewerHeight: 360,
    bandwidthBps: bps,
    rid,
    configure: rid ? { request: 'configure' as const, substream, temporal: 2 } : null,
  });
  const doc = {
    substreams: [sub(0, 'q', 100), sub(1, 'h', 400), sub(2, 'f', 1000)],
    subscriberTable: [row(100_000, null, 0), row(200_000, 'q', 0), row(500_000, 'h', 1), row(1_200_000, 'f', 2)],
  };
  it('starts on q and moves only across the thresholds', () => {
    const t = new TablePolicyState(doc, '640x360', 'test');
    expect(t.initial().rid).toBe('q');
    // 520 kbps: cell h (500 column) but below h's up point 552 -> stay on q.
    expect(t.next(520_000)).toBeUndefined();
    // 560 kbps >= 552 -> h, with the export's own configure body.
    expect(t.next(560_000)).toEqual({ rid: 'h', configure: { request: 'configure', substream: 1, temporal: 2 } });
    // 480 kbps: cell q (200 column), but 480 >= h's down point 460 -> stay on h.
    expect(t.next(480_000)).toBeUndefined();
    // 450 kbps < 460 -> down to q.
    expect(t.next(450_000)?.rid).toBe('q');
    // 1400 kbps: cell f and >= f's up point 1380 -> f directly.
    expect(t.next(1_400_000)?.rid).toBe('f');
    // Below every column: the lowest layer.
    expect(t.next(50_000)?.rid).toBe('q');
  });
  it('a size the export has no table for is refused with the sizes it has', () => {
    expect(() => new TablePolicyState(doc, '320x180', 'viewer x')).toThrow(
      /no subscriber table for 320x180 \(it has 640x360\)/,
    );
  });
});

describe('receive-stats rate estimate', () => {
  it('a clean second multiplies the estimate (or what arrived, when more) by 1.5', () => {
    expect(nextEstimateKbps(undefined, { kbps: 200, lossFraction: 0, newFreezes: 0 })).toBe(300);
    expect(nextEstimateKbps(900, { kbps: 200, lossFraction: 0.01, newFreezes: 0 })).toBe(1350);
  });
  it('loss or a freeze falls back to what got through less 15%', () => {
    expect(nextEstimateKbps(900, { kbps: 400, lossFraction: 0.1, newFreezes: 0 })).toBeCloseTo(400 * 0.9 * 0.85, 6);
    expect(nextEstimateKbps(900, { kbps: 400, lossFraction: 0, newFreezes: 1 })).toBeCloseTo(340, 6);
  });
});

describe('VP8 keyframe size (RFC 6386 section 9.1)', () => {
  it('reads 14-bit width/height after the start code; a delta frame has none', () => {
    // frame tag: bit 0 = 0 (key frame); start code 9d 01 2a; 640 = 0x0280, 360 = 0x0168 little endian.
    const key = Uint8Array.from([0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01, 0, 0]);
    expect(vp8KeyframeSize(key)).toEqual({ width: 640, height: 360 });
    // The top two bits are the scale, not the size: 0x4280 -> 640 with scale 1.
    const scaled = Uint8Array.from([0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x42, 0x68, 0xc1, 0, 0]);
    expect(vp8KeyframeSize(scaled)).toEqual({ width: 640, height: 360 });
    expect(
      vp8KeyframeSize(Uint8Array.from([0x51, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01])),
    ).toBeUndefined();
  });
});

describe('generated Janus config', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-janus-cfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('loads only VideoRoom and HTTP on 127.0.0.1, enforces one interface, no STUN/TURN', () => {
    writeJanusConfig(dir, {
      httpPort: 18123,
      rtpPortRange: '40000-40199',
      slowlinkThreshold: 4,
      iceInterface: 'eth0',
      libDir: '/usr/lib/x86_64-linux-gnu/janus',
      debugLevel: 4,
    });
    expect(readdirSync(path.join(dir, 'plugins'))).toEqual(['libjanus_videoroom.so']);
    expect(readdirSync(path.join(dir, 'transports'))).toEqual(['libjanus_http.so']);
    const main = readFileSync(path.join(dir, 'janus.jcfg'), 'utf8');
    expect(main).toMatch(/rtp_port_range = "40000-40199"/);
    expect(main).toMatch(/slowlink_threshold = 4/);
    expect(main).toMatch(/ice_enforce_list = "eth0"/);
    expect(main).toMatch(/ignore_mdns = true/);
    expect(main).not.toMatch(/stun_server|turn_server/);
    const http = readFileSync(path.join(dir, 'janus.transport.http.jcfg'), 'utf8');
    expect(http).toMatch(/port = 18123/);
    expect(http).toMatch(/ip = "127.0.0.1"/);
    expect(http).toMatch(/admin_http = false/);
  });
  it('never picks loopback for ICE (Janus skips lo when gathering)', () => {
    const lo = {
      address: '127.0.0.1',
      netmask: '255.0.0.0',
      family: 'IPv4',
      mac: '00:00:00:00:00:00',
      internal: true,
      cidr: '127.0.0.1/8',
    } as const;
    const eth = { ...lo, address: '192.0.2.2', internal: false, cidr: '192.0.2.2/24' };
    expect(iceInterface({ lo: [lo], eth0: [eth] })).toBe('eth0');
    expect(() => iceInterface({ lo: [lo] })).toThrow(/no non-loopback network interface/);
  });
  it('reads the version from `janus --version`', () => {
    expect(parseJanusVersion('Janus version: 1102 (1.1.2)\nJanus commit: not-a-git-repo\n')).toBe('1.1.2');
  });
});

describe('SFU options into the plan (no browser)', () => {
  const base = { scenario: [] as string[], sweep: [] as string[], out: 'results' };
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-janus-plan-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  it('--viewers alone publishes through Janus; ids end in .janus and carry the viewers', () => {
    const plan = planCapture({ ...base, viewers: '160x90:fixed:q,640x360:janus' });
    expect(plan.scenarios.map((s) => s.id)).toEqual(['all-layers.vp8.janus']);
    expect(plan.scenarios[0].sfu).toBe('janus');
    expect(plan.scenarios[0].viewers!.map((v) => v.name)).toEqual(['v1-160x90-fixed-q', 'v2-640x360-janus']);
  });
  it('refuses a fixed rid the sender does not send and Firefox; keeps a viewer link', () => {
    expect(() => planCapture({ ...base, viewers: '160x90:fixed:x' })).toThrow(
      /asks for rid "x", which the sender does not send \(rids: q, h, f\)/,
    );
    expect(planCapture({ ...base, viewers: '160x90:fixed:q@800k' }).scenarios[0].viewers![0]).toMatchObject({
      link: '800k',
      linkSpec: { steps: [{ atMs: 0, kbps: 800 }] },
    });
    expect(() => planCapture({ ...base, sfu: 'janus', browser: 'firefox' })).toThrow(/Chromium only/);
    expect(() => planCapture({ ...base, sfu: 'mediasoup' })).toThrow(/unknown SFU/);
  });
  it('--janus-export is the sender scenario (its encodings in its order) and refuses a second one', () => {
    const file = path.join(tmp, 'janus.json');
    const enc = [
      { rid: 'q', scaleResolutionDownBy: 4, active: true, maxBitrate: 400000 },
      { rid: 'h', scaleResolutionDownBy: 2, active: true },
      { rid: 'f', scaleResolutionDownBy: 1, active: true },
    ];
    writeFileSync(
      file,
      JSON.stringify({
        simq: {},
        publisher: { sendEncodings: enc, ridOrder: 'lmh' },
        substreams: [],
        subscriberTable: [],
      }),
    );
    const plan = planCapture({ ...base, janusExport: file, viewers: '160x90:fixed:q' });
    expect(plan.scenarios[0].id).toBe('janus-export.vp8.janus');
    expect(plan.scenarios[0].encodings.map((e) => [e.rid, e.maxBitrate])).toEqual([
      ['q', 400000],
      ['h', undefined],
      ['f', undefined],
    ]);
    expect(() => planCapture({ ...base, janusExport: file, scenario: ['all-layers'] })).toThrow(
      /would be a second one/,
    );
    writeFileSync(file, JSON.stringify({ encodings: enc }));
    expect(() => planCapture({ ...base, janusExport: file })).toThrow(/no publisher.sendEncodings/);
  });
});
