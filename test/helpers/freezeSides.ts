// simq's freezes (from the page's presentation times, render.csv) set freeze by freeze against the
// browser's own count (inbound-rtp freezeCount and totalFreezesDuration, read each second into
// stats.csv). The two sides time the same pictures at different places: libwebrtc at the renderer's
// sink (video/video_quality_observer2.cc OnRenderedFrame), the page at the compositor, a vsync or more
// later, and on a loaded machine the compositor can stall while frames keep reaching the sink. So
// each freeze of one side is either matched by the other side or explained by what the records show;
// an aggregate "counts within 1" cannot tell a stall of the page from a disagreement (a CI run failed
// it by 3 and left nothing to say which).
import path from 'node:path';
import { readCsv } from './simq.js';

export interface FreezeSpan {
  startS: number;
  durationS: number;
}

/** The records of one viewer that the comparison reads (none written by simq's measure). */
export interface ViewerRecords {
  /** render.csv: presentation time (ms) and the presented-frames counter of each callback. */
  presented: { t: number; frames: number }[];
  /** frames.csv: when each frame reached the page's receiver transform (ms). */
  arrivals: number[];
  /** stats.csv: the browser's cumulative freeze counters, each row's read time (ms). */
  stats: { t: number; count: number; totalS: number }[];
}

export function viewerRecords(viewersDir: string, name: string): ViewerRecords {
  const csv = (ext: string) => readCsv(path.join(viewersDir, `${name}.${ext}.csv`));
  return {
    presented: csv('render').map((r) => ({ t: Number(r.presented_ms), frames: Number(r.presented_frames) })),
    arrivals: csv('frames').map((r) => Number(r.arrival_ms)),
    stats: csv('stats').map((r) => ({
      t: Number(r.t_ms),
      count: Number(r.freezeCount),
      totalS: Number(r.totalFreezesDuration),
    })),
  };
}

/** How much later than a stats row the page may present the end of a freeze that row counted (ms). */
export const LATE_MS = 500;
/** How much earlier than a stats row's time its counters may have been read (ms). */
export const EARLY_MS = 1000;
/** An arrival gap this long inside a presented freeze makes it a freeze of delivery, not of the page. */
export const DELIVERY_GAP_MS = 200;
/** Within this share of the w3c threshold, either side may count a gap (they time it a few vsyncs apart). */
export const NEAR_SHARE = 0.15;

/** The w3c threshold max(3 x avg, avg + 150 ms) over a gap and the 29 presented gaps before it. */
export function thresholdAt(rec: ViewerRecords, startMs: number, gapMs: number): number | undefined {
  const t = rec.presented.map((p) => p.t);
  const before = t.slice(1).flatMap((x, i) => (x <= startMs + 1 ? [x - t[i]!] : []));
  const window = [...before.slice(-29), gapMs];
  if (window.length < 5) return undefined;
  const avg = window.reduce((a, b) => a + b, 0) / window.length;
  return Math.max(3 * avg, avg + 150);
}

const near = (gap: number, threshold: number | undefined) =>
  threshold !== undefined && Math.abs(gap - threshold) <= NEAR_SHARE * threshold;

/** A rise of the browser's freezeCount between two stats rows (one or more freezes). */
interface Rise {
  from: number;
  to: number;
  /** The rise's totalFreezesDuration increase shared by the freezes it counted (s). */
  durationS: number;
  /** How many freezes the rise counted, and how many of them are not yet matched. */
  count: number;
  left: number;
}

function rises(rec: ViewerRecords): Rise[] {
  return rec.stats.flatMap((r, i) => {
    const prev = rec.stats[i - 1];
    if (!prev || r.count <= prev.count) return [];
    const n = r.count - prev.count;
    return [{ from: prev.t, to: r.t, durationS: (r.totalS - prev.totalS) / n, count: n, left: n }];
  });
}

export interface FreezeComparison {
  /**
   * simq's freeze and the browser's rise it fell in: the durations side by side (s); `shared` is how
   * many freezes that rise counted (its duration is their mean then).
   */
  matched: { simq: FreezeSpan; browserS: number; shared: number }[];
  /** simq's freezes the browser did not count, each with why that can be (or 'unexplained'). */
  simqOnly: { freeze: FreezeSpan; why: 'near the threshold' | 'the page stalled, frames arriving' | 'unexplained' }[];
  /** Freezes the browser counted that simq did not list, each with why that can be (or 'unexplained'). */
  browserOnly: {
    between: [number, number];
    durationS: number;
    why: 'a presented gap near the threshold' | 'pictures presented without a callback' | 'unexplained';
  }[];
}

