/** `firebook change status JOURNAL`: what the whole history of a change says, per host. */
import { EXIT, UserError } from '../../model/errors.js';
import { parseCommandArgs, runSubcommand, type CliCommand, type OptionsSpec } from '../command.js';
import { changeStatus } from '../../change/status.js';
import { journalReader } from '../change-options.js';

const STATUS_USAGE = `Usage: firebook change status JOURNAL [--json]

Prints, per host and planned step, what the whole history of the change says: planned (nothing
sent, or nothing that held), sent (the change command was answered, not verified), verified,
rolled back, or unknown (a command was sent and no answer recorded: firebook resume re-captures
it). JOURNAL may be any journal of the change (apply, resume, rollback): the newest is found
through JOURNAL.next. The journal's hash chain is checked (exit 4 when broken); nothing is sent.

      --json                one JSON object per step on stdout
`;

const STATUS_OPTIONS = { json: { type: 'boolean' } } as const satisfies OptionsSpec;

const status: CliCommand = {
  name: 'status',
  summary: 'what the whole history of a change says, per host: planned, sent, verified, rolled back, unknown',
  usage: STATUS_USAGE,
  options: STATUS_OPTIONS,
  async run(argv, io) {
    const { values: v, positionals } = parseCommandArgs('change status', argv, STATUS_OPTIONS);
    if (positionals.length !== 1) throw new UserError({ code: 'cli-usage', message: 'firebook change status: name one journal (reports/<run-id>/journal.jsonl)', hint: "run 'firebook change status --help'" });
    changeStatus(positionals[0]!, { json: !!v.json }, io, journalReader('change status'));
    return EXIT.ok;
  },
};

export const command: CliCommand = {
  name: 'change',
  summary: 'inspect a change from its journals (change status JOURNAL)',
  usage: STATUS_USAGE,
  subcommands: [status],
  run: (argv, io) => runSubcommand(command, argv, io),
};
