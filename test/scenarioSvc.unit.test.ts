// SVC scenarios: which scalabilityMode names a scenario takes and what it refuses. The accepted list is
// what Chromium 156.0.8078.114 accepted in addTransceiver({sendEncodings: [{scalabilityMode}]}) on this
// machine (docs/svc.md; every other name, e.g. L3T3_KEY_SHIFT, threw OperationError), written out here.
import { describe, expect, it } from 'vitest';
import { expandScenarios } from '../src/scenario/expandScenarios.js';
import { resolveScenarioSpec, validateDefinition } from '../src/scenario/loadScenarios.js';
import { allScalabilityModes, limitSpatialLayers, parseScalabilityMode } from '../src/scenario/ScalabilityMode.js';

const CHROME_156_ACCEPTED = [
  'L1T1',
  'L1T2',
  'L1T3',
  'L2T1',
  'L2T1h',
  'L2T1_KEY',
  'L2T2',
  'L2T2h',
  'L2T2_KEY',
  'L2T2_KEY_SHIFT',
  'L2T3',
  'L2T3h',
  'L2T3_KEY',
  'L3T1',
  'L3T1h',
  'L3T1_KEY',
  'L3T2',
  'L3T2h',
  'L3T2_KEY',
  'L3T3',
  'L3T3h',
  'L3T3_KEY',
  'S2T1',
  'S2T1h',
  'S2T2',
  'S2T2h',
  'S2T3',
  'S2T3h',
  'S3T1',
  'S3T1h',
  'S3T2',
  'S3T2h',
  'S3T3',
  'S3T3h',
];

const svc = (mode: string, count = 1) => ({
  name: 's',
  encodings: Array.from({ length: count }, (_, i) => ({ rid: `r${i}`, scalabilityMode: mode })),
});

describe('scalabilityMode names', () => {
  it('are exactly the 34 names Chromium 156 accepts', () => {
    expect(new Set(allScalabilityModes())).toEqual(new Set(CHROME_156_ACCEPTED));
    for (const bad of ['L2T1_KEY_SHIFT', 'L3T3_KEY_SHIFT', 'L4T1', 'L1T1h', 'S1T1', 'S2T2_KEY', 'l3t3'])
      expect(parseScalabilityMode(bad), bad).toBeUndefined();
  });
  it('take apart into spatial and temporal counts, ratio and inter-layer prediction', () => {
    expect(parseScalabilityMode('L3T3_KEY')).toEqual({
      name: 'L3T3_KEY',
      spatialLayers: 3,
      temporalLayers: 3,
      spatialRatio: 2,
      interLayer: 'key',
    });
    expect(parseScalabilityMode('S2T1h')).toEqual({
      name: 'S2T1h',
      spatialLayers: 2,
      temporalLayers: 1,
      spatialRatio: 1.5,
      interLayer: 'off',
    });
  });
  it('lose spatial layers as scalability_mode_util.cc LimitNumSpatialLayers does', () => {
    // Upstream's switch, case by case: L3T3_KEY -> L2T3_KEY / L1T3, S3T2 -> S2T2, L2T2_KEY_SHIFT -> L1T2, L3T1h -> L2T1h.
    const limit = (m: string, n: number) => limitSpatialLayers(parseScalabilityMode(m)!, n).name;
    expect([
      limit('L3T3_KEY', 2),
      limit('L3T3_KEY', 1),
      limit('S3T2', 2),
      limit('L2T2_KEY_SHIFT', 1),
      limit('L3T1h', 2),
      limit('S2T3h', 1),
    ]).toEqual(['L2T3_KEY', 'L1T3', 'S2T2', 'L1T2', 'L2T1h', 'L1T3']);
  });
});

describe('SVC scenarios', () => {
  it('one VP9 or AV1 encoding with a spatial mode expands', () => {
    const [vp9] = expandScenarios([validateDefinition(svc('L3T3_KEY'), 't')], { codecs: ['vp9'] });
    expect(vp9.encodings[0].scalabilityMode).toBe('L3T3_KEY');
    expect(expandScenarios(resolveScenarioSpec('svc-l3t3-key,svc-l3t3')).map((s) => s.id)).toEqual([
      'svc-l3t3-key.vp9',
      'svc-l3t3.av1',
    ]);
  });
  it('refuses a spatial mode on VP8 / H.264 with the codecs that would work', () => {
    for (const codec of ['vp8', 'h264'] as const) {
      expect(() => expandScenarios([validateDefinition(svc('L2T1'), 't')], { codecs: [codec] })).toThrow(
        /L2T1 needs VP9 or AV1.*temporal layers only/,
      );
    }
  });
  it('refuses a spatial mode in Firefox', () => {
    expect(() =>
      expandScenarios([validateDefinition(svc('L2T1'), 't')], { codecs: ['vp9'], browsers: ['firefox'] }),
    ).toThrow(/Firefox ignores scalabilityMode/);
  });
  it('refuses a spatial mode on several encodings, naming the field', () => {
    expect(() => validateDefinition(svc('L3T3_KEY', 2), 'f.json')).toThrow(
      /f\.json: encodings\[0\]\.scalabilityMode: "L3T3_KEY" has several spatial layers: give it a single encoding/,
    );
  });
  it('refuses a name Chrome does not know, listing the ones it does', () => {
    expect(() => validateDefinition(svc('L3T3_KEY_SHIFT'), 'f.json')).toThrow(
      /"L3T3_KEY_SHIFT" is not a scalability mode Chrome knows \(use one of L1T1, .*S3T3h\)/,
    );
  });
});
