// Screen-content slides for the `screen` sample, composed from solid rectangles and pseudo-text
// glyph blocks (procedural.ts) on one still frame, then looped with the parts that change: a box
// whose digits tick every second and a blinking cursor. Coordinates are for 1280x720.
import { glyphBlock, rect, still, type Graph, type GlyphBlock } from './procedural.js';
import type { SampleParams } from './recipes.js';

interface Placed {
  x: number;
  y: number;
}

/** Overlays solid rectangles and glyph blocks onto the still at `base`, returns the new label. */
function compose(g: Graph, base: string, fps: number, items: ((Placed & { rect: [number, number, number] }) | (Placed & { text: GlyphBlock }))[]): string {
  let cur = base;
  for (const item of items) {
    const layer = g.label('l');
    if ('rect' in item) rect(g, item.rect[0], item.rect[1], item.rect[2], fps, layer);
    else glyphBlock(g, item.text, fps, layer);
    const next = g.label('c');
    g.add(`${cur}${layer}overlay=x=${item.x}:y=${item.y}:format=yuv444${next}`);
    cur = next;
  }
  return cur;
}

const text = (b: Omit<GlyphBlock, 'ragged'> & { ragged?: number }): GlyphBlock => ({ ragged: 0, ...b });

/** Slide 1: a light presentation slide (title bar, bullets, a bar chart, footer). */
export function presentationSlide(g: Graph, p: SampleParams): string {
  const { fps } = p;
  const base = g.label('s');
  g.add(`${still(p.width, p.height, 0xf7f7f2, fps)},format=yuv444p${base}`);
  const bars = [120, 200, 90, 240, 170];
  const colors = [0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f];
  const items: Parameters<typeof compose>[3] = [
    { x: 0, y: 0, rect: [p.width, 88, 0x1f3a5f] },
    { x: 48, y: 26, text: text({ cols: 22, rows: 1, dot: 4, pitch: 9, seed: 101, rgb: 0xffffff }) },
    ...Array.from({ length: 8 }, (_, i) => ({ x: 64, y: 134 + i * 52, rect: [10, 10, 0x1f3a5f] as [number, number, number] })),
    { x: 88, y: 132, text: text({ cols: 70, rows: 8, dot: 2, pitch: 26, seed: 202, rgb: 0x222222, ragged: 0.45 }) },
    { x: 960, y: 140, rect: [280, 330, 0xffffff] },
    ...bars.map((h, i) => ({ x: 990 + i * 50, y: 420 - h, rect: [36, h, colors[i]] as [number, number, number] })),
    { x: 980, y: 420, rect: [244, 2, 0x444444] },
    { x: 990, y: 432, text: text({ cols: 36, rows: 2, dot: 1, pitch: 12, seed: 303, rgb: 0x666666 }) },
    { x: 0, y: 680, rect: [p.width, 2, 0xdddddd] },
    { x: 48, y: 694, text: text({ cols: 40, rows: 1, dot: 1, pitch: 9, seed: 404, rgb: 0x888888 }) },
    { x: 1200, y: 694, text: text({ cols: 4, rows: 1, dot: 1, pitch: 9, seed: 405, rgb: 0x888888, noSpaces: true }) },
    // The ticking box's frame (its digits change every second, added after the loop).
    { x: 1080, y: 22, rect: [176, 44, 0x2e5a8a] },
  ];
  const composed = compose(g, base, fps, items);
  const clock = text({ cols: 8, rows: 1, dot: 3, pitch: 7, seed: 505, rgb: 0xffffff, noSpaces: true, ticking: true });
  return animate(g, p, composed, { clock, clockAt: { x: 1096, y: 33 }, cursor: { x: 88 + 56 * 12, y: 132 + 7 * 52, w: 2, h: 16, rgb: 0x222222 } });
}

/** Slide 2: a dark code editor (sidebar, tabs, line numbers, coloured code, status bar). */
export function codeEditorSlide(g: Graph, p: SampleParams): string {
  const { fps } = p;
  const base = g.label('s');
  g.add(`${still(p.width, p.height, 0x1e1e1e, fps)},format=yuv444p${base}`);
  const line = 22;
  const top = 56;
  const code: [number, number, number][] = [
    // [indent in characters, lines, colour]
    [0, 4, 0x9cdcfe],
    [4, 7, 0xce9178],
    [8, 5, 0xd4d4d4],
    [4, 4, 0xc586c0],
    [0, 5, 0xdcdcaa],
  ];
  const items: Parameters<typeof compose>[3] = [
    { x: 0, y: 0, rect: [240, p.height, 0x252526] },
    { x: 24, y: 48, text: text({ cols: 30, rows: 34, dot: 1, pitch: 18, seed: 606, rgb: 0xcccccc, ragged: 0.6 }) },
    { x: 240, y: 0, rect: [p.width - 240, 36, 0x2d2d2d] },
    { x: 240, y: 0, rect: [180, 36, 0x1e1e1e] },
    { x: 256, y: 14, text: text({ cols: 20, rows: 1, dot: 1, pitch: 9, seed: 707, rgb: 0xffffff }) },
    { x: 240, y: top + 6 * line - 4, rect: [p.width - 240, line, 0x2a2d2e] },
    { x: 256, y: top, text: text({ cols: 3, rows: 25, dot: 1, pitch: line, seed: 808, rgb: 0x858585, noSpaces: true }) },
    { x: 0, y: p.height - 24, rect: [p.width, 24, 0x007acc] },
    { x: 12, y: p.height - 16, text: text({ cols: 40, rows: 1, dot: 1, pitch: 9, seed: 909, rgb: 0xffffff }) },
    { x: 1110, y: 4, rect: [150, 28, 0x0e639c] },
  ];
  let row = 0;
  code.forEach(([indent, lines, rgb], i) => {
    items.push({ x: 300 + indent * 12, y: top + row * line, text: text({ cols: 72 - indent, rows: lines, dot: 2, pitch: line / 2, seed: 1000 + i * 17, rgb, ragged: 0.7 }) });
    row += lines;
  });
  const composed = compose(g, base, fps, items);
  const clock = text({ cols: 8, rows: 1, dot: 2, pitch: 7, seed: 1111, rgb: 0xffffff, noSpaces: true, ticking: true });
  return animate(g, p, composed, { clock, clockAt: { x: 1137, y: 11 }, cursor: { x: 300 + 8 * 12 + 30 * 12, y: top + 6 * line - 1, w: 2, h: 16, rgb: 0xaeafad } });
}

/** Loops a composed still and adds what changes: a ticking box and a blinking cursor. */
function animate(
  g: Graph,
  p: SampleParams,
  composed: string,
  a: { clock: GlyphBlock; clockAt: Placed; cursor: Placed & { w: number; h: number; rgb: number } },
): string {
  const looped = g.label('a');
  g.add(`${composed}loop=loop=-1:size=1,setpts=N/(${p.fps}*TB)${looped}`);
  const clock = g.label('k');
  glyphBlock(g, a.clock, p.fps, clock);
  const withClock = g.label('a');
  g.add(`${looped}${clock}overlay=x=${a.clockAt.x}:y=${a.clockAt.y}:format=yuv444${withClock}`);
  const cursor = g.label('k');
  rect(g, a.cursor.w, a.cursor.h, a.cursor.rgb, p.fps, cursor);
  const out = g.label('a');
  g.add(`${withClock}${cursor}overlay=x=${a.cursor.x}:y=${a.cursor.y}:format=yuv444:enable='lt(mod(t,1),0.5)'${out}`);
  return out;
}

