/** `firebook resume JOURNAL`: finishes an interrupted apply (or rollback) from its journal. */
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { CHANGE_CHOICES, CHANGE_OPTIONS, CHANGE_USAGE, changeEnv, journalReader, readJournalArgs } from '../change-options.js';
import { dbChoiceOf } from '../options.js';
import { resumeChange } from '../../change/journal-commands.js';

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
    const { journal, settings } = readJournalArgs('resume', positionals, v, io);
    return resumeChange(journal, { ...settings, argv: ['resume', ...argv] }, changeEnv('resume', io, settings, dbChoiceOf(v)), journalReader('resume'));
  },
};
