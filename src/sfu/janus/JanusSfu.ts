// Janus VideoRoom as simq's SFU: its own process (JanusProcess.ts), one room per scenario with no
// bitrate cap, the page's publisher offer in and Janus's answer out, one subscriber handle per viewer
// and `configure { mid, substream, temporal }` to pick a viewer's layer. Requests and events:
// plugins/janus_videoroom.c (its header documents each request).
import { randomInt } from 'node:crypto';
import { SimqError, ExitCode } from '../../errors.js';
import type {
  LayerRequest,
  PublishRequest,
  Sfu,
  SfuEvent,
  SfuRecord,
  SfuRoomSettings,
  Subscription,
} from '../SfuTypes.js';
import { janusSvcConfigure } from '../../recommend/exports/janusSvc.js';
import { JanusApiError, JanusClient, type JanusEvent } from './JanusClient.js';
import { JanusProcess } from './JanusProcess.js';
import { iceInterface } from './janusConfig.js';
import type { JanusLocation } from './locateJanus.js';

export interface JanusSfuOptions {
  janus: JanusLocation;
  /** The room's codec (VideoRoom `videocodec`): vp8, vp9, h264, av1. */
  codec: string;
  /** Subscriber `fallback` (us without packets before dropping a substream); Janus's 250000 when absent. */
  fallbackUs?: number;
  /** The publish is VP9 SVC: create the room with video_svc (janus_videoroom.c: VP9 rooms only). */
  svc?: boolean;
  /**
   * Shaped viewers' root-side veths (src/link/ShapedViewer.ts), gathered on besides the machine's
   * interface: a candidate on the viewer's own veth is the only one whose answers reach it.
   */
  extraIceInterfaces?: string[];
}

/** How long a subscriber waits for the publisher's PeerConnection to come up. */
const SUBSCRIBE_WAIT_MS = 15_000;

interface ViewerHandle {
  handle: number;
  mid: string;
}

export class JanusSfu implements Sfu {
  readonly kind = 'janus' as const;
  readonly room: SfuRoomSettings;
  private process: JanusProcess | undefined;
  private client: JanusClient | undefined;
  private publisher: { handle: number; id: number } | undefined;
  private viewers = new Map<string, ViewerHandle>();
  private events: SfuEvent[] = [];

  constructor(private readonly options: JanusSfuOptions) {
    this.room = {
      room: randomInt(1_000_000, 2 ** 31),
      bitrate: 0,
      videocodec: options.codec,
      publishers: 1,
      fallbackUs: options.fallbackUs,
      ...(options.svc ? { videoSvc: true } : {}),
    };
  }

  async start(signal: AbortSignal): Promise<void> {
    const extra = this.options.extraIceInterfaces ?? [];
    this.process = await JanusProcess.start({
      binary: this.options.janus.path,
      signal,
      ...(extra.length ? { iceInterface: [iceInterface(), ...extra].join(',') } : {}),
    });
    this.client = new JanusClient(this.process.baseUrl, (e) => this.onEvent(e));
    await this.client.createSession();
    const handle = await this.client.attachVideoRoom();
    // bitrate 0: no REMB cap on the publisher (the demo room's 128 kbps would starve the layers);
    // no audio: the page sends video only.
    await this.client.message(handle, {
      request: 'create',
      room: this.room.room,
      publishers: this.room.publishers,
      bitrate: this.room.bitrate,
      videocodec: this.room.videocodec,
      audiocodec: 'opus',
      is_private: true,
      permanent: false,
      // Without video_svc Janus relays every VP9 SVC packet to every subscriber and ignores
      // spatial_layer / temporal_layer (janus_videoroom.c do_svc).
      ...(this.room.videoSvc ? { video_svc: true } : {}),
    });
    const joined = await this.client.message(handle, {
      request: 'join',
      ptype: 'publisher',
      room: this.room.room,
      display: 'simq-sender',
    });
    this.publisher = { handle, id: joined.data.id as number };
  }

  async publish({ offerSdp, ridOrder }: PublishRequest): Promise<string> {
    const { client, publisher } = this.ready();
    // rid_order "lmh": the offer lists rids lowest first (janus.c reads jsep.rid_order; without it
    // rtp.c janus_rtp_simulcasting_prepare reverses the list and substream 0 becomes the largest).
    const reply = await client.message(
      publisher.handle,
      { request: 'publish' },
      { type: 'offer', sdp: offerSdp, ...(ridOrder ? { rid_order: ridOrder } : {}) },
    );
    if (!reply.jsep || reply.jsep.type !== 'answer')
      throw new SimqError(`Janus publish: no answer SDP (${JSON.stringify(reply.data)})`, ExitCode.incomplete);
    return reply.jsep.sdp;
  }

