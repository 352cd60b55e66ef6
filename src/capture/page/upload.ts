// The page's uploads to simq's harness server: frames in batches (u32 header length, JSON header,
// payloads), stats samples and log lines, each POST carrying the capture's token. Shared by the
// sender (harness.ts) and the viewers (viewer.ts).
import type { PageFrameMeta } from './protocol.js';

const FLUSH_INTERVAL_MS = 100;
const FLUSH_BYTES = 512 * 1024;

export class Uploader {
  private metas: PageFrameMeta[] = [];
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private batch = 0;
  private chain: Promise<void> = Promise.resolve();
  private timer: number;
  failed: string | undefined;

  constructor() {
    this.timer = window.setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  add(meta: PageFrameMeta, data: Uint8Array): void {
    this.metas.push(meta);
    this.chunks.push(data);
    this.bytes += data.byteLength;
    if (this.bytes >= FLUSH_BYTES) this.flush();
  }

  flush(): Promise<void> {
    if (this.metas.length === 0) return this.chain;
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
    this.chain = this.chain
      .then(() => post('/frames', body))
      .catch((e: unknown) => {
        this.failed = String(e);
      });
    return this.chain;
  }

  async close(): Promise<void> {
    window.clearInterval(this.timer);
    await this.flush();
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
