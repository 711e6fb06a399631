/** `firebook resume JOURNAL`: finishes an interrupted apply (or rollback) from its journal. */
import { EXIT } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { remainingWork } from '../../change/remaining.js';
import { parseSerial } from '../../plan/batches.js';
import { CHANGE_CHOICES, CHANGE_OPTIONS, CHANGE_USAGE, readJournalArgs } from '../change-options.js';
import { journalApproval, runChangeCommand } from '../../change/apply-driver.js';

const USAGE = `Usage: firebook resume JOURNAL [options]

Finishes what an interrupted apply (or rollback) left, from its journal.jsonl: hosts and steps
not started, and steps whose last command has no recorded answer — those are re-captured
first (already applied → verified, or rolled back if verification fails; not applied → applied).
Finished steps are left alone. The ticket, batches and change window are the journal's: after
the window closed, resume is refused (exit 4) unless a new --window is given (recorded in the
journal). The journal's hash chain, the plan's signatures (against --allowed-signers) and the
files' hashes are checked again (exit 4 otherwise). JOURNAL may be any journal of the change:
the newest (through JOURNAL.next) is continued. The new run folder goes beside it, and its
journal.jsonl starts with a copy of it and continues its chain, so it is the whole story.

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
    const { journal, path, checked, entries, settings } = readJournalArgs('resume', positionals, v, io);
    const work = remainingWork(entries, journal);
    const verified = journalApproval(checked, settings, io, 'resume');
    if (work.steps.length === 0) {
      io.stderr.write(`firebook: resume: ${journal} has nothing left to ${work.kind === 'apply' ? 'apply' : 'undo'}\n`);
      return EXIT.ok;
    }
    const h = work.header;
    // The approved window binds a resume of an apply; only a new --window (journaled) widens it.
    const approved = work.kind === 'apply' && h.window ? { start: new Date(h.window.start), end: new Date(h.window.end), text: h.window.text, from: `the window approved in ${journal}` } : undefined;
    // Judging the changes a rollback refused sends nothing new: recovery is never blocked by the
    // plan's expiry or a closed window (docs/change-window.md "After a crash").
    const recoveryOnly = work.steps.every((s) => s.judgeOnly);
    const window = settings.window ?? (recoveryOnly ? undefined : approved);
    const { exitCode } = await runChangeCommand(
      {
        command: 'resume',
        kind: work.kind,
        resumed: true,
        doc: work.plan,
        planFile: journal,
        planSha256: checked.planSha256,
        ...verified,
        steps: work.steps,
        prior: { path, lines: checked.lines },
        ticket: h.ticket,
        checkExpiry: work.kind === 'apply' && !recoveryOnly,
        serial: h.serial ? parseSerial(h.serial) : undefined,
        serialText: h.serial,
        maxFailPercentage: h.maxFailPercentage,
        limitHosts: h.limit,
        argv: ['resume', ...argv],
        ...settings,
        window,
      },
      io,
    );
    return exitCode;
  },
};
