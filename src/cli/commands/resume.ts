/** `firebook resume JOURNAL`: finishes an interrupted apply (or rollback) from its journal. */
import { resolve } from 'node:path';
import { EXIT, UserError } from '../../model/errors.js';
import type { JournalEntry } from '../../model/change.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { readEventLog } from '../../report/index.js';
import { remainingWork } from '../../change/remaining.js';
import { parseSerial } from '../../plan/batches.js';
import { CHANGE_CHOICES, CHANGE_OPTIONS, CHANGE_USAGE, parseChangeOptions } from '../change-options.js';
import { runChangeCommand } from '../change-run.js';

const USAGE = `Usage: firebook resume JOURNAL [options]

Finishes what an interrupted apply (or rollback) left, from its journal.jsonl: hosts and steps
not started, and steps whose last command has no recorded answer — those are re-captured
first (already applied → verified, or rolled back if verification fails; not applied → applied).
Finished steps are left alone. The approver, ticket and batches are the journal's; the files
must still match the plan's hashes (exit 4 otherwise). The new run folder's journal.jsonl
starts with a copy of JOURNAL, so it is the whole story.

${CHANGE_USAGE}
`;

/** resume's flags: parsed here, listed by completion. */
const OPTIONS = {
  ...CHANGE_OPTIONS,
} as const satisfies OptionsSpec;

export const command: CliCommand = {
  name: 'resume',
  summary: 'finish an interrupted apply or rollback from its journal',
  usage: USAGE,
  options: OPTIONS,
  choices: CHANGE_CHOICES,
  async run(argv, io) {
    const { values: v, positionals } = parseCommandArgs('resume', argv, OPTIONS);
    if (positionals.length !== 1) throw new UserError({ code: 'cli-usage', message: 'firebook resume: name one journal (reports/<run-id>/journal.jsonl)', hint: "run 'firebook resume --help'" });
    const settings = parseChangeOptions('resume', v, io);
    const file = resolve(io.cwd, positionals[0]);
    const entries = readEventLog<JournalEntry>(file);
    const work = remainingWork(entries, positionals[0]);
    if (work.steps.length === 0) {
      io.stderr.write(`firebook: resume: ${positionals[0]} has nothing left to ${work.kind === 'apply' ? 'apply' : 'undo'}\n`);
      return EXIT.ok;
    }
    const h = work.header;
    const { exitCode } = await runChangeCommand(
      {
        command: 'resume',
        kind: work.kind,
        resumed: true,
        doc: work.plan,
        planFile: positionals[0],
        planSha256: h.planSha256,
        steps: work.steps,
        priorEntries: entries,
        approvedBy: h.approvedBy,
        ticket: h.ticket,
        requireApproval: false,
        checkExpiry: work.kind === 'apply',
        serial: h.serial ? parseSerial(h.serial) : undefined,
        serialText: h.serial,
        maxFailPercentage: h.maxFailPercentage,
        limitHosts: h.limit,
        argv: ['resume', ...argv],
        ...settings,
      },
      io,
    );
    return exitCode;
  },
};
