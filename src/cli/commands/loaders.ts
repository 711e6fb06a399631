/** Each sub-command's module by name, so `firebook run` loads only what `run` needs (startup
 * is CPU every run pays). The full table, for help, completion and "did you mean", is
 * commands/index.ts; a test checks the two name the same commands in the same order. */
import type { CliCommand } from '../command.js';

export const COMMAND_LOADERS: Readonly<Record<string, () => Promise<{ command: CliCommand }>>> = {
  run: () => import('./run.js'),
  plan: () => import('./plan.js'),
  approve: () => import('./approve.js'),
  apply: () => import('./apply.js'),
  resume: () => import('./resume.js'),
  rollback: () => import('./rollback.js'),
  change: () => import('./change.js'),
  validate: () => import('./validate.js'),
  explain: () => import('./explain.js'),
  inventory: () => import('./inventory.js'),
  report: () => import('./report.js'),
  history: () => import('./history.js'),
  lab: () => import('./lab.js'),
  demo: () => import('./demo.js'),
  init: () => import('./init.js'),
  completion: () => import('./index.js').then((m) => ({ command: m.completion })),
};
