/** `firebook rollback JOURNAL`: undoes, newest first, every change a journal says was applied. */
import { UserError } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { CHANGE_CHOICES, CHANGE_OPTIONS, CHANGE_USAGE, changeEnv, journalReader, readJournalArgs } from '../change-options.js';
import { dbChoiceOf } from '../options.js';
import { rollbackChange } from '../../change/journal-commands.js';

const USAGE = `Usage: firebook rollback JOURNAL [--limit PATTERN] [options]

Undoes, newest first, every change the journal (of apply or resume) says was applied and
verified, with the plan's rendered rollback commands, and verifies each: the values read back
must equal the "before" values of the plan. A change sent but never verified (a crashed apply)
is re-captured first: found as before, nothing is sent; found as read back after the change,
it is undone; otherwise it is refused: run firebook resume first. JOURNAL may be any journal of
the change: the newest (through JOURNAL.next) is used, and the new run folder goes beside it. A host whose values changed since the apply is not
touched (drifted). Works hours later, from another shell: JOURNAL holds the plan and its
approvers' signatures; the chain and the signatures (against --allowed-signers) are checked
again, and a journal of another plan, with a broken chain or more than one apply is refused
(exit 4).

  -l, --limit PATTERN       only these hosts (Ansible pattern over the plan's inventory)
      --ticket ID           the rollback's change ticket (its records name who ran it)
${CHANGE_USAGE}
`;

/** rollback's flags: parsed here, listed by completion. */
const OPTIONS = {
  limit: { type: 'string', short: 'l' },
  ticket: { type: 'string' },
  ...CHANGE_OPTIONS,
} as const satisfies OptionsSpec;

/** Parsed but not offered: --approved-by is refused with a hint (the approver is the verified signer). */
const PARSED = { ...OPTIONS, 'approved-by': { type: 'string' } } as const satisfies OptionsSpec;

export const command: CliCommand = {
  name: 'rollback',
  summary: 'undo, newest first, every change a journal says was applied, and verify each',
  usage: USAGE,
  options: OPTIONS,
  choices: CHANGE_CHOICES,
  async run(argv, io) {
    const { values: v, positionals } = parseCommandArgs('rollback', argv, PARSED);
    if (v['approved-by'] !== undefined) throw new UserError({ code: 'cli-usage', message: 'firebook rollback: --approved-by is gone: the approvers are the verified signers of the plan the journal holds', hint: 'name the change with --ticket ID' });
    const { journal, settings } = readJournalArgs('rollback', positionals, v, io);
    return rollbackChange(journal, { ...settings, argv: ['rollback', ...argv], limit: v.limit, ticket: v.ticket }, changeEnv('rollback', io, settings, dbChoiceOf(v)), journalReader('rollback'));
  },
};
