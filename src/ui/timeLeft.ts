// "about 3 min left" from the share of the work done so far and the time it took: a rate measured on
// this machine in this run, not a constant. Silent until there is enough to go on.
import { formatDuration } from '../study/studyEstimate.js';

/** Below this share done, or this many seconds, the rate says too little. */
const MIN_FRACTION = 0.03;
const MIN_ELAPSED_S = 5;

export function timeLeftText(elapsedS: number, fractionDone: number): string | undefined {
  if (!(fractionDone >= MIN_FRACTION) || elapsedS < MIN_ELAPSED_S || fractionDone >= 1) return undefined;
  return `about ${formatDuration((elapsedS * (1 - fractionDone)) / fractionDone)} left`;
}
