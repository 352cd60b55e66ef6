// verifyPairing on pictures whose right source frame is known by construction: a reference where
// a small square moves one step per frame over a static background (like a webcam inset on a
// shared screen), and "captured" frames made from known source frames plus coding-like noise.
import { describe, expect, it } from 'vitest';
import type { Thumbnails } from '../src/measure/alignment/AlignmentTypes.js';
import { countVerdicts, framePsnr, PairingVerifier, verifyPairing } from '../src/measure/alignment/verifyPairing.js';

const W = 96;
const H = 54;

/** Frame f: a textured static background and an 8x8 textured square at x = 4 + 3f (wrapping). */
function sourceFrame(f: number, moving = true): Uint8Array {
  const px = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) px[y * W + x] = 60 + ((x * 7 + y * 13) % 40);
  const x0 = moving ? (4 + 3 * f) % (W - 8) : 10;
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) px[(20 + y) * W + x0 + x] = 200 - ((x * 5 + y * 3) % 30);
  return px;
}

function frames(list: Uint8Array[]): Thumbnails {
  const data = new Uint8Array(list.length * W * H);
  list.forEach((f, i) => data.set(f, i * W * H));
  return { width: W, height: H, count: list.length, data };
}

/** Deterministic noise of about +-2 levels, like light coding noise. */
function noisy(px: Uint8Array, seed: number): Uint8Array {
  let s = seed * 2654435761;
  return px.map((v) => {
    s = (s * 1103515245 + 12345) >>> 0;
    return Math.max(0, Math.min(255, v + ((s >>> 16) % 5) - 2));
  });
}

const N = 20;
const reference = frames(Array.from({ length: N }, (_, f) => sourceFrame(f)));

