// The page's uploads to simq's harness server: frames in batches (u32 header length, JSON header,
// payloads), stats samples and log lines, each POST carrying the capture's token. Shared by the
// sender (harness.ts) and the viewers (viewer.ts).
import type { PageFrameMeta } from './protocol.js';

const FLUSH_INTERVAL_MS = 100;
const FLUSH_BYTES = 512 * 1024;

/**
 * One POST at a time, each carrying every frame gathered while the previous one was on its way. A
 * post per 100 ms queued behind each other fell behind for good when the machine was loaded: with
 * three shaped viewers and a load average of 12 on 2 cores, a viewer's page had 236 batches waiting,
 * the oldest for 50 s, when the capture stopped (every post the server saw it had answered; the
 * round trips were just slower than 100 ms). A batch that grows with the round trip keeps up.
 */
export class Uploader {
  private metas: PageFrameMeta[] = [];
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private batch = 0;
  private timer: number;
  /** The post on its way, if any, and when it was sent. */
  private inFlight: { done: Promise<void>; sentMs: number } | undefined;
  /** When the oldest frame not yet posted was added. */
  private oldestMs: number | undefined;
  failed: string | undefined;

  constructor() {
    this.timer = window.setInterval(() => this.sendIfIdle(), FLUSH_INTERVAL_MS);
  }

  add(meta: PageFrameMeta, data: Uint8Array): void {
    this.metas.push(meta);
    this.chunks.push(data);
    this.bytes += data.byteLength;
    this.oldestMs ??= performance.now();
    if (this.bytes >= FLUSH_BYTES) this.sendIfIdle();
  }

  private sendIfIdle(): void {
    if (!this.inFlight && this.metas.length) this.send();
  }

  /** Posts everything gathered, after the post on its way; resolves when nothing is left. */
  private async flush(): Promise<void> {
    while (this.inFlight || this.metas.length) {
      if (!this.inFlight) this.send();
      await this.inFlight?.done;
    }
  }

  private send(): void {
    const header = new TextEncoder().encode(JSON.stringify({ batch: this.batch++, frames: this.metas }));
    const body = new Uint8Array(4 + header.byteLength + this.bytes);
    new DataView(body.buffer).setUint32(0, header.byteLength);
    body.set(header, 4);
    let offset = 4 + header.byteLength;
    for (const c of this.chunks) {
      body.set(c, offset);
      offset += c.byteLength;
    }
    this.metas = [];
    this.chunks = [];
    this.bytes = 0;
    this.oldestMs = undefined;
    const done = post('/frames', body)
      .catch((e: unknown) => {
        this.failed = String(e);
      })
      .finally(() => (this.inFlight = undefined));
    this.inFlight = { done, sentMs: performance.now() };
  }

  async close(): Promise<void> {
    window.clearInterval(this.timer);
    await this.flush();
  }

  /** For a stop that does not end: the post on its way and the frames waiting. */
  state(): string {
    const now = performance.now();
    const post = this.inFlight
      ? `a post on its way for ${Math.round(now - this.inFlight.sentMs)} ms`
      : 'no post on its way';
    const waiting =
      this.oldestMs === undefined
        ? 'no frame waiting'
        : `${this.metas.length} frames waiting, the oldest for ${Math.round(now - this.oldestMs)} ms`;
    return `${post}, ${waiting}`;
  }
}

/** The capture's token, put into the page by simq's server: every POST must carry it. */
const CAPTURE_TOKEN = document.querySelector('meta[name="simq-token"]')?.getAttribute('content') ?? '';

export async function post(path: string, body: BodyInit): Promise<void> {
  const res = await fetch(path, { method: 'POST', body, headers: { 'x-simq-token': CAPTURE_TOKEN } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
}

export function log(message: string): void {
  void post('/log', message).catch(() => undefined);
}
