// A loopback capture behind a shaped uplink (docs/design-sfu-links.md "Loopback mode"): the sender's
// browser runs in a namespace; pc1 sends from the namespace's veth address to a second address of
// the same namespace (pc2's), so media crosses that namespace's lo, where UDP to pc2's address is
// shaped and (with loss=) dropped on ingress; RTCP feedback back to pc1 is not shaped, as on a real
// uplink. The harness page is served on the root-side veth address (TCP, never shaped).
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
  /** loopback: the sender's namespace, pc2 on its second address; sfu-viewer: a viewer's namespace, Janus in the root one. */
  mode: 'loopback' | 'sfu-viewer';
  namespace: string;
  /** loopback: pc1's address; sfu-viewer: Janus's ICE address (root namespace). */
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
    readonly receiveAddress: string,
    readonly link: ShapedLink,
  ) {}

  static async open(spec: LinkSpec, label: string): Promise<ShapedUplink> {
    requireLinkSupport(await probeNetCapability(), [{ spec, where: `${label}: uplink` }]);
    const sandbox = await NetSandbox.open(label);
    try {
      const host = await sandbox.addHost('sender');
      const receiveAddress = await host.addNsAddress();
      const link = await new LinkShaper(sandbox).shape(host, 'uplink', spec, { loopbackReceiveAddress: receiveAddress });
      const up = new ShapedUplink(spec, sandbox, host, receiveAddress, link);
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

  get candidates(): { send: string; receive: string } {
    return { send: this.host.nsAddress, receive: this.receiveAddress };
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
      mode: 'loopback',
      namespace: this.host.nsName,
      sendAddress: this.host.nsAddress,
      receiveAddress: this.receiveAddress,
      qdisc: this.link.record,
      applied,
      tools: { ...cap.tools, kernel: cap.kernel, netem: cap.netem },
      crossing: { qdiscBytes: c.sentBytes, qdiscPackets: c.sentPackets, rtpBytesSent, ratio: rtpBytesSent > 0 ? Math.round((c.sentBytes / rtpBytesSent) * 1000) / 1000 : 0 },
      timelineCsv,
    };
  }

  async close(): Promise<void> {
    await this.schedule?.stop().catch(() => undefined);
    await this.server.close();
    await this.sandbox.close();
  }
}