describe('verifyPairing', () => {
  it('moves pictures paired one or two frames off to their own source frame and keeps right ones', () => {
    const truth = [2, 3, 4, 6, 7, 8, 9, 10];
    const layer = frames(truth.map((s, i) => noisy(sourceFrame(s), i + 1)));
    const chosen = [2, 4, 5, 6, 9, 8, 9, 10]; // frames 1, 2 and 4 are off by one or two
    const v = verifyPairing(layer, reference, chosen);
    expect(v.sourceIndex).toEqual(truth);
    expect(v.verdict).toEqual([
      'verified',
      'repaired',
      'repaired',
      'verified',
      'repaired',
      'verified',
      'verified',
      'verified',
    ]);
    expect(countVerdicts(v.verdict)).toEqual({ verified: 5, tied: 0, repaired: 3, ambiguous: 0 });
    truth.forEach((s, i) => expect(v.psnrDb[i]).toBeCloseTo(framePsnr(layer, i, reference, s), 1));
  });

  it('widens the search past +-3 when the best match sits at its edge', () => {
    const layer = frames([noisy(sourceFrame(12), 7)]);
    const v = verifyPairing(layer, reference, [7]);
    expect(v.sourceIndex).toEqual([12]);
    expect(v.verdict).toEqual(['repaired']);
  });

  it('calls a pairing ambiguous when its source lies beyond the widest search', () => {
    // Pictures 0-3 and 5-8 are paired right; picture 4 shows source 15 but sits at 5: every candidate
    // in reach is as wrong as the next (a plateau), far below how well the pictures around it match.
    const truth = [1, 2, 3, 4, 15, 6, 7, 8, 9];
    const layer = frames(truth.map((s, i) => noisy(sourceFrame(s), i + 1)));
    const v = verifyPairing(layer, reference, [1, 2, 3, 4, 5, 6, 7, 8, 9], { maxWindow: 4 });
    expect(v.verdict[4]).toBe('ambiguous');
    expect(v.verdict.filter((x) => x === 'ambiguous')).toHaveLength(1);
  });

  it('calls a long run of pictures matching none of their candidates ambiguous, not tied', () => {
    // Pictures 0-3 are right; 4-11 show sources 10 frames further than where they sit (a lost
    // alignment): every candidate within +-3 is equally wrong, for many pictures in a row.
    const truth = [1, 2, 3, 4, 15, 16, 17, 18, 19, 0, 1, 2];
    const chosen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const layer = frames(truth.map((s, i) => noisy(sourceFrame(s), i + 1)));
    const v = verifyPairing(layer, reference, chosen, { maxWindow: 3 });
    expect(v.verdict.slice(0, 4)).toEqual(['verified', 'verified', 'verified', 'verified']);
    expect(v.verdict.slice(4).every((x) => x === 'ambiguous')).toBe(true);
  });

  it('finds static content tied with its neighbours and leaves it where it was', () => {
    const still = frames(Array.from({ length: N }, () => sourceFrame(0, false)));
    const layer = frames([noisy(sourceFrame(0, false), 5), noisy(sourceFrame(0, false), 6)]);
    const v = verifyPairing(layer, still, [4, 5]);
    expect(v.sourceIndex).toEqual([4, 5]);
    expect(v.verdict).toEqual(['tied', 'tied']);
  });

  it('calls a pairing that steps backwards against the previous picture ambiguous', () => {
    const layer = frames([noisy(sourceFrame(6), 1), noisy(sourceFrame(5), 2)]);
    const v = verifyPairing(layer, reference, [6, 5]);
    expect(v.verdict).toEqual(['verified', 'ambiguous']);
  });

  it('a step back between two source frames alike within coding noise is a tie, not ambiguous', () => {
    // Source 6 is source 5 with one 2x2 patch 14 levels brighter (a still moment at a small size): the
    // two pictures' best matches contradict each other by a fraction of a dB. A patch 60 levels
    // brighter tells them apart clearly: the step back stays ambiguous.
    for (const [patch, expected] of [
      [14, ['verified', 'tied']],
      [60, ['verified', 'ambiguous']],
    ] as const) {
      const six = sourceFrame(5);
      for (const [x, y] of [
        [40, 40],
        [41, 40],
        [40, 41],
        [41, 41],
      ])
        six[y * W + x] += patch;
      const ref = frames(Array.from({ length: N }, (_, f) => (f === 6 ? six : sourceFrame(f))));
      const layer = frames([noisy(six, 1), noisy(sourceFrame(5), 2)]);
      // The premise, by direct PSNR: each picture matches its own source better, by a margin below
      // the tests' 0.5 dB tie for the small patch and far above it for the large one.
      const margin0 = framePsnr(layer, 0, ref, 6) - framePsnr(layer, 0, ref, 5);
      const margin1 = framePsnr(layer, 1, ref, 5) - framePsnr(layer, 1, ref, 6);
      if (patch === 14) expect([margin0, margin1].every((m) => m >= 0.2 && m <= 0.5)).toBe(true);
      else expect(Math.min(margin0, margin1)).toBeGreaterThan(2);
      const v = verifyPairing(layer, ref, [6, 5]);
      expect(v.verdict, `patch ${patch}: margins ${margin0.toFixed(2)} / ${margin1.toFixed(2)} dB`).toEqual(expected);
      expect(v.sourceIndex).toEqual(patch === 14 ? [6, 6] : [6, 5]);
    }
  });

  it('follows the loop: a picture of the last frame paired with the first is moved across the wrap', () => {
    const layer = frames([noisy(sourceFrame(N - 1), 9)]);
    const v = verifyPairing(layer, reference, [1]);
    expect(v.sourceIndex).toEqual([N - 1]);
  });
});

describe('PairingVerifier (one frame at a time, as a decoder delivers them)', () => {
  it('gives the verdicts known by construction when every frame arrives in one reused buffer', () => {
    // The same pictures as the first case; the buffer is overwritten after each push, as the decode
    // pipe does, so a verifier that kept a frame and read it later would see the wrong picture.
    const truth = [2, 3, 4, 6, 7, 8, 9, 10];
    const chosen = [2, 4, 5, 6, 9, 8, 9, 10];
    const verifier = new PairingVerifier(reference, chosen);
    const buffer = new Uint8Array(W * H);
    truth.forEach((s, i) => {
      buffer.set(noisy(sourceFrame(s), i + 1));
      verifier.push(buffer);
    });
    buffer.fill(0);
    const v = verifier.finish();
    expect(v.sourceIndex).toEqual(truth);
    expect(v.verdict).toEqual([
      'verified',
      'repaired',
      'repaired',
      'verified',
      'repaired',
      'verified',
      'verified',
      'verified',
    ]);
  });

  it('marks outlier ties only when finished, against the pictures on both sides', () => {
    // A static stretch (ties) that matches far worse than the distinct pictures after it: the verdict
    // depends on later pictures, so it is settled by finish(), as verifyPairing does for a whole layer.
    const truth = [1, 2, 3, 4, 15, 6, 7, 8, 9];
    const chosen = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const verifier = new PairingVerifier(reference, chosen, { maxWindow: 4 });
    truth.forEach((s, i) => verifier.push(noisy(sourceFrame(s), i + 1)));
    expect(verifier.count).toBe(9);
    expect(verifier.finish().verdict[4]).toBe('ambiguous');
  });
});
