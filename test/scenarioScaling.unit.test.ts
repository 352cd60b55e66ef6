// Scenario files: scaleResolutionDownTo and encodings without scaleResolutionDownBy, as the WebRTC
// spec and Chrome take them (an unset factor is 2^(n-1-i) when none is set, else 1; the box is all
// or nothing), with clear messages for bad values.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../src/commands/plan.js';
import { InputError } from '../src/errors.js';
import { loadScenarioFile, validateDefinition } from '../src/scenario/loadScenarios.js';

const def = (encodings: unknown[]) => validateDefinition({ name: 's', encodings }, 'f.json');

describe('scaleResolutionDownBy left out', () => {
  it('none set: the spec scale 4 / 2 / 1, marked unset so the page leaves it to the browser', () => {
    const e = def([{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }]).encodings;
    expect(e.map((x) => [x.scaleResolutionDownBy, x.scaleResolutionDownByUnset])).toEqual([
      [4, true],
      [2, true],
      [1, true],
    ]);
  });
  it('some set: the unset ones are 1', () => {
    const e = def([{ rid: 'q', scaleResolutionDownBy: 2 }, { rid: 'f' }]).encodings;
    expect(e.map((x) => [x.scaleResolutionDownBy, x.scaleResolutionDownByUnset ?? false])).toEqual([
      [2, false],
      [1, true],
    ]);
  });
});

describe('scaleResolutionDownTo', () => {
  it('is accepted on every encoding', () => {
    const e = def([
      { rid: 'q', scaleResolutionDownTo: { maxWidth: 320, maxHeight: 180 } },
      { rid: 'f', scaleResolutionDownTo: { maxWidth: 1280, maxHeight: 720 } },
    ]).encodings;
    expect(e.map((x) => x.scaleResolutionDownTo)).toEqual([
      { maxWidth: 320, maxHeight: 180 },
      { maxWidth: 1280, maxHeight: 720 },
    ]);
  });
  const bad: [string, unknown[], RegExp][] = [
    [
      'on some encodings only',
      [{ rid: 'q', scaleResolutionDownTo: { maxWidth: 320, maxHeight: 180 } }, { rid: 'f' }],
      /encodings\[1\]\.scaleResolutionDownTo: missing: set scaleResolutionDownTo on every encoding or on none/,
    ],
    [
      'without maxHeight',
      [{ rid: 'q', scaleResolutionDownTo: { maxWidth: 320 } }],
      /encodings\[0\]\.scaleResolutionDownTo\.maxHeight: missing/,
    ],
    [
      'with a zero side',
      [{ rid: 'q', scaleResolutionDownTo: { maxWidth: 0, maxHeight: 180 } }],
      /maxWidth: must be > 0, got 0/,
    ],
    [
      'with a fractional side',
      [{ rid: 'q', scaleResolutionDownTo: { maxWidth: 320.5, maxHeight: 180 } }],
      /maxWidth: expected a whole number of pixels, got 320.5/,
    ],
    [
      'with a typo in a field',
      [{ rid: 'q', scaleResolutionDownTo: { width: 320, maxHeight: 180 } }],
      /scaleResolutionDownTo\.width: unknown field \(allowed: maxWidth, maxHeight\)/,
    ],
    [
      'as a number',
      [{ rid: 'q', scaleResolutionDownTo: 2 }],
      /scaleResolutionDownTo: expected an object, got number 2/,
    ],
  ];
  for (const [what, encodings, message] of bad) {
    it(`is refused ${what}, naming file and field`, () => {
      expect(() => def(encodings)).toThrow(InputError);
      expect(() => def(encodings)).toThrow(/^f\.json: /);
      expect(() => def(encodings)).toThrow(message);
    });
  }
});

describe('simq plan reads them from a scenario file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'simq-scaling-'));
  const file = path.join(dir, 'sizes.json');
  writeFileSync(
    file,
    JSON.stringify([
      { name: 'default-scale', encodings: [{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }] },
      {
        name: 'down-to',
        encodings: [
          { rid: 'q', scaleResolutionDownTo: { maxWidth: 320, maxHeight: 180 } },
          { rid: 'h', scaleResolutionDownTo: { maxWidth: 640, maxHeight: 360 } },
          { rid: 'f', scaleResolutionDownTo: { maxWidth: 1280, maxHeight: 720 } },
        ],
      },
    ]),
  );
  const sizes = (size: string) =>
    buildPlan({ size, fps: '30', scenario: file }).plans.map((p) => [
      p.scenario,
      p.allocations[0].layers.map((l) => (l.configured ? `${l.width}x${l.height}` : '-')),
    ]);
  it('1280x720: both give 320x180 / 640x360 / 1280x720', () => {
    expect(loadScenarioFile(file)).toHaveLength(2);
    expect(sizes('1280x720')).toEqual([
      ['default-scale', ['320x180', '640x360', '1280x720']],
      ['down-to', ['320x180', '640x360', '1280x720']],
    ]);
  });
  it('640x360: unset scales act as 4/2/1; a box is never scaled up and lifts the layer limit', () => {
    // Chromium 156, 640x360 camera, VP8 (data/validation-matrix.json): default-scale sent 160x90 and
    // 320x180 (f nothing); down-to sent 320x180, 640x360 and 640x360. With scaleResolutionDownTo
    // libwebrtc skips LimitSimulcastLayerCount (encoder_stream_factory.cc).
    expect(sizes('640x360')).toEqual([
      ['default-scale', ['160x90', '320x180', '-']],
      ['down-to', ['320x180', '640x360', '640x360']],
    ]);
  });
});
