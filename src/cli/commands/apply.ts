/** `firebook apply plan.json`: executes exactly an approved plan, journaled. */
import { resolve } from 'node:path';
import { UserError } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { readPlanDocument } from '../../change/plan-document.js';
import { parseSerial } from '../../plan/batches.js';
import { CHANGE_CHOICES, CHANGE_OPTIONS, CHANGE_USAGE, parseChangeOptions } from '../change-options.js';
import { runChangeCommand } from '../change-run.js';

const USAGE = `Usage: firebook apply plan.json --approved-by NAME [--ticket ID] [options]

Executes exactly the plan firebook plan wrote, and nothing else. Refuses the whole plan (exit
4, nothing sent) when a file it hashed changed, it expired, or it is outside --window. Each
host first re-captures its "before" values: a host whose values changed since the plan is
not touched (drifted). Then capture → apply → read back → verify → on failed verification
roll back and verify the rollback. Every step goes to journal.jsonl (fsync'd, before each
command is sent and after its answer) in the run folder, for resume and rollback.

Approval:
      --approved-by NAME    who approved the plan (required; recorded in the journal and report)
      --ticket ID           the change ticket
Batches:
      --serial N|N%         hosts per batch (default: all at once); members of one ha_group
                            (inventory variable) are never in the same batch
      --max-fail-percentage P  stop the remaining batches when more than P% of a batch failed
                            (default: stop only when a whole batch failed)
${CHANGE_USAGE}
`;

/** apply's flags: parsed here, listed by completion. */
const OPTIONS = {
  'approved-by': { type: 'string' },
  ticket: { type: 'string' },
  serial: { type: 'string' },
  'max-fail-percentage': { type: 'string' },
  ...CHANGE_OPTIONS,
} as const satisfies OptionsSpec;

export const command: CliCommand = {
  name: 'apply',
  summary: 'execute exactly an approved plan, in batches, journaled (verify, roll back on failure)',
  usage: USAGE,
  options: OPTIONS,
  choices: CHANGE_CHOICES,
  async run(argv, io) {
    const { values: v, positionals } = parseCommandArgs('apply', argv, OPTIONS);
    const usage = (message: string, hint = "run 'firebook apply --help' for the options") => new UserError({ code: 'cli-usage', message: `firebook apply: ${message}`, hint });
    if (positionals.length !== 1) throw usage('name one plan file (e.g. plan.json)', "write one with 'firebook plan PLAYBOOK -i INVENTORY -o plan.json'");
    const serial = v.serial === undefined ? undefined : parseSerial(v.serial);
    if (v.serial !== undefined && !serial) throw usage(`--serial must be a positive number or a percentage (1%–100%), not '${v.serial}'`);
    let maxFail: number | undefined;
    if (v['max-fail-percentage'] !== undefined) {
      maxFail = Number(v['max-fail-percentage']);
      if (!/^\d+(\.\d+)?$/.test(v['max-fail-percentage']) || maxFail > 100) throw usage(`--max-fail-percentage must be a number from 0 to 100, not '${v['max-fail-percentage']}'`);
    }
    const settings = parseChangeOptions('apply', v, io);
    const planFile = resolve(io.cwd, positionals[0]);
    const { doc, sha256 } = readPlanDocument(planFile);
    const steps = doc.hosts.flatMap((h) => h.steps.map((step) => ({ host: h.host, step, uncertain: false })));
    const { exitCode } = await runChangeCommand(
      {
        command: 'apply',
        kind: 'apply',
        resumed: false,
        doc,
        planFile: positionals[0],
        planSha256: sha256,
        steps,
        approvedBy: v['approved-by'],
        ticket: v.ticket,
        requireApproval: true,
        checkExpiry: true,
        serial,
        serialText: v.serial,
        maxFailPercentage: maxFail,
        argv: ['apply', ...argv],
        ...settings,
      },
      io,
    );
    return exitCode;
  },
};
