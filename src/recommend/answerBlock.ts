// The answer to the seed question in about ten lines, which `simq analyze` prints last (the full
// tables are one flag away, --details, and in the report): for a viewer who renders at 640x360,
// does f scaled down look better than h, by how much, at what cost; and h's maxBitrate for the
// target. Everything comes from the recommendation: nothing here is computed anew.
import type { CodecRecommendation, LayerAdvice, LayerCandidate, Recommendation } from './RecommendationTypes.js';

/** The render size of the seed question. */
export const ANSWER_VIEWER_SIZE = '640x360';

const kbps = (v: number) => `${Math.round(v)} kbps`;

/** The sender's own layer at this size if it was measured there, else the best-scoring one of that rid. */
function layerAt(c: CodecRecommendation, rid: string, size: string): LayerCandidate | undefined {
  const v = c.viewerSizes.find((x) => x.size === size);
  const of = v?.candidates.filter((x) => x.rid === rid) ?? [];
  return of.find((x) => x.scenarioId === c.senderScenario?.id) ?? of[0];
}

function comparison(f: LayerCandidate, h: LayerCandidate, metric: string, digits: number, tolerance: number): string {
  const diff = f.score - h.score;
  const cost = f.kbps - h.kbps;
  const share = f.kbps > 0 ? `, ${Math.round((h.kbps / f.kbps) * 100)}% of f's bits` : '';
  if (Math.abs(diff) <= tolerance)
    return `  -> h looks as good (within ${tolerance} ${metric}) for ${kbps(Math.abs(cost))} ${cost >= 0 ? 'less' : 'more'}${share}`;
  if (diff > 0)
    return `  -> f scaled down is ${diff.toFixed(digits)} ${metric} better for ${kbps(cost)} more (h sends${share.replace(',', '')})`;
  return `  -> h is ${(-diff).toFixed(digits)} ${metric} better for ${kbps(Math.abs(cost))} ${cost >= 0 ? 'less' : 'more'}`;
}

/** 640x360 when it was measured, else the measured viewer size nearest to it in pixels (--viewports chose others). */
function answerSize(c: CodecRecommendation): string {
  if (c.viewerSizes.length === 0 || c.viewerSizes.some((v) => v.size === ANSWER_VIEWER_SIZE)) return ANSWER_VIEWER_SIZE;
  const target = 640 * 360;
  return [...c.viewerSizes].sort(
    (a, b) => Math.abs(a.width * a.height - target) - Math.abs(b.width * b.height - target),
  )[0].size;
}

function codecLines(rec: Recommendation, c: CodecRecommendation): string[] {
  const s = rec.settings;
  const metric = s.metric.name === 'vmaf' ? 'VMAF' : 'dB PSNR-Y';
  const digits = s.metric.name === 'vmaf' ? 1 : 2;
  const size = answerSize(c);
  const out = [
    `For a ${size} viewer (${c.codec.toUpperCase()}, ${s.metric.name === 'vmaf' ? 'VMAF' : 'PSNR-Y'}${c.senderScenario ? `, sender ${c.senderScenario.id}` : ''}):`,
  ];
  const f = layerAt(c, 'f', size);
  const h = layerAt(c, 'h', size);
  const line = (name: string, x: LayerCandidate) =>
    `  ${name.padEnd(14)} ${x.score.toFixed(digits).padStart(6)} at ${kbps(x.kbps).padStart(10)}  (${x.scenarioId})`;
  if (f) out.push(line('f scaled down', f));
  if (h) out.push(line('h', h));
  if (f && h) out.push(comparison(f, h, metric, digits, s.tolerance));
  if (!f || !h)
    out.push(
      `  ${!f && !h ? 'neither f nor h' : !f ? 'f' : 'h'} was measured at ${size} (measure --viewports ${size})`,
    );
  out.push(
    maxBitrateLine(
      c.layers.find((l) => l.rid === 'h'),
      `h maxBitrate for ${metric} ${s.targetScore}`,
      digits,
    ),
  );
  return out;
}

/**
 * h's maxBitrate line. When the target is out of reach the figure is the knee or the highest point
 * (maxBitrateAdvice.ts wantedBitrate), which the line says first, with the best measured score, so a
 * reader does not take an expected score below the target for the target's bitrate.
 */
function maxBitrateLine(layer: LayerAdvice | undefined, head: string, digits: number): string {
  const a = layer?.advice;
  if (!layer || !a) return `${head}: no advice (h has no native score)`;
  const chrome = `Chrome then gives h ${kbps(a.predictedBps / 1000)}`;
  const expected = `expected ${a.expectedScore.toFixed(digits)}`;
  const best = layer.curve.reduce((b, p) => (p.score > b.score ? p : b), a.measured);
  const bestAt = `best measured ${best.score.toFixed(digits)} at ${kbps(best.kbps)}`;
  const figure = kbps(a.maxBitrate / 1000);
  switch (a.rule) {
    case 'knee':
      return `${head}: out of reach (${bestAt}); ${figure} for the curve's knee (${expected}; ${chrome})`;
    case 'highest':
      return `${head}: out of reach (${bestAt}, still climbing: measure higher); ${figure} for that point (${expected}; ${chrome})`;
    case 'below-range':
      return `${head}: ${figure} (${expected}, reached already at the cheapest measured point: a lower one may do; ${chrome})`;
    default:
      return `${head}: ${figure} (${expected}; ${chrome})`;
  }
}

/** The answer block: per codec the 640x360 comparison and h's maxBitrate, then where the rest is. */
export function renderAnswerBlock(rec: Recommendation, reportPath: string | undefined, detailsShown: boolean): string {
  const out = ['== Answer'];
  for (const c of rec.codecs) out.push(...codecLines(rec, c));
  const warnings = rec.warnings.length ? `${rec.warnings.length} warning(s); ` : '';
  out.push(
    `${warnings}${detailsShown ? 'full tables above' : 'full tables: add --details'}${reportPath ? `; report: ${reportPath}` : ''}`,
  );
  return out.join('\n');
}