/**
 * Matches each of simq's freezes to a rise of the browser's freezeCount. A row's counters are read by
 * getStats before its time is taken, which on a loaded machine can be most of a second earlier
 * (EARLY_MS), and the page presents a vsync or more after the sink (LATE_MS): a freeze ending within a
 * rise's row, or up to LATE_MS after it, is matched first; one ending up to EARLY_MS before the row is
 * matched to what is left. Among candidates, the rise whose duration is nearest. What is left on
 * either side is explained from the records or called 'unexplained'.
 */
export function compareFreezes(list: readonly FreezeSpan[], rec: ViewerRecords): FreezeComparison {
  const rs = rises(rec);
  const out: FreezeComparison = { matched: [], simqOnly: [], browserOnly: [] };
  const pick = (f: FreezeSpan, slackBeforeMs: number) => {
    const endMs = (f.startS + f.durationS) * 1000;
    const candidates = rs.filter((r) => r.left > 0 && endMs >= r.from - slackBeforeMs && endMs <= r.to + LATE_MS);
    return candidates.sort((x, y) => Math.abs(x.durationS - f.durationS) - Math.abs(y.durationS - f.durationS))[0];
  };
  const match = (f: FreezeSpan, rise: Rise) => {
    rise.left--;
    out.matched.push({ simq: f, browserS: rise.durationS, shared: rise.count });
  };
  const early: FreezeSpan[] = [];
  for (const f of list) {
    const rise = pick(f, 0);
    if (rise) match(f, rise);
    else early.push(f);
  }
  for (const f of early) {
    const rise = pick(f, EARLY_MS);
    if (rise) match(f, rise);
    else out.simqOnly.push({ freeze: f, why: whySimqOnly(f, rec) });
  }
  for (const r of rs)
    for (let k = 0; k < r.left; k++)
      out.browserOnly.push({ between: [r.from, r.to], durationS: r.durationS, why: whyBrowserOnly(r, rec) });
  return out;
}

function whySimqOnly(f: FreezeSpan, rec: ViewerRecords): FreezeComparison['simqOnly'][number]['why'] {
  const [a, z] = [f.startS * 1000, (f.startS + f.durationS) * 1000];
  if (near(z - a, thresholdAt(rec, a, z - a))) return 'near the threshold';
  // Frames kept reaching the page through the whole freeze: libwebrtc's sink got them and rightly
  // counted nothing, while the compositor did not present (a CI run: simq 2 freezes / 0.76 s,
  // inbound-rtp 1 / 0.39 s, lossless).
  const times = [a, ...rec.arrivals.filter((t) => t > a && t < z), z];
  const delivered = times.length > 2 && times.slice(1).every((t, i) => t - times[i]! < DELIVERY_GAP_MS);
  return delivered ? 'the page stalled, frames arriving' : 'unexplained';
}

function whyBrowserOnly(r: Rise, rec: ViewerRecords): FreezeComparison['browserOnly'][number]['why'] {
  // The sink's freeze ended in the rise's row or up to EARLY_MS before it (see compareFreezes); the page
  // saw it only if one of its own intervals there was about as long (within 15% and a vsync).
  const inWindow = (t: number) => t >= r.from - EARLY_MS && t <= r.to + LATE_MS;
  const asLong = (gap: number) => gap >= r.durationS * 1000 * (1 - NEAR_SHARE) - 17;
  const p = rec.presented;
  for (let i = 1; i < p.length; i++) {
    const gap = p[i]!.t - p[i - 1]!.t;
    if (!inWindow(p[i]!.t) || !asLong(gap)) continue;
    // Pictures the compositor presented between two callbacks: where they went on screen is simq's
    // estimate, so the freeze may hide among them in the page's record.
    if (p[i]!.frames - p[i - 1]!.frames > 1) return 'pictures presented without a callback';
    if (near(gap, thresholdAt(rec, p[i - 1]!.t, gap))) return 'a presented gap near the threshold';
  }
  return 'unexplained';
}

/** One line per freeze of either side, for the test's log and failure messages. */
export function describeComparison(name: string, c: FreezeComparison): string {
  const ms = (s: number) => `${Math.round(s * 1000)} ms`;
  return [
    ...c.matched.map(
      (m) => `${name}: both at ${ms(m.simq.startS)}: simq ${ms(m.simq.durationS)}, browser ${ms(m.browserS)}`,
    ),
    ...c.simqOnly.map((s) => `${name}: simq only at ${ms(s.freeze.startS)} (${ms(s.freeze.durationS)}): ${s.why}`),
    ...c.browserOnly.map(
      (b) =>
        `${name}: browser only in ${b.between.map((t) => t.toFixed(0)).join('-')} ms (${ms(b.durationS)}): ${b.why}`,
    ),
  ].join('\n');
}
