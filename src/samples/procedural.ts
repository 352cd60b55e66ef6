// Building blocks for synthetic sample content, as lavfi filter-graph text: a detailed "ground"
// texture (camera-like) and pseudo-text glyphs (screen content). Only ffmpeg's own sources and
// filters are used; no drawtext (its fonts differ between machines, so the pixels would too) and
// no random() in expressions (geq's random is stateful, its value depends on evaluation order).
// Every pseudo-random choice is a fixed seed of the noise filter or an integer hash below, so the
// same ffmpeg produces the same pixels.

/** Filter-graph chains joined by ';' once complete. Labels are prefixed to stay unique. */
export class Graph {
  private readonly chains: string[] = [];
  private n = 0;

  /** A fresh label like "[p3]" (with the brackets). */
  label(prefix = 'p'): string {
    return `[${prefix}${this.n++}]`;
  }

  add(chain: string): this {
    this.chains.push(chain.replace(/\s*\n\s*/g, ''));
    return this;
  }

  text(): string {
    return this.chains.join(';');
  }
}

/** RGB hex (like 0x1f3a5f) to BT.601 limited-range YUV, the conversion ffmpeg's `color` source uses for yuv. */
export function rgbToYuv(hex: number): { y: number; u: number; v: number } {
  const r = ((hex >> 16) & 0xff) / 255;
  const g = ((hex >> 8) & 0xff) / 255;
  const b = (hex & 0xff) / 255;
  const y = 16 + 65.481 * r + 128.553 * g + 24.966 * b;
  const u = 128 - 37.797 * r - 74.203 * g + 112.0 * b;
  const v = 128 + 112.0 * r - 93.786 * g - 18.214 * b;
  return { y: Math.round(y), u: Math.round(u), v: Math.round(v) };
}

/** One still frame of a solid colour (all stills are single frames, looped later). */
export function still(width: number, height: number, rgb: number, fps: number): string {
  return `color=c=0x${rgb.toString(16).padStart(6, '0')}:s=${width}x${height}:r=${fps},trim=end_frame=1`;
}

export interface GroundSpec {
  width: number;
  height: number;
  fps: number;
  /** Offsets every noise seed: different seeds, different ground. */
  seed: number;
  /** Chroma of the ground as a function of its luma L: cb = 128 + cbSlope*(L-128) + cbOffset. */
  cbSlope: number;
  cbOffset: number;
  crSlope: number;
  crOffset: number;
  /** Chroma of the pebbles. */
  stoneCb: number;
  stoneCr: number;
  /** Luma threshold (0-255) of the pebble mask: higher, fewer pebbles. */
  stoneThreshold: number;
}

/**
 * A still of textured ground with pebbles: fractal noise (octaves of upscaled, blurred noise with
 * 1/f-like weights, as natural images have) plus hard-edged blobs with their own fine texture and a
 * dark rim. Encoders find it hard for the same reasons as camera footage of foliage or gravel:
 * detail at every scale and edges in every direction. Output: one yuv420p frame at `out`.
 */
