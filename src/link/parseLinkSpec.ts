// LINK = RATE | TRACE, then options: `800k`, `2.5M,queue=32p`, `step-3000-800-3000,loss=2%`,
// `./my.json,delay=50ms,jitter=10ms`. Used by --uplink, "uplink" in scenario/study files and a
// viewer's `@LINK`. Every bad part is an InputError naming that part and what would work.
import { InputError } from '../errors.js';
import { DEFAULT_QUEUE, type LinkQueue, type LinkSpec } from './LinkTypes.js';
import { loadTrace, shippedTraceNames } from './traces.js';

const OPTIONS = ['queue', 'loss', 'delay', 'jitter'] as const;
type OptionName = (typeof OPTIONS)[number];
/** Below this htb cannot keep a 1500-byte packet's pace meaningfully; above, it is not a WebRTC link. */
export const MIN_LINK_KBPS = 8;
export const MAX_LINK_KBPS = 10_000_000;
const HELP =
  'LINK is a rate (800k, 2.5M, 800kbps), a shipped trace, a .json/.csv steps file or a mahimahi trace, then optionally ,queue=100ms|32p ,loss=2% ,delay=50ms ,jitter=10ms';

/** `what` names where the spec came from, e.g. "--uplink" or "scenario.json: uplink". */
export function parseLinkSpec(text: string, what: string): LinkSpec {
  const parts = text.split(',').map((p) => p.trim());
  const head = parts.shift() ?? '';
  if (!head) throw new InputError(`${what} "${text}": no rate or trace before the options`, HELP);
  const given = new Map<OptionName, string>();
  for (const p of parts) {
    const m = /^([a-z]+)=(.+)$/i.exec(p);
    const name = m?.[1]?.toLowerCase() as OptionName | undefined;
    if (!m || !name || !OPTIONS.includes(name))
      throw new InputError(
        `${what} "${text}": option "${p}" is not one of ${OPTIONS.map((o) => `${o}=`).join(', ')}`,
        HELP,
      );
    if (given.has(name)) throw new InputError(`${what} "${text}": ${name}= is given twice`, 'give each option once');
    given.set(name, m[2]!);
  }
  const base = rateOrTrace(head, what);
  const option = (name: OptionName): string | undefined => given.get(name) ?? base.options[name];
  const at = (name: OptionName) => `${what} "${text}": ${name}=${option(name)}`;
  const spec: LinkSpec = {
    text,
    rate: base.rate,
    steps: base.steps,
    repeat: base.repeat,
    periodMs: base.periodMs,
    queue: option('queue') === undefined ? DEFAULT_QUEUE : parseQueue(option('queue')!, at('queue')),
    lossPercent: option('loss') === undefined ? 0 : parseLoss(option('loss')!, at('loss')),
  };
  if (option('delay') !== undefined) spec.delayMs = parseMs(option('delay')!, at('delay'), 10_000);
  if (option('jitter') !== undefined) {
    spec.jitterMs = parseMs(option('jitter')!, at('jitter'), 10_000);
    // netem's jitter is the deviation of its delay (sch_netem.c tabledist(latency, jitter, ...)).
    if (spec.delayMs === undefined)
      throw new InputError(
        `${at('jitter')}: jitter is the deviation of a delay, and no delay= is given`,
        `add a delay, e.g. ${head},delay=50ms,jitter=${option('jitter')}`,
      );
  }
  return spec;
}

function rateOrTrace(head: string, what: string) {
  if (/^\d/.test(head) && !head.includes('/')) {
    const m = /^(\d+(?:\.\d+)?)\s*(k|m|kbps|mbps|kbit|mbit)$/i.exec(head);
    if (m) {
      const unit = m[2]!.toLowerCase();
      const kbps = Number(m[1]) * (unit.startsWith('m') ? 1000 : 1);
      if (kbps < MIN_LINK_KBPS || kbps > MAX_LINK_KBPS)
        throw new InputError(
          `${what} "${head}": a link rate must be from ${MIN_LINK_KBPS}k to ${MAX_LINK_KBPS / 1e6}G`,
          'e.g. 800k or 2.5M',
        );
      return {
        rate: { kind: 'constant' as const },
        steps: [{ atMs: 0, kbps }],
        repeat: false,
        periodMs: 0,
        options: {} as Record<string, string>,
      };
    }
  }
  const trace = loadTrace(head, what);
  if (trace) return trace;
  if (/^\d+(\.\d+)?$/.test(head))
    throw new InputError(`${what} "${head}": a rate needs its unit`, `e.g. ${head}k (kbit/s) or ${head}M (Mbit/s)`);
  throw new InputError(
    `${what} "${head}": not a rate (800k, 2.5M), a shipped trace (${shippedTraceNames().join(', ')}) or an existing trace file`,
    HELP,
  );
}

function parseQueue(text: string, at: string): LinkQueue {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|p|packets)$/i.exec(text.trim());
  if (!m)
    throw new InputError(`${at}: expected a queue in ms (100ms) or packets (32p)`, 'e.g. queue=100ms or queue=32p');
  const value = Number(m[1]);
  if (m[2]!.toLowerCase() === 'ms') {
    if (!(value >= 1 && value <= 10_000)) throw new InputError(`${at}: expected 1 to 10000 ms`, 'e.g. queue=100ms');
    return { unit: 'ms', value };
  }
  if (!Number.isInteger(value) || value < 1 || value > 100_000)
    throw new InputError(`${at}: expected a whole number of packets from 1 to 100000`, 'e.g. queue=32p');
  return { unit: 'packets', value };
}

function parseLoss(text: string, at: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(text.trim());
  const value = m ? Number(m[1]) : NaN;
  // The nft rule draws `numgen random mod 10000`: a loss is applied in hundredths of a percent.
  if (!(value >= 0 && value <= 100) || Math.round(value * 100) !== value * 100)
    throw new InputError(
      `${at}: expected a percentage from 0 to 100 with at most two decimals`,
      'e.g. loss=2% or loss=0.5%',
    );
  return value;
}

function parseMs(text: string, at: string, max: number): number {
  const m = /^(\d+(?:\.\d+)?)\s*ms$/i.exec(text.trim());
  const value = m ? Number(m[1]) : NaN;
  if (!(value >= 0 && value <= max))
    throw new InputError(`${at}: expected milliseconds from 0 to ${max}, with the unit`, 'e.g. 50ms');
  return value;
}
