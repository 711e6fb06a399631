/** `firebook change status JOURNAL`: what the whole history of a change says, per host. */
import { EXIT, UserError } from '../../model/errors.js';
import { parseCommandArgs, runSubcommand, type CliCommand, type OptionsSpec } from '../command.js';
import { stepHistories } from '../../change/remaining.js';
import { readHistory } from '../change-options.js';

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
    const { journal, checked } = readHistory(positionals[0]!, io.cwd, io, 'change status');
    const rows = stepHistories(checked.entries, journal);
    if (v.json) {
      for (const r of rows) io.stdout.write(`${JSON.stringify(r)}\n`);
      return EXIT.ok;
    }
    const segments = checked.entries.filter((e) => e.type === 'journal-begin').map((e) => (e.type === 'journal-begin' ? `${e.kind}${e.resumed ? ' (resumed)' : ''}` : ''));
    io.stdout.write(`Change of plan sha256 ${checked.planSha256}\nHistory: ${journal} (${segments.join(' → ')})\n\n`);
    const width = (k: 'host' | 'stepId' | 'state', title: string) => Math.max(title.length, ...rows.map((r) => r[k].length));
    const [wh, ws, wt] = [width('host', 'HOST'), width('stepId', 'STEP'), width('state', 'STATE')];
    const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(wh)}  ${b.padEnd(ws)}  ${c.padEnd(wt)}  ${d}`.trimEnd() + '\n';
    io.stdout.write(line('HOST', 'STEP', 'STATE', 'DETAIL'));
    for (const r of rows) io.stdout.write(line(r.host, r.stepId, r.state, r.detail ?? ''));
    const count = (s: string) => rows.filter((r) => r.state === s).length;
    io.stdout.write(`\n${['planned', 'sent', 'verified', 'rolled back', 'unknown'].map((s) => `${count(s)} ${s}`).join(' · ')}\n`);
    if (count('unknown') + count('sent') > 0) io.stdout.write(`next: firebook resume ${journal} (re-captures what was sent and not verified)\n`);
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
