/** `firebook resume JOURNAL`: finishes an interrupted apply (or rollback) from its journal. */
import { EXIT } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { remainingWork } from '../../change/remaining.js';
import { parseSerial } from '../../plan/batches.js';
import { CHANGE_CHOICES, CHANGE_OPTIONS, CHANGE_USAGE, readJournalArgs } from '../change-options.js';
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
    const { journal, entries, settings } = readJournalArgs('resume', positionals, v, io);
    const work = remainingWork(entries, journal);
    if (work.steps.length === 0) {
      io.stderr.write(`firebook: resume: ${journal} has nothing left to ${work.kind === 'apply' ? 'apply' : 'undo'}\n`);
      return EXIT.ok;
    }
    const h = work.header;
    const { exitCode } = await runChangeCommand(
      {
        command: 'resume',
        kind: work.kind,
        resumed: true,
        doc: work.plan,
        planFile: journal,
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
