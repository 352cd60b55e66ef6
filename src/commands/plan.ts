// placeholder: `simq plan` is being written (issue 5)
import type { Command } from 'commander';
export function registerPlan(_program: Command): void {}
