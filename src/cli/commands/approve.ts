/** `firebook approve plan.json --key KEY`: an approver signs the plan's exact bytes (SSHSIG). */
import { resolve } from 'node:path';
import { EXIT, UserError } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { keyPassphrase, loadSigningKey } from '../../sign/sshsig.js';
import { approvePlan } from '../../change/approve.js';

const USAGE = `Usage: firebook approve plan.json --key ~/.ssh/id_ed25519 [--expect-sha256 HASH]

Signs the plan's exact bytes with an SSH key: an OpenSSH signature (SSHSIG, namespace
firebook-plan, sha512), the same ssh-keygen -Y sign -n firebook-plan writes. plan.json never
changes: the first approver's signature goes to plan.json.sig, the next to plan.json.2.sig, and
so on; each verifies with ssh-keygen -Y verify. apply trusts the signatures whose keys its
--allowed-signers file lists, and names the approvers from it (docs/change-window.md).

  --key FILE                the approver's SSH private key (ed25519, RSA, ECDSA; OpenSSH or PEM)
  --key-passphrase-file FILE  its passphrase, if encrypted (or $FIREBOOK_KEY_PASSPHRASE)
  --expect-sha256 HASH      sign only if the plan's sha256 is HASH (the one in the ticket)

Exit codes: 0 signed · 4 refused (not a plan, expired, other sha256, key unreadable, already
            signed with this key; nothing written)
`;

const OPTIONS = {
  key: { type: 'string' },
  'key-passphrase-file': { type: 'string' },
  'expect-sha256': { type: 'string' },
} as const satisfies OptionsSpec;

export const command: CliCommand = {
  name: 'approve',
  summary: "sign a plan's exact bytes with an SSH key (the change board's approval)",
  usage: USAGE,
  options: OPTIONS,
  choices: {},
  async run(argv, io) {
    const { values: v, positionals } = parseCommandArgs('approve', argv, OPTIONS);
    const usage = (message: string, hint = "run 'firebook approve --help'") => new UserError({ code: 'cli-usage', message: `firebook approve: ${message}`, hint });
    if (positionals.length !== 1) throw usage('name one plan file (e.g. plan.json)');
    if (!v.key) throw usage('--key FILE is required (the approver\'s SSH private key)', 'e.g. --key ~/.ssh/id_ed25519');
    const key = v.key;
    const loadKey = () => loadSigningKey(resolve(io.cwd, key), keyPassphrase(v['key-passphrase-file'] === undefined ? undefined : resolve(io.cwd, v['key-passphrase-file']), io.env));
    approvePlan(resolve(io.cwd, positionals[0]), positionals[0], loadKey, v['expect-sha256']?.trim().toLowerCase(), io);
    return EXIT.ok;
  },
};
