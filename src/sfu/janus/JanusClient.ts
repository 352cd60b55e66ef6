// A small client of Janus's HTTP API (long-poll; the protocol of janus.js without the library):
// create a session, attach the VideoRoom plugin, send messages and wait for their answer (sync
// "success" or an "ack" followed by an event with the same transaction), keep the session alive and
// hand every other event to a listener. Protocol: Janus docs "rest.html" (RESTful, HTTP/JSON API),
// transports/janus_http.c (GET on the session = long poll, maxev = events per answer).
import { randomBytes } from 'node:crypto';

export interface JanusJsep {
  type: 'offer' | 'answer';
  sdp: string;
  /** janus_videoroom.c reads the publisher's rid order from here ("lmh" = lowest first). */
  rid_order?: string;
}

/** A plugin's answer: its data and, for publish/subscribe, the JSEP. */
export interface PluginReply {
  data: Record<string, unknown>;
  jsep?: JanusJsep;
}

export interface JanusEvent {
  janus: string;
  sender?: number;
  transaction?: string;
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: JanusJsep;
  [key: string]: unknown;
}

const KEEPALIVE_MS = 25_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** Janus answers an empty long poll after 30 s (janus_http.c): wait a little longer. */
const POLL_TIMEOUT_MS = 40_000;

export class JanusApiError extends Error {}

export class JanusClient {
  private session: number | undefined;
  private waiting = new Map<string, { resolve: (e: JanusEvent) => void; reject: (e: Error) => void }>();
  private keepalive: NodeJS.Timeout | undefined;
  private polling = new AbortController();
  private closed = false;

  constructor(
    private readonly baseUrl: string,
    private readonly onEvent: (e: JanusEvent) => void,
  ) {}

  /** GET /janus/info: the server's description (version_string, plugins, transports). */
  static async info(baseUrl: string, timeoutMs = 2000): Promise<Record<string, unknown>> {
    const res = await fetch(`${baseUrl}/info`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new JanusApiError(`GET ${baseUrl}/info: HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  }

  async createSession(): Promise<void> {
    const reply = await this.post('', { janus: 'create' });
    this.session = (reply.data as { id: number }).id;
    this.keepalive = setInterval(
      () => void this.post(`/${this.session}`, { janus: 'keepalive' }).catch(() => undefined),
      KEEPALIVE_MS,
    );
    void this.pollLoop();
  }

  /** Attaches the VideoRoom plugin; returns the handle id. */
  async attachVideoRoom(): Promise<number> {
    const reply = await this.post(`/${this.session}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' });
    return (reply.data as { id: number }).id;
  }

  /**
   * Sends a plugin message. A synchronous request (create, exists) is answered in the POST; an
   * asynchronous one (join, publish, configure, start) gets "ack" and its answer arrives as an event
   * carrying the same transaction.
   */
  async message(handle: number, body: Record<string, unknown>, jsep?: JanusJsep): Promise<PluginReply> {
    const transaction = randomBytes(8).toString('hex');
    const answer = new Promise<JanusEvent>((resolve, reject) => this.waiting.set(transaction, { resolve, reject }));
    answer.catch(() => undefined);
    const reply = await this.post(
      `/${this.session}/${handle}`,
      { janus: 'message', body, ...(jsep ? { jsep } : {}) },
      transaction,
    );
    const event =
      reply.janus === 'ack'
        ? await withTimeout(answer, REQUEST_TIMEOUT_MS, `${String(body.request)}: no answer from Janus`)
        : reply;
    this.waiting.delete(transaction);
    const data = event.plugindata?.data ?? {};
    if (typeof data.error === 'string')
      throw new JanusApiError(`${String(body.request)}: ${data.error} (error_code ${String(data.error_code)})`);
    return { data, jsep: event.jsep };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepalive);
    this.polling.abort();
    for (const w of this.waiting.values()) w.reject(new JanusApiError('Janus session closed'));
    this.waiting.clear();
    if (this.session !== undefined) await this.post(`/${this.session}`, { janus: 'destroy' }).catch(() => undefined);
  }

  private async post(
    pathPart: string,
    body: Record<string, unknown>,
    transaction = randomBytes(8).toString('hex'),
  ): Promise<JanusEvent> {
    const res = await fetch(`${this.baseUrl}${pathPart}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, transaction }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!res.ok) throw new JanusApiError(`POST ${pathPart || '/'} (${String(body.janus)}): HTTP ${res.status}`);
    const reply = (await res.json()) as JanusEvent;
    if (reply.janus === 'error') throw new JanusApiError(`${String(body.janus)}: ${JSON.stringify(reply.error)}`);
    return reply;
  }

  private async pollLoop(): Promise<void> {
    while (!this.closed) {
      try {
        const signal = AbortSignal.any([this.polling.signal, AbortSignal.timeout(POLL_TIMEOUT_MS)]);
        const res = await fetch(`${this.baseUrl}/${this.session}?maxev=10&rid=${Date.now()}`, { signal });
        const events = (await res.json()) as JanusEvent | JanusEvent[];
        for (const e of Array.isArray(events) ? events : [events]) this.dispatch(e);
      } catch {
        if (this.closed) return;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private dispatch(e: JanusEvent): void {
    if (e.janus === 'keepalive') return;
    const w = e.transaction ? this.waiting.get(e.transaction) : undefined;
    if (w && e.janus !== 'ack') {
      w.resolve(e);
      return;
    }
    this.onEvent(e);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new JanusApiError(`${what} within ${ms / 1000} s`)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(t));
  });
}
