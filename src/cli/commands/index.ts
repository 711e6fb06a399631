/** The registry of sub-commands, in the order `--help` lists them. */
import type { CliCommand } from '../command.js';
import { command as run } from './run.js';
import { command as validate } from './validate.js';
import { command as explain } from './explain.js';
import { command as inventory } from './inventory.js';
import { command as report } from './report.js';
import { command as history } from './history.js';
import { command as lab } from './lab.js';
import { command as demo } from './demo.js';
import { command as init } from './init.js';
import { completionCommand } from './completion.js';
import { command as plan } from './plan.js';
import { command as approve } from './approve.js';
import { command as apply } from './apply.js';
import { command as resume } from './resume.js';
import { command as rollback } from './rollback.js';
import { command as change } from './change.js';
import { command as verify } from './verify.js';

/** Completes the table below (given to it here, so completion.ts does not import this file). */
export const completion = completionCommand(() => COMMANDS);
export const COMMANDS: CliCommand[] = [run, plan, approve, apply, resume, rollback, change, validate, explain, inventory, report, history, verify, lab, demo, init, completion];
