// A viewer behind a shaped downlink (docs/design-sfu-links.md "A viewer's downlink"): the viewer's
// own Chromium runs in a namespace of its own (bin/simq-netns-exec), and what Janus sends it leaves
// the root namespace through the root-side veth, whose egress is shaped (htb, UDP only); random loss
// is an nft rule on the namespace-side veth's ingress (the receiving end: dropping on the sender's
// side would return EPERM to Janus's socket, ../shared/docs/sfu-and-links.md).
//
// Janus stays in the root namespace, its ICE on the machine's interface (janusConfig.ts
// iceInterface): that address is local to the root namespace, so the viewer reaches it through its
// default route (the root-side veth address), and Janus's packets to the viewer's 10.213.x.2 go out
// of the root-side veth, the shaped queue. No forwarding, no NAT. The viewer's page is served by a
// harness server on the root-side veth address (TCP: the unshaped class).
import { HarnessServer } from '../capture/HarnessServer.js';
import { LinkSchedule, type AppliedStep, type LinkSample } from './LinkSchedule.js';
import { LinkShaper, type ShapedLink } from './LinkShaper.js';
import type { LinkSpec } from './LinkTypes.js';
import { isMoving } from './LinkTypes.js';
import type { BrowserLaunch, NetHost, NetSandbox } from './NetSandbox.js';
import { probeNetCapability } from './netCapability.js';
import type { LinkRunRecord } from './ShapedUplink.js';

export class ShapedViewer {
  readonly server = new HarnessServer();
  serverUrl = '';
  private schedule?: LinkSchedule;

  private constructor(
    readonly viewer: string,
    readonly spec: LinkSpec,
    readonly host: NetHost,
    readonly link: ShapedLink,
  ) {}

  /** The viewer's namespace, its shaped downlink and the page server it reaches. Closing the sandbox removes them. */
  static async open(sandbox: NetSandbox, viewer: string, spec: LinkSpec): Promise<ShapedViewer> {
    const host = await sandbox.addHost(`viewer ${viewer}`);
    const link = await new LinkShaper(sandbox).shape(host, 'downlink', spec);
    const v = new ShapedViewer(viewer, spec, host, link);
    v.serverUrl = await v.server.listen(host.rootAddress);
    return v;
  }

  /**
   * The viewer's browser never calls getUserMedia, so Chromium would hide its host candidates behind
   * mDNS names (WebRtcHideLocalIpsWithMdns; a page with camera access, like the sender's and the
   * unshaped viewers' page next to it, gets plain addresses), and Janus ignores mDNS candidates
   * (janusConfig.ts ignore_mdns): tried once, the viewer then received nothing. Plain addresses it is.
   */
  launch(browserPath: string): BrowserLaunch & { secureOrigin: string } {
    const launch = this.host.browserLaunch(browserPath);
    return {
      ...launch,
      extraArgs: [...launch.extraArgs, '--disable-features=WebRtcHideLocalIpsWithMdns'],
      secureOrigin: new URL(this.serverUrl).origin,
    };
  }

  /** From the sender's attach time on (the scenario's time base) the trace's steps follow. */
  async start(attachEpochMs: number): Promise<void> {
    this.schedule = new LinkSchedule(this.link, attachEpochMs);
    await this.schedule.start();
  }

  /**
   * The rate set on the shaped class now: what the `table` policy is fed (rateSource "link"). The
   * schedule's own value, i.e. the step that `tc` has applied, not the trace's nominal step.
   */
  get currentKbps(): number {
    return this.schedule?.currentKbps ?? this.spec.steps[0]!.kbps;
  }

  async stop(): Promise<{ samples: LinkSample[]; applied: AppliedStep[] }> {
    if (!this.schedule) return { samples: [], applied: [] };
    const samples = await this.schedule.stop();
    return { samples, applied: this.schedule.applied };
  }

  /** run.json's record of this link; `bytesReceived` is the viewer's inbound-rtp payload bytes. */
  async record(
    applied: AppliedStep[],
    bytesReceived: number,
    timelineCsv: string,
    janusAddress: string | undefined,
  ): Promise<LinkRunRecord> {
    const cap = await probeNetCapability();
    const c = await this.link.counters();
    return {
      role: 'downlink',
      viewer: this.viewer,
      spec: this.spec.text,
      rate: this.spec.rate,
      steps: this.spec.steps,
      repeat: this.spec.repeat,
      queue: this.spec.queue,
      lossPercent: this.spec.lossPercent,
      moving: isMoving(this.spec),
      mode: 'sfu-viewer',
      namespace: this.host.nsName,
      ...(janusAddress ? { sendAddress: janusAddress } : {}),
      receiveAddress: this.host.nsAddress,
      qdisc: this.link.record,
      applied,
      tools: { ...cap.tools, kernel: cap.kernel, netem: cap.netem },
      crossing: {
        qdiscBytes: c.sentBytes,
        qdiscPackets: c.sentPackets,
        rtpBytesSent: bytesReceived,
        ratio: bytesReceived > 0 ? Math.round((c.sentBytes / bytesReceived) * 1000) / 1000 : 0,
      },
      timelineCsv,
    };
  }

  async close(): Promise<void> {
    await this.schedule?.stop().catch(() => undefined);
    await this.server.close();
  }
}
