// Layers captured at the same moment show the same source frame: a weakly aligned layer follows the
// best-aligned one where their frames line up in time, and keeps its own estimate elsewhere.
import { describe, expect, it } from 'vitest';
import { adoptSourceIndices, bestAligned, droppedBetween } from '../src/measure/alignment/crossLayer.js';

describe('cross-layer alignment', () => {
  it('counts skipped source frames around the loop; a repeat skips none', () => {
    expect(droppedBetween([117, 118, 119, 0, 0, 1, 4], 120)).toEqual([0, 0, 0, 0, 0, 2, 0]);
  });

  it("takes the lead layer's index for frames tapped within a few ms, keeps its own otherwise", () => {
    const lead = {
      times: [1.0, 1.033, 1.066, 1.1, 1.133],
      alignment: { sourceIndex: [118, 119, 0, 0, 1], droppedAfter: [0, 0, 0, 0, 0], confidence: 0.99 },
    };
    // The small layer read the repeat as a step (0 -> 1) and has one frame the lead dropped (1.166).
    const small = {
      times: [1.002, 1.035, 1.068, 1.103, 1.136, 1.166],
      alignment: { sourceIndex: [118, 119, 0, 1, 2, 3], droppedAfter: [0, 0, 0, 0, 0, 0], confidence: 0.2 },
    };
    const r = adoptSourceIndices(small, lead, 120);
    expect(r.sourceIndex).toEqual([118, 119, 0, 0, 1, 3]);
    expect(r.droppedAfter).toEqual([0, 0, 0, 0, 1, 0]);
    expect(r.changed).toBe(2);
    expect(r.matched).toBe(5);
    expect(bestAligned([small, lead])).toBe(lead);
  });

  it('never pairs frames a camera interval apart', () => {
    const lead = { times: [1.0, 1.033], alignment: { sourceIndex: [5, 6], droppedAfter: [0, 0], confidence: 1 } };
    const other = { times: [1.017], alignment: { sourceIndex: [9], droppedAfter: [0], confidence: 0 } };
    expect(adoptSourceIndices(other, lead, 120).sourceIndex).toEqual([9]);
  });
});
