// Rate traces: the shipped ones (data/traces/<name>.json), simq's own (time s, kbps) steps as JSON or
// CSV, and mahimahi trace files. Every form ends as RateSteps (LinkTypes.ts).
//
// mahimahi (mahimahi/src/frontend/link_queue.cc, LinkQueue::LinkQueue and read_next_delivery): each
// line is a millisecond at which one 1500-byte packet (PACKET_SIZE) may leave; a repeated timestamp
// is one more packet in that millisecond; after the last line the trace starts over, shifted by the
// last timestamp. simq turns it into one rate step per second (packets in that second x 12 kbit):
// tc changes the class rate with one `tc class change` per step (2-10 ms each, see
// ../shared/docs/sfu-and-links.md), and ten a second would compete with the encoder on a small machine.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { readInputFile } from '../io/readInputFile.js';
import { packageRoot } from '../paths.js';
import type { RateSource, RateStep } from './LinkTypes.js';

/** mahimahi's PACKET_SIZE (link_queue.hh): one delivery opportunity carries 1500 bytes. */
export const MAHIMAHI_PACKET_BYTES = 1500;
/** One rate step per second of a mahimahi trace (see the header). */
export const MAHIMAHI_BIN_MS = 1000;
/** A mahimahi trace of a few minutes is a few MB; anything much larger is not a trace. */
const MAX_TRACE_BYTES = 32 * 1024 * 1024;
const MAX_KBPS = 10_000_000;

export interface LoadedTrace {
  rate: RateSource;
  steps: RateStep[];
  repeat: boolean;
  periodMs: number;
  /** Link options the trace file carries (e.g. {loss: "5%"}); the command line's win. */
  options: Record<string, string>;
}

export function tracesDir(): string {
  return path.join(packageRoot(), 'data', 'traces');
}

