// A capture behind a shaped uplink (docs/design-sfu-links.md "Loopback mode", "SFU mode"): the
// sender's browser runs in a namespace.
// - Loopback: pc1 sends from the namespace's veth address to a second address of the same namespace
//   (pc2's), so media crosses that namespace's lo, where UDP to pc2's address is shaped and (with
//   loss=) dropped on ingress; RTCP feedback back to pc1 is not shaped, as on a real uplink.
// - SFU (Janus in the root namespace, its ICE also on the sender's root-side veth, as for shaped
//   viewers, ShapedViewer.ts): what the sender sends leaves the namespace through its veth, whose
//   egress is shaped (UDP only); loss is an nft rule on the root-side veth's ingress (the receiving
//   end); what Janus sends back (RTCP, and media to viewers on the sender's page) is not shaped.
// The harness page is served on the root-side veth address (TCP, never shaped).
import { HarnessServer } from '../capture/HarnessServer.js';
import { LinkSchedule, type AppliedStep, type LinkSample } from './LinkSchedule.js';
import { LinkShaper, type ShapedLink, type ShapedLinkRecord } from './LinkShaper.js';
import type { LinkSpec } from './LinkTypes.js';
import { isMoving } from './LinkTypes.js';
import { NetSandbox, type BrowserLaunch, type NetHost } from './NetSandbox.js';
import { probeNetCapability, requireLinkSupport, type NetTool } from './netCapability.js';

/** What run.json records of one link of a scenario. */
export interface LinkRunRecord {
  /** uplink: the sender's; downlink: a viewer's (Janus -> viewer, src/link/ShapedViewer.ts). */
  role: 'uplink' | 'downlink';
  /** downlink: the viewer's name. */
  viewer?: string;
  spec: string;
  rate: LinkSpec['rate'];
  steps: LinkSpec['steps'];
  repeat: boolean;
  queue: LinkSpec['queue'];
  lossPercent: number;
  /** True when the rate moves: the scenario has no steady state and is measured over time. */
  moving: boolean;
  /** loopback: the sender's namespace, pc2 on its second address; sfu-sender / sfu-viewer: the sender's / a viewer's namespace, Janus in the root one. */
  mode: 'loopback' | 'sfu-sender' | 'sfu-viewer';
  namespace: string;
  /** loopback, sfu-sender: the sender's address; sfu-viewer: Janus's ICE address (root namespace). */
  sendAddress?: string;
  receiveAddress: string;
  qdisc: ShapedLinkRecord;
  applied: AppliedStep[];
  tools: { ip?: NetTool; tc?: NetTool; nft?: NetTool; kernel: string; netem?: boolean };
  /**
   * Bytes the shaped class let out against the layers' outbound-rtp bytesSent (uplink) or the
   * viewer's inbound-rtp bytesReceived (downlink), payload only: media really crossed it.
   */
  crossing?: { qdiscBytes: number; qdiscPackets: number; rtpBytesSent: number; ratio: number };
  /** The link timeline file in the scenario directory. */
  timelineCsv: string;
}

export class ShapedUplink {
  readonly server = new HarnessServer();
  serverUrl = '';
  private schedule?: LinkSchedule;

  private constructor(
    readonly spec: LinkSpec,
    readonly sandbox: NetSandbox,
    readonly host: NetHost,
    readonly mode: 'loopback' | 'sfu-sender',
    /** loopback: pc2's address in the namespace; sfu-sender: the root-side veth's (where the shaped link ends). */
    readonly receiveAddress: string,
    readonly link: ShapedLink,
  ) {}

  static async open(
    spec: LinkSpec,
    label: string,
    mode: 'loopback' | 'sfu-sender' = 'loopback',
  ): Promise<ShapedUplink> {
    requireLinkSupport(await probeNetCapability(), [{ spec, where: `${label}: uplink` }]);
    const sandbox = await NetSandbox.open(label);
    try {
      const host = await sandbox.addHost('sender');
      const shaper = new LinkShaper(sandbox);
      let receiveAddress: string;
      let link: ShapedLink;
      if (mode === 'loopback') {
        receiveAddress = await host.addNsAddress();
        link = await shaper.shape(host, 'uplink', spec, { loopbackReceiveAddress: receiveAddress });
      } else {
        receiveAddress = host.rootAddress;
        link = await shaper.shape(host, 'uplink', spec);
      }
      const up = new ShapedUplink(spec, sandbox, host, mode, receiveAddress, link);
      up.serverUrl = await up.server.listen(host.rootAddress);
      return up;
    } catch (e) {
      await sandbox.close();
      throw e;
    }
  }

  launch(browserPath: string): BrowserLaunch & { secureOrigin: string } {
    return { ...this.host.browserLaunch(browserPath), secureOrigin: new URL(this.serverUrl).origin };
  }

  /** Loopback only: the addresses pc1 and pc2 keep their candidates to (the SFU answers with its own). */
  get candidates(): { send: string; receive: string } | undefined {
    return this.mode === 'loopback' ? { send: this.host.nsAddress, receive: this.receiveAddress } : undefined;
  }

  /** SFU mode: the root-side veth Janus must gather ICE candidates on (janusConfig.ts ice_enforce_list). */
  get rootInterface(): string {
    return this.host.rootIfname;
  }

  /** From the sender's attach time on (the scenario's time base) the trace's steps follow. */
  async start(attachEpochMs: number): Promise<void> {
    this.schedule = new LinkSchedule(this.link, attachEpochMs);
    await this.schedule.start();
  }

  async stop(): Promise<{ samples: LinkSample[]; applied: AppliedStep[] }> {
    if (!this.schedule) return { samples: [], applied: [] };
    const samples = await this.schedule.stop();
    return { samples, applied: this.schedule.applied };
  }

  async record(applied: AppliedStep[], rtpBytesSent: number, timelineCsv: string): Promise<LinkRunRecord> {
    const cap = await probeNetCapability();
    const c = await this.link.counters();
    return {
      role: 'uplink',
      spec: this.spec.text,
      rate: this.spec.rate,
      steps: this.spec.steps,
      repeat: this.spec.repeat,
      queue: this.spec.queue,
      lossPercent: this.spec.lossPercent,
      moving: isMoving(this.spec),
      mode: this.mode,
      namespace: this.host.nsName,
      sendAddress: this.host.nsAddress,
      receiveAddress: this.receiveAddress,
      qdisc: this.link.record,
      applied,
      tools: { ...cap.tools, kernel: cap.kernel, netem: cap.netem },
      crossing: {
        qdiscBytes: c.sentBytes,
        qdiscPackets: c.sentPackets,
        rtpBytesSent,
        ratio: rtpBytesSent > 0 ? Math.round((c.sentBytes / rtpBytesSent) * 1000) / 1000 : 0,
      },
      timelineCsv,
    };
  }

  async close(): Promise<void> {
    await this.schedule?.stop().catch(() => undefined);
    await this.server.close();
    await this.sandbox.close();
  }
}
