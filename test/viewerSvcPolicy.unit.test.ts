// The svc:S<n>[T<t>] viewer policy without a browser: its syntax, the refusals of planCapture (a
// sender without spatial layers, a codec Janus does not forward SVC layers of, a layer the mode does
// not have), and the plan of the VP9 L3T3_KEY preset through Janus. Layer counts are the mode name's
// (W3C webrtc-svc: L3T3_KEY = 3 spatial x 3 temporal); Janus's range 0-2 is janus_videoroom.c's.
import { describe, expect, it } from 'vitest';
import { planCapture } from '../src/commands/captureOptions.js';
import { parseViewers } from '../src/viewer/parseViewers.js';

describe('--viewers SIZE:svc:S<n>[T<t>]', () => {
  it('parses the spatial and temporal layer; no T means every temporal layer', () => {
    const v = parseViewers('320x180:svc:S0T2,1280x720:svc:S2');
    expect(v.map((x) => x.name)).toEqual(['v1-320x180-svc-S0T2', 'v2-1280x720-svc-S2']);
    expect(v[0].policy).toEqual({ kind: 'svc', spatial: 0, temporal: 2 });
    expect(v[1].policy).toEqual({ kind: 'svc', spatial: 2 });
  });
  it.each([
    ['320x180:svc:S3', /Janus forwards spatial and temporal layers 0 to 2/],
    ['320x180:svc:S1T3', /Janus forwards spatial and temporal layers 0 to 2/],
    ['320x180:svc:1', /unknown policy "svc:1" \(use fixed:<rid>\[\/T<n>\], svc:S<n>\[T<t>\], table or janus\)/],
  ])('refuses %s', (spec, message) => {
    expect(() => parseViewers(spec)).toThrow(message);
  });
});

describe('svc viewers in the plan', () => {
  const base = { scenario: [] as string[], sweep: [] as string[], out: 'results' };
  it('VP9 L3T3_KEY through Janus with two svc viewers', () => {
    const plan = planCapture({
      ...base,
      scenario: ['svc-l3t3-key'],
      codec: 'vp9',
      viewers: '320x180:svc:S0T2,640x360:svc:S1T2',
    });
    expect(plan.scenarios.map((s) => s.id)).toEqual(['svc-l3t3-key.vp9.janus']);
    expect(plan.scenarios[0].viewers!.map((v) => v.policy)).toEqual([
      { kind: 'svc', spatial: 0, temporal: 2 },
      { kind: 'svc', spatial: 1, temporal: 2 },
    ]);
  });
  it('refuses a simulcast sender, AV1 (Janus 1.1.2: SVC for VP9 rooms only) and a layer the mode lacks', () => {
    expect(() => planCapture({ ...base, viewers: '320x180:svc:S0' })).toThrow(/not one encoding with spatial layers/);
    expect(() => planCapture({ ...base, scenario: ['svc-l3t3'], codec: 'av1', viewers: '320x180:svc:S0' })).toThrow(
      /forwards SVC layers of VP9 only/,
    );
    // L3T3_KEY has 3 spatial layers (0-2) and 3 temporal layers: S2 is fine, and the parse refuses S3.
    expect(() =>
      planCapture({ ...base, scenario: ['svc-l3t3-key'], codec: 'vp9', viewers: '320x180:svc:S2T2' }),
    ).not.toThrow();
  });
});
