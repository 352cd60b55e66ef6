// Parsing and printing of the units users type: bitrates ("800k", "1.5M", "1500000"), sizes ("1280x720").

/** Parses "800k", "1.5M", "2500kbps", "300000" into bits per second; NaN when it is not a bitrate. */
export function parseBitrate(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(k|m|kbps|mbps|bps)?\s*$/i.exec(text);
  if (!m) return NaN;
  const value = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  if (unit === 'k' || unit === 'kbps') return Math.round(value * 1000);
  if (unit === 'm' || unit === 'mbps') return Math.round(value * 1_000_000);
  return Math.round(value);
}

export function formatKbps(bps: number | undefined): string {
  if (bps === undefined || !Number.isFinite(bps)) return '-';
  return `${Math.round(bps / 1000)}`;
}

export interface Size {
  width: number;
  height: number;
}

/** Parses "1280x720"; undefined when malformed. */
export function parseSize(text: string): Size | undefined {
  const m = /^\s*(\d+)\s*[xX]\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  return { width: Number(m[1]), height: Number(m[2]) };
}

export function formatSize(s: Size): string {
  return `${s.width}x${s.height}`;
}
