// The loopback page's server: 127.0.0.1 on a random port, serving only the page's own files and
// receiving what the page sends (encoded frames, stats samples, log lines) while a capture runs.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ExitCode, SimqError } from '../errors.js';
import { pageDir } from '../paths.js';
import type { PageFrameMeta, PageStatsSample, PageViewerStats } from './page/protocol.js';

const PAGE_FILES = [
  'harness.js',
  'sdpMunging.js',
  'protocol.js',
  'tapWorker.js',
  'upload.js',
  'viewer.js',
  'ice.js',
] as const;

/** The page carries the capture's token; other origins cannot read it (no CORS headers are sent). */
function indexHtml(token: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="simq-token" content="${token}"><title>simq loopback</title></head>
<body><script type="module" src="/harness.js"></script></body></html>
`;
}

export const FEED_PATH = '/feed';

export interface FrameBatch {
  batch: number;
  frames: { meta: PageFrameMeta; data: Buffer }[];
}

/** Where a running capture wants the page's messages to go. */
export interface HarnessSink {
  onFrames(batch: FrameBatch): void;
  onStats(sample: PageStatsSample): void;
  onLog(line: string): void;
  /** A viewer's inbound-rtp sample (SFU mode). */
  onViewerStats?(sample: PageViewerStats): void;
}

/** Splits a POST /frames body: u32 header length, JSON header {batch, frames[]}, then the payloads in order. */
export function parseFrameBatch(body: Buffer): FrameBatch {
  const headerLength = body.readUInt32BE(0);
  const header = JSON.parse(body.subarray(4, 4 + headerLength).toString('utf8')) as {
    batch: number;
    frames: PageFrameMeta[];
  };
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
  private port = 0;
  /** New for every capture (setSink): a page of an earlier capture, or any other page, cannot post. */
  private token = randomBytes(16).toString('hex');
  /** The clip the page plays as its camera (Firefox), served at /feed with byte ranges so it can loop. */
  private feed: { data: Buffer; type: string } | undefined;
  /** The first error a handler threw; the capture checks it and fails the scenario. */
  sinkError: Error | undefined;

  constructor() {
    const dir = pageDir();
    for (const f of PAGE_FILES) {
      const file = path.join(dir, f);
      if (!existsSync(file))
        throw new SimqError(`the loopback page is not built (${file} missing)`, ExitCode.internal, 'npm run build');
      this.files.set(`/${f}`, readFileSync(file));
    }
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  private host = '127.0.0.1';

  /** On 127.0.0.1, or on the root-side address a namespaced browser reaches (shaped uplink). */
  async listen(host = '127.0.0.1'): Promise<string> {
    this.host = host;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return `http://${host}:${this.port}/`;
  }

  /** Serves `file` at FEED_PATH (a WebM or MP4 the page's <video> plays); undefined stops serving it. */
  setFeed(file: string | undefined): void {
    this.feed =
      file === undefined
        ? undefined
        : { data: readFileSync(file), type: file.endsWith('.mp4') ? 'video/mp4' : 'video/webm' };
  }

  setSink(sink: HarnessSink | undefined): void {
    this.sink = sink;
    this.token = randomBytes(16).toString('hex');
    this.sinkError = undefined;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Only the page simq opened may talk to this server: the Host must be the loopback address and
   * port (a DNS-rebound name is refused), an Origin, when sent, must be this server's, and a POST
   * must carry the capture's token.
   */
  requestAllowed(req: http.IncomingMessage, method: string): boolean {
    const self = `${this.host}:${this.port}`;
    if (req.headers.host !== self) return false;
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${self}`) return false;
    if (method === 'POST') {
      const token = req.headers['x-simq-token'];
      const expected = Buffer.from(this.token);
      if (
        typeof token !== 'string' ||
        token.length !== this.token.length ||
        !timingSafeEqual(Buffer.from(token), expected)
      )
        return false;
    }
    return true;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = (req.url ?? '/').split('?')[0];
    if (!this.requestAllowed(req, req.method ?? '')) {
      req.resume();
      return this.send(res, 403, 'text/plain', 'forbidden');
    }
    if (req.method === 'GET') {
      if (url === '/') return this.send(res, 200, 'text/html; charset=utf-8', indexHtml(this.token));
      if (url === FEED_PATH && this.feed) return this.sendFeed(req, res, this.feed);
      const file = this.files.get(url);
      if (file) return this.send(res, 200, 'text/javascript; charset=utf-8', file);
      return this.send(res, 404, 'text/plain', 'not found');
    }
    if (req.method !== 'POST' || !['/frames', '/stats', '/vstats', '/log'].includes(url))
      return this.send(res, 404, 'text/plain', 'not found');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      try {
        const sink = this.sink;
        if (sink) {
          if (url === '/frames') sink.onFrames(parseFrameBatch(body));
          else if (url === '/stats') sink.onStats(JSON.parse(body.toString('utf8')) as PageStatsSample);
          else if (url === '/vstats') sink.onViewerStats?.(JSON.parse(body.toString('utf8')) as PageViewerStats);
          else sink.onLog(body.toString('utf8'));
        }
        this.send(res, 200, 'text/plain', 'ok');
      } catch (e) {
        this.sinkError ??= e as Error;
        this.send(res, 500, 'text/plain', String(e));
      }
    });
  }

  /** One byte range (RFC 9110 section 14) or the whole file: a media element seeks and loops by ranges. */
  private sendFeed(req: http.IncomingMessage, res: http.ServerResponse, feed: { data: Buffer; type: string }): void {
    const total = feed.data.length;
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (!m) {
      res.writeHead(200, {
        'content-type': feed.type,
        'content-length': total,
        'accept-ranges': 'bytes',
        'cache-control': 'no-store',
      });
      return void res.end(feed.data);
    }
    const start = m[1] === '' ? Math.max(0, total - Number(m[2])) : Number(m[1]);
    const end = m[1] !== '' && m[2] !== '' ? Math.min(Number(m[2]), total - 1) : total - 1;
    if (start > end || start >= total) {
      res.writeHead(416, { 'content-range': `bytes */${total}` });
      return void res.end();
    }
    res.writeHead(206, {
      'content-type': feed.type,
      'content-length': end - start + 1,
      'content-range': `bytes ${start}-${end}/${total}`,
      'accept-ranges': 'bytes',
      'cache-control': 'no-store',
    });
    res.end(feed.data.subarray(start, end + 1));
  }

  private send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  }
}
