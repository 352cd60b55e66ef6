// One colour per rid across every chart and table of a report, so "h" is the same orange everywhere.
// q / h / f are the names Chrome's samples and most SFUs use; other rids take the next free colour.

const RID_COLORS: Record<string, string> = {
  q: '#1f77b4',
  h: '#ff7f0e',
  f: '#2ca02c',
};
const EXTRA = ['#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];

export const GUIDE_GREY = '#8a8a8a';
export const CAP_RED = '#d62728';
export const ENVELOPE_BLACK = '#222222';

/** Colours for a run's rids, in the order given (encodings order). */
export function ridColors(rids: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  let next = 0;
  for (const rid of rids) {
    if (out[rid]) continue;
    out[rid] = RID_COLORS[rid] ?? EXTRA[next++ % EXTRA.length];
  }
  return out;
}