export function groundTexture(g: Graph, spec: GroundSpec, out: string): void {
  const { width: w, height: h, seed } = spec;
  // Everything is built on single gray planes (a third of the work of yuv444p); chroma is derived
  // from luma with look-up tables and merged at the end.
  // Seeds go in all_seed: ffmpeg 4.1's noise filter overwrites the per-component c0_seed with
  // all_seed (default 123457), so c0_seed alone gives every instance the same noise.
  // An octave: noise at a fraction of the size, blurred there (a full-size gblur costs ~0.15 s per
  // plane here) and interpolated up. `sigma` is in full-size pixels.
  const octave = (dw: number, dh: number, s: number, sigma: number, gain: number) =>
    `scale=${dw}:${dh},noise=c0s=100:c0f=u:all_seed=${seed + s},gblur=sigma=${((sigma * dw) / w).toFixed(2)},` +
    `scale=${w}:${h}:flags=bicubic,lut=c0='clip((val-124)*${gain}+128,0,255)'`;
  const L = () => g.label('g');
  const [o0, o1, o2, o3, o4, o5, o6] = [L(), L(), L(), L(), L(), L(), L()];
  const [l0, l1, l2, l3, l4, m1, m2, m3] = [L(), L(), L(), L(), L(), L(), L(), L()];
  const [maskY, maskU, maskV, toCb, toCr, cb, cr, rim, stone, half, halfRim] = [L(), L(), L(), L(), L(), L(), L(), L(), L(), L(), L()];
  const [groundY, toU, toV, groundU, groundV, y1, y2, u, v] = [L(), L(), L(), L(), L(), L(), L(), L(), L()];
  g.add(`${still(w, h, 0x808080, spec.fps)},format=gray,split=7${o0}${o1}${o2}${o3}${o4}${o5}${o6}`);
  // Octaves from coarse to fine; each is stretched back to full contrast before mixing
  // (blend normal with opacity p: p*A + (1-p)*B).
  g.add(`${o0}${octave(Math.round(w / 128), Math.round(h / 128), 11, w / 64, 4)}${l0}`);
  g.add(`${o1}${octave(Math.round(w / 32), Math.round(h / 32), 21, w / 256, 3)}${l1}`);
  g.add(`${o2}${octave(Math.round(w / 8), Math.round(h / 8), 31, w / 850, 2.5)}${l2}`);
  g.add(`${o3}${octave(Math.round(w / 2), Math.round(h / 2), 41, 0.8, 1.5)}${l3}`);
  g.add(`${o4}noise=c0s=100:c0f=u:all_seed=${seed + 51}${l4}`);
  g.add(`${l0}${l1}blend=all_mode=normal:all_opacity=0.55${m1}`);
  g.add(`${m1}${l2}blend=all_mode=normal:all_opacity=0.65${m2}`);
  g.add(`${m2}${l3}blend=all_mode=normal:all_opacity=0.75${m3}`);
  g.add(`${m3}${l4}blend=all_mode=normal:all_opacity=0.85,split=3${groundY}${toU}${toV}`);
  g.add(`${toU}lut=c0='clip(128+(val-128)*${spec.cbSlope}+${spec.cbOffset},0,255)'${groundU}`);
  g.add(`${toV}lut=c0='clip(128+(val-128)*${spec.crSlope}+${spec.crOffset},0,255)'${groundV}`);
  // Pebbles: a thresholded mid octave gives blobs with hard edges (thresholded at half size; the
  // bicubic upscale softens them to about 2 px), a dark rim around them and their own finer texture.
  const pw = Math.round(w / 21);
  const ph = Math.round(h / 21);
  g.add(
    `${o5}scale=${pw}:${ph},noise=c0s=100:c0f=u:all_seed=${seed + 61},gblur=sigma=${((w / 420) * pw / w).toFixed(2)},` +
      `scale=${w / 2}:${h / 2}:flags=bicubic,lut=c0='if(gt((val-124)*4+128,${spec.stoneThreshold}),255,0)',split${half}${halfRim};` +
      `${half}scale=${w}:${h}:flags=bicubic,split=5${maskY}${maskU}${maskV}${toCb}${toCr}`,
  );
  // The rim is a multiplier (255 = unchanged): blend's built-in modes are far faster than all_expr.
  g.add(`${halfRim}gblur=sigma=1,lut=c0='if(between(val,30,225),105,255)',scale=${w}:${h}:flags=bicubic${rim}`);
  g.add(`${o6}${octave(Math.round(w / 4), Math.round(h / 4), 71, 1.2, 2.5)},lut=c0='clip(val*0.7+70,0,255)'${stone}`);
  g.add(`${toCb}lut=c0=${spec.stoneCb}${cb}`);
  g.add(`${toCr}lut=c0=${spec.stoneCr}${cr}`);
  g.add(`${groundY}${stone}${maskY}maskedmerge${y1}`);
  g.add(`${y1}${rim}blend=all_mode=multiply${y2}`);
  g.add(`${groundU}${cb}${maskU}maskedmerge${u}`);
  g.add(`${groundV}${cr}${maskV}maskedmerge${v}`);
  g.add(`${y2}${u}${v}mergeplanes=0x001020:yuv444p,format=yuv420p${out}`);
}

export interface GlyphBlock {
  /** Characters per line and lines. */
  cols: number;
  rows: number;
  /** Pixels per glyph dot: 1 gives 5x7-pixel glyphs (a small UI font), 2 a body font, 4 a title. */
  dot: number;
  /** Line pitch in dots (glyphs are 7 dots tall). */
  pitch: number;
  seed: number;
  rgb: number;
  /** Ragged right edge: each line is up to this fraction of cols shorter. 0 for a full block. */
  ragged: number;
  /** No word gaps (e.g. digits of a counter). */
  noSpaces?: boolean;
  /** New glyphs every second (a ticking counter); otherwise a still. */
  ticking?: boolean;
}

