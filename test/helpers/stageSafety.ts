// What the safety tests (measureSafety.cli, runSafety.browser) share: starting simq and knowing its
// pid while it runs, waiting for a state of the run directory, and the files a stopped stage must not
// leave behind.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RunRecord } from '../../src/rundir/RunTypes.js';
import { readJson, simq, type SimqResult } from './simq.js';

export interface Started {
  pid: Promise<number>;
  done: Promise<SimqResult>;
}

/** Starts simq; its stdout and stderr join `outputs` when it ends (checked for "unexpected error"). */
export function start(outputs: string[], args: string[], env?: NodeJS.ProcessEnv): Started {
  let setPid!: (pid: number) => void;
  const pid = new Promise<number>((r) => (setPid = r));
  const done = simq(args, { onStart: setPid, env }).then((r) => {
    outputs.push(r.stdout, r.stderr);
    return r;
  });
  return { pid, done };
}

export async function waitFor(what: string, test: () => boolean, timeoutMs = 45_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** run.json as it is now, or undefined while it is missing or being replaced. */
export function runStatus(runDir: string): RunRecord | undefined {
  try {
    return readJson<RunRecord>(path.join(runDir, 'run.json'));
  } catch {
    return undefined;
  }
}

/** Files a stopped stage must not leave: partial bitstreams, temporary files, locks, work folders. */
export function leftovers(root: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (/\.part$|\.tmp$|^\.simq\.lock$|^\.measure-work$|\.simq-(new|old)-/.test(name)) found.push(p);
      else if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(root);
  return found;
}
