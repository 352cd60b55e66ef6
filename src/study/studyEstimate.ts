// Progress across a study on stderr: scenarios done and left in the whole run (a resumed run counts
// what earlier processes finished), and the time left from the capture times measured so far.
import type { RunRecord } from '../rundir/RunTypes.js';

/** Capture seconds assumed per scenario before any was timed: duration + browser start and files. */
const CAPTURE_OVERHEAD_S = 4;

export interface EstimateInput {
  done: number;
  left: number;
  /** Capture seconds of the scenarios finished so far (any process). */
  measuredCaptureS: number[];
  /** Durations of the scenarios left, for the estimate before anything was timed. */
  leftDurationsS: number[];
  laterStagesSecondsPerScenario: number;
  /** Scenarios this process captured: the later stages (measure) still run on them. */
  capturedHere: number;
}

/** Seconds left: the mean measured capture time per scenario left (else its duration + overhead), plus the later stages. */
export function remainingSeconds(e: EstimateInput): number {
  const n = e.measuredCaptureS.length;
  const perScenario = n > 0 ? e.measuredCaptureS.reduce((a, b) => a + b, 0) / n : undefined;
  const capture = e.leftDurationsS.reduce((sum, d) => sum + (perScenario ?? d + CAPTURE_OVERHEAD_S), 0);
  return capture + e.laterStagesSecondsPerScenario * (e.left + e.capturedHere);
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  return `${Math.round(seconds / 60)} min`;
}

const finished = (status: string) => status === 'complete' || status === 'degraded' || status === 'failed';

export class StudyEstimate {
  constructor(
    private readonly run: RunRecord,
    private readonly laterStagesSecondsPerScenario: number,
  ) {}

  private capturedHere = 0;

  /** Counts one scenario captured by this process. */
  captured(): void {
    this.capturedHere++;
  }

  input(): EstimateInput {
    const done = this.run.scenarios.filter((s) => finished(s.status));
    const left = this.run.scenarios.filter((s) => !finished(s.status));
    return {
      done: done.length,
      left: left.length,
      measuredCaptureS: done.map((s) => s.captureS).filter((x): x is number => x !== undefined),
      leftDurationsS: left.map((s) => s.scenario.durationS),
      laterStagesSecondsPerScenario: this.laterStagesSecondsPerScenario,
      capturedHere: this.capturedHere,
    };
  }

  /** e.g. "study: 3/8 scenarios captured, 5 left, about 4 min to go (capture 11.8 s per scenario measured)". */
  line(): string {
    const e = this.input();
    const total = e.done + e.left;
    const per = e.measuredCaptureS.length
      ? ` (capture ${(e.measuredCaptureS.reduce((a, b) => a + b, 0) / e.measuredCaptureS.length).toFixed(1)} s per scenario measured)`
      : '';
    const shard = this.run.plan?.shard
      ? ` of shard ${this.run.plan.shard.index}/${this.run.plan.shard.count} (plan: ${this.run.plan.scenarioIds.length})`
      : '';
    return `study: ${e.done}/${total} scenarios captured${shard}, ${e.left} left, about ${formatDuration(remainingSeconds(e))} to go${per}`;
  }
}