/**
 * geq expression: 255 where a glyph stroke is, 0 elsewhere, in dot coordinates X, Y.
 * Each character cell is 6 dots wide (5 + 1 gap); the glyph is built from up to nine strokes of a
 * 5x7 grid (the segments of a "starburst" display: three bars, four half-verticals, a stem and a
 * diagonal), chosen by an integer hash of (column, line, seed). This gives letter-like shapes with
 * pixel-sharp horizontal, vertical and diagonal edges, which is what makes text hard for video
 * encoders, without depending on any font.
 */
export function glyphAlphaExpr(b: GlyphBlock): string {
  const seed = b.ticking ? `(${b.seed}+floor(T)*131)` : String(b.seed);
  const maxCut = Math.max(1, Math.floor(b.cols * b.ragged));
  const col = 'ld(0)';
  const gx = 'ld(1)';
  const line = 'ld(2)';
  const gy = 'ld(3)';
  // Strokes 0, 2, 3, 4 (top, bottom, left halves) are on with probability 1/2 (a bit of hash 1),
  // the rest 1/4 (the same bit in both hashes): about 3 strokes per glyph, like letters.
  const on = (k: number) => `gt(bitand(${k === 0 || k === 2 || k === 3 || k === 4 ? 'ld(4)' : 'ld(5)'},${1 << k}),0)`;
  const segments = [
    `eq(${gy},0)*between(${gx},1,3)*${on(0)}`,
    `eq(${gy},3)*between(${gx},1,3)*${on(1)}`,
    `eq(${gy},6)*between(${gx},1,3)*${on(2)}`,
    `eq(${gx},0)*between(${gy},1,2)*${on(3)}`,
    `eq(${gx},0)*between(${gy},4,5)*${on(4)}`,
    `eq(${gx},4)*between(${gy},1,2)*${on(5)}`,
    `eq(${gx},4)*between(${gy},4,5)*${on(6)}`,
    `eq(${gx},2)*${on(7)}`,
    `eq(${gx},floor(${gy}*4/6+0.5))*${on(8)}`,
  ];
  return [
    'st(0,floor(X/6))', // column
    'st(1,X-6*ld(0))', // x inside the cell (5 = gap)
    `st(2,floor(Y/${b.pitch}))`, // line
    `st(3,Y-${b.pitch}*ld(2))`, // y inside the line (7 and up = gap)
    // Two integer hashes of (column, line, seed), exact in doubles (far below 2^53).
    `st(4,mod(${col}*${col}*37+${col}*${line}*71+${line}*${line}*13+${col}*97+${line}*151+${seed}*7,509))`,
    `st(5,bitand(ld(4),mod(${col}*${col}*53+${col}*${line}*29+${line}*${line}*41+${col}*61+${line}*89+${seed}*11,499)))`,
    // Word gaps: about one character in six (none when noSpaces).
    b.noSpaces ? 'st(6,0)' : `st(6,lt(mod(${col}*${col}*31+${col}*17+${line}*${line}*7+${line}*53+${seed}*3,97),16))`,
    // Ragged right margin: each line ends up to cols*ragged characters early.
    b.ragged > 0 ? `st(7,${b.cols}-mod(${line}*37+${seed},${maxCut}))` : `st(7,${b.cols})`,
    `255*lt(${gx},5)*lt(${gy},7)*not(ld(6))*lt(${col},ld(7))*gt(${segments.join('+')},0)`,
  ].join(';');
}

/** A block of pseudo-text with a transparent background (yuva444p), to overlay at `out`. */
export function glyphBlock(g: Graph, b: GlyphBlock, fps: number, out: string): void {
  const c = rgbToYuv(b.rgb);
  const dotsW = b.cols * 6;
  const dotsH = b.rows * b.pitch;
  // A ticking block is re-evaluated every frame (it is small); a still one once, then repeated by overlay.
  const source = b.ticking ? `nullsrc=s=${dotsW}x${dotsH}:r=${fps}` : `nullsrc=s=${dotsW}x${dotsH}:r=${fps},trim=end_frame=1`;
  g.add(
    // threads=1: the expression keeps temporaries with st()/ld(), and geq's slice threads share
    // that storage (with several threads the output changed from run to run).
    `${source},format=yuva444p,geq=threads=1:lum=${c.y}:cb=${c.u}:cr=${c.v}:a='${glyphAlphaExpr(b)}',` +
      `scale=iw*${b.dot}:ih*${b.dot}:flags=neighbor${out}`,
  );
}

/** A solid rectangle to overlay (yuva444p, opaque). */
export function rect(g: Graph, width: number, height: number, rgb: number, fps: number, out: string): void {
  g.add(`${still(width, height, rgb, fps)},format=yuva444p${out}`);
}
