// The loopback page's server: 127.0.0.1 on a random port, serving only the page's own files and
// receiving what the page sends (encoded frames, stats samples, log lines) while a capture runs.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ExitCode, SimqError } from '../errors.js';
import { pageDir } from '../paths.js';
import type { PageFrameMeta, PageStatsSample } from './page/protocol.js';

const PAGE_FILES = ['harness.js', 'sdpMunging.js', 'protocol.js'] as const;

const INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>simq loopback</title></head>
<body><script type="module" src="/harness.js"></script></body></html>
`;

export interface FrameBatch {
  batch: number;
  frames: { meta: PageFrameMeta; data: Buffer }[];
}

/** Where a running capture wants the page's messages to go. */
export interface HarnessSink {
  onFrames(batch: FrameBatch): void;
  onStats(sample: PageStatsSample): void;
  onLog(line: string): void;
}

/** Splits a POST /frames body: u32 header length, JSON header {batch, frames[]}, then the payloads in order. */
export function parseFrameBatch(body: Buffer): FrameBatch {
  const headerLength = body.readUInt32BE(0);
  const header = JSON.parse(body.subarray(4, 4 + headerLength).toString('utf8')) as { batch: number; frames: PageFrameMeta[] };
  let offset = 4 + headerLength;
  const frames = header.frames.map((meta) => {
    const data = body.subarray(offset, offset + meta.bytes);
    if (data.length !== meta.bytes) throw new Error(`frame batch ${header.batch} is truncated`);
    offset += meta.bytes;
    return { meta, data };
  });
  return { batch: header.batch, frames };
}

export class HarnessServer {
  private server: http.Server;
  private sink: HarnessSink | undefined;
  private files = new Map<string, Buffer>();
  /** The first error a handler threw; the capture checks it and fails the scenario. */
  sinkError: Error | undefined;

  constructor() {
    const dir = pageDir();
    for (const f of PAGE_FILES) {
      const file = path.join(dir, f);
      if (!existsSync(file)) throw new SimqError(`the loopback page is not built (${file} missing)`, ExitCode.internal, 'npm run build');
      this.files.set(`/${f}`, readFileSync(file));
    }
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/`;
  }

  setSink(sink: HarnessSink | undefined): void {
    this.sink = sink;
    this.sinkError = undefined;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET') {
      if (url === '/') return this.send(res, 200, 'text/html; charset=utf-8', INDEX_HTML);
      const file = this.files.get(url);
      if (file) return this.send(res, 200, 'text/javascript; charset=utf-8', file);
      return this.send(res, 404, 'text/plain', 'not found');
    }
    if (req.method !== 'POST' || !['/frames', '/stats', '/log'].includes(url)) return this.send(res, 404, 'text/plain', 'not found');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      try {
        const sink = this.sink;
        if (sink) {
          if (url === '/frames') sink.onFrames(parseFrameBatch(body));
          else if (url === '/stats') sink.onStats(JSON.parse(body.toString('utf8')) as PageStatsSample);
          else sink.onLog(body.toString('utf8'));
        }
        this.send(res, 200, 'text/plain', 'ok');
      } catch (e) {
        this.sinkError ??= e as Error;
        this.send(res, 500, 'text/plain', String(e));
      }
    });
  }

  private send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  }
}