export function shippedTraceNames(): string[] {
  if (!existsSync(tracesDir())) return [];
  return readdirSync(tracesDir())
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A shipped name ("step-3000-800-3000") or a path; undefined when it is neither. */
export function loadTrace(token: string, what: string): LoadedTrace | undefined {
  if (/^[a-z0-9][a-z0-9-]*$/.test(token) && shippedTraceNames().includes(token)) {
    const file = path.join(tracesDir(), `${token}.json`);
    const t = parseStepsJson(readInputFile(file, MAX_TRACE_BYTES, 'trace'), file, what);
    return { ...t, rate: { kind: 'named', name: token, file, source: t.source ?? '' } };
  }
  if (!existsSync(token)) return undefined;
  const text = readInputFile(token, MAX_TRACE_BYTES, `${what} trace`);
  const ext = path.extname(token).toLowerCase();
  if (ext === '.json') return { ...parseStepsJson(text, token, what), rate: { kind: 'steps', file: token } };
  if (ext === '.csv') return { ...parseStepsCsv(text, token, what), rate: { kind: 'steps', file: token }, options: {} };
  return parseMahimahi(text, token, what);
}

const JSON_FIELDS = ['name', 'description', 'source', 'repeat', 'duration_s', 'steps', 'options'];
const OPTION_FIELDS = ['queue', 'loss', 'delay', 'jitter'];

function parseStepsJson(text: string, file: string, what: string): Omit<LoadedTrace, 'rate'> & { source?: string } {
  const fail = (field: string, problem: string): never => {
    throw new InputError(
      `${what} trace ${file}: ${field}: ${problem}`,
      'a trace is {"steps": [{"t_s": 0, "kbps": 3000}, {"t_s": 10, "kbps": 800}]} (optional: "repeat", "duration_s", "options", "source"); see data/traces/',
    );
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail('(file)', `not JSON (${(e as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return fail('(file)', 'expected an object');
  const o = doc as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!JSON_FIELDS.includes(k)) fail(k, `unknown field (allowed: ${JSON_FIELDS.join(', ')})`);
  if (!Array.isArray(o.steps) || o.steps.length === 0)
    return fail('steps', 'expected a non-empty array of {"t_s", "kbps"}');
  const pairs = o.steps.map((s, i): [number, number] => {
    if (typeof s !== 'object' || s === null) return fail(`steps[${i}]`, 'expected {"t_s": seconds, "kbps": rate}');
    const { t_s: t, kbps } = s as Record<string, unknown>;
    if (typeof t !== 'number' || typeof kbps !== 'number') return fail(`steps[${i}]`, 'expected numbers t_s and kbps');
    return [t, kbps];
  });
  const steps = checkSteps(pairs, (i, p) => fail(`steps[${i}]`, p));
  const repeat =
    o.repeat === undefined
      ? false
      : o.repeat === true
        ? true
        : o.repeat === false
          ? false
          : fail('repeat', 'expected true or false');
  const lastMs = steps[steps.length - 1]!.atMs;
  let periodMs = lastMs;
  if (o.duration_s !== undefined) {
    if (typeof o.duration_s !== 'number' || !(o.duration_s * 1000 > lastMs))
      fail('duration_s', `expected seconds after the last step (${lastMs / 1000} s)`);
    periodMs = Math.round((o.duration_s as number) * 1000);
  } else if (repeat) fail('duration_s', 'a repeating trace needs its length (seconds after the last step)');
  const options: Record<string, string> = {};
  if (o.options !== undefined) {
    if (typeof o.options !== 'object' || o.options === null)
      fail('options', 'expected an object such as {"loss": "5%"}');
    for (const [k, v] of Object.entries(o.options as Record<string, unknown>)) {
      if (!OPTION_FIELDS.includes(k)) fail(`options.${k}`, `unknown option (allowed: ${OPTION_FIELDS.join(', ')})`);
      if (typeof v !== 'string') fail(`options.${k}`, 'expected a string as on the command line, e.g. "5%" or "100ms"');
      options[k] = v as string;
    }
  }
  return { steps, repeat, periodMs, options, source: typeof o.source === 'string' ? o.source : undefined };
}

function parseStepsCsv(text: string, file: string, what: string): Omit<LoadedTrace, 'rate' | 'options'> {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (lines[0] && /^t_s\s*,\s*kbps$/i.test(lines[0])) lines.shift();
  const fail = (i: number, problem: string): never => {
    throw new InputError(
      `${what} trace ${file}: data line ${i + 1}: ${problem}`,
      'one "t_s,kbps" pair a line, e.g. "0,3000" then "10,800" (a "t_s,kbps" header is optional)',
    );
  };
  if (lines.length === 0) fail(0, 'no steps');
  const pairs = lines.map((l, i): [number, number] => {
    const cells = l.split(',').map((c) => c.trim());
    if (cells.length !== 2 || cells.some((c) => c === '' || !Number.isFinite(Number(c))))
      return fail(i, `"${l}" is not "seconds,kbps"`);
    return [Number(cells[0]), Number(cells[1])];
  });
  const steps = checkSteps(pairs, fail);
  return { steps, repeat: false, periodMs: steps[steps.length - 1]!.atMs };
}

function checkSteps(pairs: [number, number][], fail: (i: number, problem: string) => never): RateStep[] {
  return pairs.map(([t, kbps], i) => {
    if (i === 0 && t !== 0) fail(i, `the first step must be at 0 s, not ${t}`);
    if (i > 0 && !(t > pairs[i - 1]![0])) fail(i, `times must increase (${t} s after ${pairs[i - 1]![0]} s)`);
    if (!(kbps >= 0 && kbps <= MAX_KBPS)) fail(i, `kbps ${kbps} is not a rate from 0 to ${MAX_KBPS}`);
    return { atMs: Math.round(t * 1000), kbps };
  });
}

/** A mahimahi trace as one step per MAHIMAHI_BIN_MS; the trace loops (as mahimahi's does). */
export function parseMahimahi(text: string, file: string, what: string): LoadedTrace {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const times: number[] = [];
  for (const [i, l] of lines.entries()) {
    if (!/^\d+$/.test(l)) {
      throw new InputError(
        `${what} trace ${file}: line ${i + 1} "${l.slice(0, 40)}" is not a millisecond count`,
        'give a mahimahi trace (one integer ms per line), simq steps as .json or .csv, a shipped trace name or a rate such as 800k',
      );
    }
    const t = Number(l);
    if (times.length && t < times[times.length - 1]!)
      throw new InputError(
        `${what} trace ${file}: line ${i + 1}: ${t} ms comes before ${times[times.length - 1]} ms`,
        'mahimahi timestamps must not decrease',
      );
    times.push(t);
  }
  const periodMs = times[times.length - 1] ?? 0;
  if (periodMs <= 0)
    throw new InputError(
      `${what} trace ${file}: no delivery opportunity after 0 ms`,
      'a mahimahi trace lists the ms of each 1500-byte delivery opportunity; its last line is its length',
    );
  const bins = Math.ceil(periodMs / MAHIMAHI_BIN_MS);
  const counts = new Array<number>(bins).fill(0);
  // Opportunity at t belongs to the millisecond t; t = period is the loop's next 0 (link_queue.cc
  // adds the period to every timestamp on each pass), so it is counted in the first bin.
  for (const t of times) counts[t === periodMs ? 0 : Math.floor(t / MAHIMAHI_BIN_MS)]! += 1;
  const steps = counts.map((n, i) => {
    const binMs = Math.min(MAHIMAHI_BIN_MS, periodMs - i * MAHIMAHI_BIN_MS);
    return { atMs: i * MAHIMAHI_BIN_MS, kbps: Math.round(((n * MAHIMAHI_PACKET_BYTES * 8) / binMs) * 10) / 10 };
  });
  return {
    rate: { kind: 'mahimahi', file, binMs: MAHIMAHI_BIN_MS, periodMs },
    steps,
    repeat: true,
    periodMs,
    options: {},
  };
}
