// Firefox's stream sizing against gecko's own table (dom/media/webrtc/libwebrtcglue/
// VideoStreamFactory.cpp, firefox-esr 153) and the rows the issue quotes from it: 320x180
// 100/150/500, 640x360 150/500/2000, 1280x720 1200/1500/5000 kbps (min/start/max). The macroblock
// counts are worked out by hand here: MB_OF(w, h) = ceil(w/16) * ceil(h/16).
import { describe, expect, it } from 'vitest';
import { geckoLimitsFor, geckoStreams, mbOf } from '../src/allocation/GeckoStreams.js';
import { geckoPlan } from '../src/allocation/geckoPlan.js';
import { expandScenarios } from '../src/scenario/expandScenarios.js';
import { resolveScenarioSpec, validateDefinition } from '../src/scenario/loadScenarios.js';
import { parseBrowsers } from '../src/commands/captureOptions.js';
import type { RtpEncodingParameters } from '../src/scenario/ScenarioTypes.js';

const enc = (rid: string, scale: number, extra: Partial<RtpEncodingParameters> = {}): RtpEncodingParameters => ({
  rid,
  scaleResolutionDownBy: scale,
  active: true,
  ...extra,
});
const triple = [enc('q', 4), enc('h', 2), enc('f', 1)];

describe("gecko's kResolutionAndBitrateLimits", () => {
  it('counts macroblocks rounding up', () => {
    expect(mbOf(1280, 720)).toBe(80 * 45);
    expect(mbOf(640, 360)).toBe(40 * 23);
    expect(mbOf(160, 90)).toBe(10 * 6);
  });

  it.each([
    [1280, 720, 1200, 1500, 5000],
    [640, 360, 150, 500, 2000],
    [320, 180, 100, 150, 500],
    // 160x90 = 60 macroblocks, below CIF's 99: the last row
    [160, 90, 40, 80, 250],
    // 1920x1080 = 120 x 68 = 8160 macroblocks, below 1920x1200's 120 x 75 = 9000: the HD row
    [1920, 1080, 1200, 1500, 5000],
    [1920, 1200, 1500, 2000, 10000],
  ])('%ix%i: %i / %i / %i kbps', (w, h, min, start, max) => {
    const r = geckoLimitsFor(w, h);
    expect([r.minKbps, r.startKbps, r.maxKbps]).toEqual([min, start, max]);
  });
});

describe('geckoStreams', () => {
  it('divides the input by scaleResolutionDownBy (truncating) and drops no stream for a small input', () => {
    const s = geckoStreams({ width: 640, height: 360 }, triple);
    expect(s.map((x) => `${x.width}x${x.height}`)).toEqual(['160x90', '320x180', '640x360']);
    expect(s.every((x) => x.sent)).toBe(true);
    expect(geckoStreams({ width: 642, height: 362 }, [enc('q', 4)])[0]).toMatchObject({ width: 160, height: 90 });
  });

  it('maxBitrate only lowers the row (MinIgnoreZero), and start stays within min..max', () => {
    const [h] = geckoStreams({ width: 1280, height: 720 }, [enc('h', 2, { maxBitrate: 300_000 })]);
    expect([h.minKbps, h.startKbps, h.maxKbps]).toEqual([150, 300, 300]);
    const [f] = geckoStreams({ width: 1280, height: 720 }, [enc('f', 1, { maxBitrate: 8_000_000 })]);
    expect(f.maxKbps).toBe(5000);
  });

  it('an inactive encoding is not sent', () => {
    const s = geckoStreams({ width: 1280, height: 720 }, [enc('q', 4), enc('h', 2), enc('f', 1, { active: false })]);
    expect(s.map((x) => x.sent)).toEqual([true, true, false]);
  });
});

describe('geckoPlan', () => {
  it('gives lower streams their start rate and the top one the rest up to its max', () => {
    const [scenario] = expandScenarios(resolveScenarioSpec('all-layers'), { browsers: ['firefox'] });
    const plan = geckoPlan(scenario, { width: 1280, height: 720 }, [null, 3_000_000]);
    expect(plan.layers.map((l) => l.allocatedKbps[0])).toEqual([150, 500, 5000]);
    expect(plan.layers.map((l) => l.allocatedKbps[1])).toEqual([150, 500, 3000 - 650]);
  });

  it('with the top layer off, the middle one may reach its own max (2000 kbps at 640x360; Chrome stops at 700)', () => {
    const [scenario] = expandScenarios(resolveScenarioSpec('top-off'), { browsers: ['firefox'] });
    const plan = geckoPlan(scenario, { width: 1280, height: 720 }, [null]);
    expect(plan.layers.map((l) => l.allocatedKbps[0])).toEqual([150, 2000, 0]);
  });
});

describe('scenarios per browser', () => {
  it('--browser chromium,firefox runs every scenario in both; Chromium ids stay as they were', () => {
    const s = expandScenarios(resolveScenarioSpec('all-layers'), { browsers: ['chromium', 'firefox'] });
    expect(s.map((x) => [x.id, x.browser])).toEqual([
      ['all-layers.vp8', undefined],
      ['all-layers.vp8.firefox', 'firefox'],
    ]);
  });

  it('a scenario file may name its browser; --browser overrides it; unknown names are refused with the field', () => {
    const def = validateDefinition(
      { name: 'ff', browser: 'firefox', encodings: [{ rid: 'q' }, { rid: 'f' }] },
      's.json',
    );
    expect(expandScenarios([def]).map((x) => x.id)).toEqual(['ff.vp8.firefox']);
    expect(expandScenarios([def], { browsers: ['chromium'] }).map((x) => x.id)).toEqual(['ff.vp8']);
    expect(() => validateDefinition({ name: 'x', browser: 'safari', encodings: [{ rid: 'q' }] }, 's.json')).toThrow(
      /browser.*"chromium" or "firefox".*safari/,
    );
    expect(parseBrowsers('Firefox, chromium')).toEqual(['firefox', 'chromium']);
    expect(() => parseBrowsers('edge')).toThrow(/--browser edge: unknown browser/);
  });
});
