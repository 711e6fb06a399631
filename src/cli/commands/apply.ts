/** `firebook apply plan.json`: executes exactly an approved plan, journaled. */
import { UserError } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { readPlanDocument } from '../../change/plan-document.js';
import { readAs } from '../file-kind.js';
import { parseSerial } from '../../plan/batches.js';
import { CHANGE_CHOICES, CHANGE_OPTIONS, CHANGE_USAGE, changeEnv, parseChangeOptions } from '../change-options.js';
import { dbChoiceOf } from '../options.js';
import { applyPlan } from '../../change/apply-driver.js';

const USAGE = `Usage: firebook apply plan.json --allowed-signers FILE [--expect-sha256 HASH] [--ticket ID] [options]

Executes exactly the plan firebook plan wrote, and nothing else. Refuses the whole plan (exit
4, nothing sent) when its approvers' signatures (plan.json.sig, plan.json.2.sig…, written by
firebook approve) do not verify against --allowed-signers, its sha256 is not --expect-sha256,
a file it hashed changed, it expired, it is outside --window, --out is not empty, or another
apply of it holds plan.json.lock. Each
host first re-captures its "before" values: a host whose values changed since the plan is
not touched (drifted). Then capture → apply → read back → verify → on failed verification
roll back and verify the rollback. Every step goes to journal.jsonl (fsync'd, before each
command is sent and after its answer) in the run folder, for resume and rollback.

Plan:
      --expect-sha256 HASH  the plan's sha256 as the ticket gives it (plan.md prints it)
      --ticket ID           the change ticket
      --min-approvals N     distinct approvers' keys required (default 1)
Batches:
      --serial N|N%         hosts per batch (default: all at once); members of one ha_group
                            (inventory variable) are never in the same batch
      --max-fail-percentage P  stop the remaining batches when more than P% of a batch failed
                            (default: stop only when a whole batch failed)
${CHANGE_USAGE}
`;

/** apply's flags: parsed here, listed by completion. */
const OPTIONS = {
  'expect-sha256': { type: 'string' },
  'min-approvals': { type: 'string' },
  ticket: { type: 'string' },
  serial: { type: 'string' },
  'max-fail-percentage': { type: 'string' },
  ...CHANGE_OPTIONS,
} as const satisfies OptionsSpec;

/** Parsed but not offered: --approved-by is refused with a hint (the approver is the verified signer). */
const PARSED = { ...OPTIONS, 'approved-by': { type: 'string' } } as const satisfies OptionsSpec;

export const command: CliCommand = {
  name: 'apply',
  summary: 'execute exactly an approved plan, in batches, journaled (verify, roll back on failure)',
  usage: USAGE,
  options: OPTIONS,
  choices: CHANGE_CHOICES,
  async run(argv, io) {
    const { values: v, positionals } = parseCommandArgs('apply', argv, PARSED);
    const usage = (message: string, hint = "run 'firebook apply --help' for the options") => new UserError({ code: 'cli-usage', message: `firebook apply: ${message}`, hint });
    if (positionals.length !== 1) throw usage('name one plan file (e.g. plan.json)', "write one with 'firebook plan PLAYBOOK -i INVENTORY -o plan.json'");
    const serial = v.serial === undefined ? undefined : parseSerial(v.serial);
    if (v.serial !== undefined && !serial) throw usage(`--serial must be a positive number or a percentage (1%–100%), not '${v.serial}'`);
    let maxFail: number | undefined;
    if (v['max-fail-percentage'] !== undefined) {
      maxFail = Number(v['max-fail-percentage']);
      if (!/^\d+(\.\d+)?$/.test(v['max-fail-percentage']) || maxFail > 100) throw usage(`--max-fail-percentage must be a number from 0 to 100, not '${v['max-fail-percentage']}'`);
    }
    // The approver is whoever's key signed the plan: a typed name proves nothing.
    if (v['approved-by'] !== undefined) throw usage('--approved-by is gone: the approver is now the verified signer of the plan', "have the approver sign it (firebook approve plan.json --key ~/.ssh/id_ed25519) and pass --allowed-signers FILE; name the change with --ticket ID");
    const minApprovals = v['min-approvals'] === undefined ? 1 : Number(v['min-approvals']);
    if (!/^[1-9]\d*$/.test(v['min-approvals'] ?? '1')) throw usage(`--min-approvals must be a whole number from 1, not '${v['min-approvals']}'`);
    const expect = v['expect-sha256']?.trim().toLowerCase();
    if (expect !== undefined && !/^[0-9a-f]{64}$/.test(expect)) throw usage(`--expect-sha256 must be 64 hexadecimal digits (plan.md prints the plan's sha256), not '${v['expect-sha256']}'`);
    const settings = parseChangeOptions('apply', v, io);
    const plan = positionals[0]!;
    return applyPlan(
      { ...settings, planArg: plan, expectSha256: expect, minApprovals: v['min-approvals'] === undefined ? undefined : minApprovals, ticket: v.ticket, serial, serialText: v.serial, maxFailPercentage: maxFail, argv: ['apply', ...argv] },
      changeEnv('apply', io, settings, dbChoiceOf(v)),
      (path) => readAs(path, plan, 'plan', 'apply', () => readPlanDocument(path)),
    );
  },
};
