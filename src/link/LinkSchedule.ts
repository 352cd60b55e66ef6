// Moves a shaped link through its trace (one `tc class change` per step, at the step's time) and
// samples the qdisc and nft counters every second into the link timeline. Times are ms since
// `epochMs` (the scenario's time base: the sender's track attach, docs/design-sfu-links.md).
import type { LinkCounters, ShapedLink } from './LinkShaper.js';
import { rateAt } from './LinkTypes.js';

export interface LinkSample {
  /** The interval this sample covers: from the previous sample (or the start) to t_ms. */
  from_ms: number;
  t_ms: number;
  /** The rate set on the class when the interval ended (a step inside the interval: the new rate). */
  rate_kbps: number;
  /** What the shaped class let out in the interval (qdisc counters), kbit/s. */
  delivered_kbps: number;
  sent_bytes: number;
  sent_packets: number;
  drops: number;
  backlog_bytes: number;
  backlog_packets: number;
  loss_seen: number;
  loss_drops: number;
}

export interface AppliedStep {
  t_ms: number;
  kbps: number;
  /** How long `tc class change` took (2-10 ms measured). */
  took_ms: number;
}

export class LinkSchedule {
  readonly samples: LinkSample[] = [];
  readonly applied: AppliedStep[] = [];
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private last?: { t: number; c: LinkCounters };
  /** The rate on the class now: the first step, then each step once `tc` applied it. */
  currentKbps: number;
  private failure?: Error;
  private pending = new Set<Promise<unknown>>();

  constructor(
    readonly link: ShapedLink,
    readonly epochMs: number,
    private readonly sampleMs = 1000,
    private readonly now: () => number = Date.now,
  ) {
    this.currentKbps = link.spec.steps[0]!.kbps;
  }

  /** The shaper set the first step already; the rest follow at their times, then samples every second. */
  async start(): Promise<void> {
    const before = this.now();
    const c = await this.link.counters();
    this.last = { t: Math.round((before + this.now()) / 2) - this.epochMs, c };
    this.scheduleNextStep(this.now() - this.epochMs);
    // A schedule started after its epoch (a viewer's link starts once the viewers subscribed, seconds
    // after the sender's attach) samples from the next whole second on, not every missed second at once.
    this.scheduleSample(Math.max(1, Math.floor((this.now() - this.epochMs) / this.sampleMs) + 1));
  }

  private nextChange(afterMs: number): number | undefined {
    const { steps, repeat, periodMs } = this.link.spec;
    if (steps.length < 2) return undefined;
    const pass = repeat && periodMs > 0 ? Math.floor(afterMs / periodMs) : 0;
    for (let p = pass; p <= pass + 1; p++) {
      for (const s of steps) {
        const t = p * (repeat ? periodMs : 0) + s.atMs;
        if (t > afterMs && (p === 0 || repeat)) return t;
      }
      if (!repeat) break;
    }
    return undefined;
  }

  private scheduleNextStep(fromMs: number): void {
    const t = this.nextChange(fromMs);
    if (t === undefined || this.stopped) return;
    const timer = setTimeout(
      () => {
        const kbps = rateAt(this.link.spec, t);
        const began = this.now();
        this.track(
          this.link.setRate(kbps).then(() => {
            this.currentKbps = kbps;
            this.applied.push({ t_ms: t, kbps, took_ms: this.now() - began });
          }),
        );
        this.scheduleNextStep(t);
      },
      Math.max(0, this.epochMs + t - this.now()),
    );
    this.timers.push(timer);
  }

  private scheduleSample(k: number): void {
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.track(this.sample());
        this.scheduleSample(k + 1);
      },
      Math.max(0, this.epochMs + k * this.sampleMs - this.now()),
    );
    this.timers.push(timer);
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((e: unknown) => {
      this.failure ??= e as Error;
    });
    this.pending.add(q);
    void q.finally(() => this.pending.delete(q));
  }

  private async sample(): Promise<void> {
    // tc reads the counters somewhere between spawn and exit (tens of ms on a busy machine): the
    // midpoint halves that error in each second's rate.
    const before = this.now();
    const c = await this.link.counters();
    const rate = this.currentKbps;
    const t = Math.round((before + this.now()) / 2) - this.epochMs;
    const prev = this.last!;
    const dt = Math.max(1, t - prev.t);
    this.samples.push({
      from_ms: prev.t,
      t_ms: t,
      rate_kbps: rate,
      delivered_kbps: Math.round((((c.sentBytes - prev.c.sentBytes) * 8) / dt) * 10) / 10,
      sent_bytes: c.sentBytes,
      sent_packets: c.sentPackets,
      drops: c.drops,
      backlog_bytes: c.backlogBytes,
      backlog_packets: c.backlogPackets,
      loss_seen: c.lossSeen,
      loss_drops: c.lossDrops,
    });
    this.last = { t, c };
  }

  /** Stops the steps and samples; rethrows the first tc failure (a link that did not move as asked). */
  async stop(): Promise<LinkSample[]> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await Promise.all([...this.pending]);
    if (this.failure) throw this.failure;
    return this.samples;
  }
}
