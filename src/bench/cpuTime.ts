// CPU time of everything a bench phase ran: Node's own (process.cpuUsage) plus every child process
// it has waited for. Linux adds a reaped child's user + system time (and its own reaped children's)
// to the parent's cutime / cstime in /proc/self/stat, so no wrapper around each child is needed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** cutime + cstime of this process in seconds (children waited for so far). */
export function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name "(...)": state is field 3, cutime 16, cstime 17 (proc(5)).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / ticksPerSecond();
}

export interface CpuMark {
  wall: bigint;
  node: NodeJS.CpuUsage;
  children: number;
}

export interface CpuSpent {
  wallS: number;
  nodeCpuS: number;
  childCpuS: number;
  cpuS: number;
}

export function cpuNow(): CpuMark {
  return { wall: process.hrtime.bigint(), node: process.cpuUsage(), children: childCpuSeconds() };
}

export function cpuSince(mark: CpuMark): CpuSpent {
  const node = process.cpuUsage(mark.node);
  const nodeCpuS = (node.user + node.system) / 1e6;
  const childCpuS = childCpuSeconds() - mark.children;
  return { wallS: Number(process.hrtime.bigint() - mark.wall) / 1e9, nodeCpuS, childCpuS, cpuS: nodeCpuS + childCpuS };
}
