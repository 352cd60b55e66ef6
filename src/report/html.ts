// Small helpers for writing the report's HTML by hand: escaping and number formatting.
import { printable } from '../ui/printable.js';

export function esc(value: unknown): string {
  // Control and bidi characters shown escaped first (ui/printable.ts): the report's text reads as it is.
  return printable(String(value ?? ''))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A number with at most `digits` decimals, or "–" when absent. */
export function num(value: number | undefined | null, digits = 1): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '–';
  return String(Math.round(value * 10 ** digits) / 10 ** digits);
}

/** A table: header cells and rows of already-escaped cell HTML. */
export function table(
  headers: string[],
  rows: string[][],
  options: { cls?: string; numeric?: boolean[]; wrap?: boolean[] } = {},
): string {
  const cls = options.cls ? ` class="${options.cls}"` : '';
  const align = (i: number) => (options.numeric?.[i] ? ' class="n"' : options.wrap?.[i] ? ' class="wrap"' : '');
  const head = headers.map((h, i) => `<th${align(i)}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${align(i)}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A rid in its chart colour. */
export function ridBadge(rid: string, colors: Record<string, string>): string {
  return `<span class="rid" style="background:${esc(colors[rid] ?? '#555')}">${esc(rid)}</span>`;
}