  async subscribe(viewer: string): Promise<Subscription> {
    const { client, publisher } = this.ready();
    const handle = await client.attachVideoRoom();
    const reply = await this.joinWhenPublished(handle, publisher.id);
    const streams = (reply.data.streams as { mid: string; type: string }[] | undefined) ?? [];
    const video = streams.find((s) => s.type === 'video');
    if (!reply.jsep || !video)
      throw new SimqError(
        `Janus subscribe ${viewer}: no offer or no video stream (${JSON.stringify(reply.data)})`,
        ExitCode.incomplete,
      );
    this.viewers.set(viewer, { handle, mid: video.mid });
    return { viewer, offerSdp: reply.jsep.sdp, mid: video.mid };
  }

  /**
   * Janus refuses a subscriber "No such feed" (error_code 428) until the publisher's PeerConnection is
   * up (janus_videoroom.c, subscriber join: publisher->session->started is set at webrtcup). A viewer
   * page opened first used to take long enough; shaped viewers run in browsers started before the
   * call, so their join came within a second of the publish and was refused once. Tried again for
   * up to SUBSCRIBE_WAIT_MS.
   */
  private async joinWhenPublished(handle: number, feed: number): Promise<Awaited<ReturnType<JanusClient['message']>>> {
    const { client } = this.ready();
    const until = Date.now() + SUBSCRIBE_WAIT_MS;
    for (;;) {
      try {
        return await client.message(handle, {
          request: 'join',
          ptype: 'subscriber',
          room: this.room.room,
          streams: [{ feed }],
        });
      } catch (e) {
        if (!(e instanceof JanusApiError && /error_code 428\)/.test(e.message)) || Date.now() > until) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  async answer(viewer: string, answerSdp: string): Promise<void> {
    const { client } = this.ready();
    await client.message(this.viewer(viewer).handle, { request: 'start' }, { type: 'answer', sdp: answerSdp });
  }

  async selectLayer(viewer: string, layer: LayerRequest): Promise<Record<string, unknown>> {
    const { client } = this.ready();
    const v = this.viewer(viewer);
    // SVC: the Janus export's own configure body (janusSvc.ts) plus the mid.
    const body: Record<string, unknown> = layer.svc
      ? { ...janusSvcConfigure(layer.svc.spatialLayer, layer.svc.temporalLayer), mid: v.mid }
      : { request: 'configure', mid: v.mid, substream: layer.substream, temporal: layer.temporal };
    if (this.room.fallbackUs !== undefined) body.fallback = this.room.fallbackUs;
    await client.message(v.handle, body);
    return body;
  }

  drainEvents(): SfuEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  record(): SfuRecord {
    const p = this.process;
    return {
      kind: 'janus',
      version: p?.version ?? '',
      binary: this.options.janus.path,
      binarySource: this.options.janus.source,
      settings: p
        ? {
            ...p.settings,
            serverName: p.serverName,
            args: ['-F', '<temp folder>', '-o', '-n', p.serverName],
            plugins: ['janus.plugin.videoroom'],
            transports: ['janus.transport.http'],
            stun: 'none',
            turn: 'none',
          }
        : {},
      room: this.room,
    };
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
    const p = this.process;
    this.process = undefined;
    await p?.stop();
  }

  private ready(): { client: JanusClient; publisher: { handle: number; id: number } } {
    if (!this.client || !this.publisher) throw new SimqError('Janus is not started', ExitCode.internal);
    return { client: this.client, publisher: this.publisher };
  }

  private viewer(name: string): ViewerHandle {
    const v = this.viewers.get(name);
    if (!v) throw new SimqError(`viewer ${name} has no Janus subscription`, ExitCode.internal);
    return v;
  }

  /** Keeps what concerns layers and links: substream/temporal (and SVC spatial_layer/temporal_layer) changes, slowlink, media and hangup. */
  private onEvent(e: JanusEvent): void {
    const viewer = [...this.viewers].find(([, v]) => v.handle === e.sender)?.[0];
    const data = e.plugindata?.data ?? {};
    const push = (kind: string, detail: unknown) =>
      this.events.push({
        epochMs: Date.now(),
        viewer,
        kind,
        detail: typeof detail === 'string' ? detail : JSON.stringify(detail),
      });
    if (data.substream !== undefined) push('substream', String(data.substream));
    if (data.temporal !== undefined) push('temporal', String(data.temporal));
    // VP9 SVC subscribers: Janus reports the layers it now forwards (janus_videoroom.c, "spatial_layer" / "temporal_layer").
    if (data.spatial_layer !== undefined) push('spatial_layer', String(data.spatial_layer));
    if (data.temporal_layer !== undefined) push('temporal_layer', String(data.temporal_layer));
    if (e.janus === 'slowlink') push('slowlink', { uplink: e.uplink, lost: e.lost, mid: e.mid });
    if (e.janus === 'webrtcup' || e.janus === 'hangup') push(e.janus, e.reason ?? '');
    if (e.janus === 'media') push('media', { type: e.type, receiving: e.receiving, mid: e.mid });
  }
}
