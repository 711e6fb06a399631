/**
 * A plan's approval is SSH signatures over its exact bytes (docs/change-window.md). Each
 * approver's signature is its own file beside the plan — `plan.json.sig` (what
 * `ssh-keygen -Y sign` writes), then `plan.json.2.sig`, `plan.json.3.sig`… — so the plan's
 * bytes never change and each file verifies on its own with `ssh-keygen -Y verify`.
 * Who approved comes from the allowed_signers line that trusts the key, never from a flag.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Approver } from '../model/change.js';
import type { UserIssue } from '../model/errors.js';
import { readAllowedSigners, trustedSigners, type AllowedSigners } from '../sign/allowed-signers.js';
import { parseSignature, PLAN_NAMESPACE, verifySignature } from '../sign/sshsig.js';

/** What reports and journal lines say when no signature was verified. */
export const NOT_VERIFIED = 'approval not verified';

/** The environment variable that names the allowed_signers file when the flag is absent. */
export const ALLOWED_SIGNERS_ENV = 'FIREBOOK_ALLOWED_SIGNERS';

/** The n-th approver's signature file (n from 1). */
export function signatureFile(planFile: string, n: number): string {
  return n === 1 ? `${planFile}.sig` : `${planFile}.${n}.sig`;
}

/** Every signature file beside the plan, in order. */
export function signatureFiles(planFile: string): string[] {
  const base = basename(planFile);
  let names: string[];
  try {
    names = readdirSync(dirname(planFile));
  } catch {
    return [];
  }
  const order = (name: string): number | undefined => {
    if (name === `${base}.sig`) return 1;
    const m = name.startsWith(`${base}.`) ? /^(\d+)\.sig$/.exec(name.slice(base.length + 1)) : null;
    return m ? Number(m[1]) : undefined;
  };
  return names
    .map((n) => ({ n, o: order(n) }))
    .filter((x): x is { n: string; o: number } => x.o !== undefined)
    .sort((a, b) => a.o - b.o)
    .map((x) => join(dirname(planFile), x.n));
}

/** `--allowed-signers FILE`, else $FIREBOOK_ALLOWED_SIGNERS; undefined when neither is set. */
export function allowedSignersFrom(flag: string | undefined, env: NodeJS.ProcessEnv): AllowedSigners | undefined {
  if (flag !== undefined) return readAllowedSigners(flag, '--allowed-signers');
  const fromEnv = env[ALLOWED_SIGNERS_ENV];
  return fromEnv ? readAllowedSigners(fromEnv, ALLOWED_SIGNERS_ENV) : undefined;
}

/** The approval of a plan: verified (who), or explicitly run without one. */
export type ApprovalResult = { verified: true; approvers: Approver[] } | { verified: false };

export interface ApprovalInput {
  /** The plan's exact bytes. */
  planBytes: Buffer;
  /** Armored signatures, each with where it came from (file or journal line). */
  signatures: Array<{ source: string; text: string }>;
  signers?: AllowedSigners;
  allowUnsigned: boolean;
  now: Date;
  /** Where the plan came from, for messages. */
  planName: string;
}

/**
 * Verifies every signature: each must be a `firebook-plan` SSHSIG over the plan's bytes by a
 * key allowed_signers trusts now. One bad signature refuses the plan (a stale or forged file is
 * never silently skipped). Without signatures (or without allowed_signers) the plan runs only
 * with `allowUnsigned`, and is then `{ verified: false }`.
 */
export function checkApproval(input: ApprovalInput): { result?: ApprovalResult; issues: UserIssue[] } {
  const issues: UserIssue[] = [];
  const hintSign = `have it approved: firebook approve ${input.planName} --key ~/.ssh/id_ed25519; or run with --allow-unsigned (every report and journal line then says "${NOT_VERIFIED}")`;
  if (input.signatures.length === 0) {
    if (input.allowUnsigned) return { result: { verified: false }, issues };
    return { issues: [{ code: 'cli-usage', message: `${input.planName} is not signed by any approver`, hint: hintSign }] };
  }
  if (!input.signers) {
    if (input.allowUnsigned) return { result: { verified: false }, issues };
    return { issues: [{ code: 'cli-usage', message: `${input.planName} is signed, but no allowed_signers file says whose keys approve plans`, hint: `pass --allowed-signers FILE (or set ${ALLOWED_SIGNERS_ENV}); see docs/change-window.md` }] };
  }
  const approvers = new Map<string, Approver>();
  for (const s of input.signatures) {
    let sig;
    try {
      sig = parseSignature(s.text);
    } catch (err) {
      issues.push({ code: 'cli-usage', message: `${s.source}: ${(err as Error).message}`, hint: 'remove the file or sign again with firebook approve' });
      continue;
    }
    if (sig.namespace !== PLAN_NAMESPACE) {
      issues.push({ code: 'cli-usage', message: `${s.source}: the signature is for namespace '${sig.namespace}', not '${PLAN_NAMESPACE}'`, hint: 'sign with firebook approve (or ssh-keygen -Y sign -n firebook-plan)' });
      continue;
    }
    if (!verifySignature(sig, PLAN_NAMESPACE, input.planBytes)) {
      issues.push({ code: 'cli-usage', message: `${s.source}: the signature does not match ${input.planName} (the plan was changed after it was signed, or the signature belongs to another plan)`, hint: 'make a new plan and have it approved; never edit plan.json' });
      continue;
    }
    const lines = trustedSigners(input.signers, sig.publicKey, PLAN_NAMESPACE, input.now);
    if (lines.length === 0) {
      issues.push({ code: 'cli-usage', message: `${s.source}: signed by ${sig.publicKey.type} key ${sig.publicKey.fingerprint}, which ${input.signers.file} does not trust to approve plans now (not listed, namespaces, valid-after/valid-before)`, hint: 'add the approver\'s public key to the allowed_signers file, or have a listed approver sign' });
      continue;
    }
    approvers.set(sig.publicKey.fingerprint, { principal: [...new Set(lines.map((l) => l.principals))].join(' '), key: sig.publicKey.fingerprint });
  }
  if (issues.length) return { issues };
  return { result: { verified: true, approvers: [...approvers.values()] }, issues };
}

/** The signatures beside a plan file, read. */
export function readSignatureFiles(planFile: string): Array<{ source: string; text: string }> {
  return signatureFiles(planFile).map((f) => ({ source: f, text: readFileSync(f, 'utf8') }));
}

/** "alice@example.com, bob@example.com" or "approval not verified". */
export function approverText(result: ApprovalResult): string {
  return result.verified ? result.approvers.map((a) => a.principal).join(', ') : NOT_VERIFIED;
}
