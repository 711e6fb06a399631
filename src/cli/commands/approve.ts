/** `firebook approve plan.json --key KEY`: an approver signs the plan's exact bytes (SSHSIG). */
import { resolve } from 'node:path';
import { EXIT, UserError } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { readPlanDocument } from '../../change/plan-document.js';
import { createExclusive } from '../../change/exclusive.js';
import { keyPassphrase, loadSigningKey, parseSignature, PLAN_NAMESPACE } from '../../change/sshsig.js';
import { readSignatureFiles, signatureFile } from '../../change/approval.js';

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
    const planFile = resolve(io.cwd, positionals[0]);
    const { doc, sha256, bytes } = readPlanDocument(planFile);
    const expect = v['expect-sha256']?.trim().toLowerCase();
    if (expect !== undefined && expect !== sha256) throw usage(`${positionals[0]} has sha256 ${sha256}, not ${expect}: not the plan the ticket names`, 'sign only the plan the change board reviewed');
    if (Date.now() >= Date.parse(doc.expiresAt)) throw usage(`${positionals[0]} expired at ${doc.expiresAt}`, 'make a new plan');
    const key = loadSigningKey(resolve(io.cwd, v.key), keyPassphrase(v['key-passphrase-file'] === undefined ? undefined : resolve(io.cwd, v['key-passphrase-file']), io.env));
    const existing = readSignatureFiles(planFile);
    for (const s of existing) {
      try {
        if (parseSignature(s.text).publicKey.fingerprint === key.publicKey.fingerprint) throw usage(`${s.source} already holds a signature by ${key.publicKey.fingerprint}`, 'each approver signs once');
      } catch (err) {
        if (err instanceof UserError) throw err;
      }
    }
    const signature = key.sign(PLAN_NAMESPACE, bytes);
    // The next free name, created exclusively: two approvers signing at once never overwrite.
    for (let n = existing.length + 1; n < existing.length + 100; n++) {
      const file = signatureFile(planFile, n);
      if (createExclusive(file, signature)) {
        io.stderr.write(`firebook: approve: ${file}: ${key.publicKey.type} key ${key.publicKey.fingerprint} signed ${positionals[0]} (sha256 ${sha256})\n`);
        return EXIT.ok;
      }
    }
    throw usage(`no free signature file beside ${positionals[0]}`);
  },
};
