/** `firebook approve plan.json --key KEY`: an approver signs the plan's exact bytes (SSHSIG). */
import { UserError } from '../model/errors.js';
import { readPlanDocument } from './plan-document.js';
import { createExclusive } from './exclusive.js';
import { parseSignature, PLAN_NAMESPACE, type SigningKey } from '../sign/sshsig.js';
import { readSignatureFiles, signatureFile } from './approval.js';
import type { ChangeNotes } from './history.js';

/** Signs `planFile` with the key `loadKey` reads (after the plan is read) into the next free signature file beside it; returns its path.
 * Refuses (exit 4, nothing written) another sha256 than `expect`, an expired plan, a key that
 * already signed it. */
export function approvePlan(planFile: string, planArg: string, loadKey: () => SigningKey, expect: string | undefined, io: ChangeNotes): string {
  const usage = (message: string, hint = "run 'firebook approve --help'") => new UserError({ code: 'cli-usage', message: `firebook approve: ${message}`, hint });
  const { doc, sha256, bytes } = readPlanDocument(planFile);
  if (expect !== undefined && expect !== sha256) throw usage(`${planArg} has sha256 ${sha256}, not ${expect}: not the plan the ticket names`, 'sign only the plan the change board reviewed');
  if (Date.now() >= Date.parse(doc.expiresAt)) throw usage(`${planArg} expired at ${doc.expiresAt}`, 'make a new plan');
  const key = loadKey();
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
      io.stderr.write(`firebook: approve: ${file}: ${key.publicKey.type} key ${key.publicKey.fingerprint} signed ${planArg} (sha256 ${sha256})\n`);
      return file;
    }
  }
  throw usage(`no free signature file beside ${planArg}`);
}
