/** `firebook verify RUN_DIR`: is a run folder what the run wrote? Every file against SHA256SUMS,
 * then SHA256SUMS against its signature, SHA256SUMS.sig (docs/history.md "Signed evidence"). */
import { closeSync, openSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDirectory } from '../../io/atomic-file.js';
import { missingFileHint } from '../../io/missing-file.js';
import { EXIT, UserError } from '../../model/errors.js';
import { CHECKSUMS_FILE, CHECKSUMS_SIGNATURE_FILE } from '../../model/run-folder.js';
import { allowedSignersFrom, ALLOWED_SIGNERS_ENV } from '../../change/approval.js';
import { checkEvidenceSignature, type EvidenceSignature } from '../../sign/evidence.js';
import { EVIDENCE_NAMESPACE } from '../../sign/sshsig.js';
import { checkChecksums, readChecksums, type ChecksumFinding } from '../../store/checksums.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';

const USAGE = `Usage: firebook verify RUN_DIR [--allowed-signers FILE] [--json]

Checks a run folder: every file's SHA-256 against SHA256SUMS (a changed file, a missing one
and a file SHA256SUMS does not list are each reported), then, when SHA256SUMS.sig exists, its
SSH signature over SHA256SUMS (namespace ${EVIDENCE_NAMESPACE}) against the allowed signers, and
names the signer. Without allowed signers, a folder without SHA256SUMS.sig is checked by its
digests only, and said so; with them, a missing SHA256SUMS.sig is a failure.
The same signature check with OpenSSH:
  ssh-keygen -Y verify -n ${EVIDENCE_NAMESPACE} -f allowed_signers -I NAME -s SHA256SUMS.sig < SHA256SUMS

Options:
  --allowed-signers FILE  OpenSSH allowed_signers: whose keys sign run folders (default:
                          $${ALLOWED_SIGNERS_ENV}); a line's namespaces= must allow "${EVIDENCE_NAMESPACE}"
  --json                  one JSON object on stdout instead of the lines

Exit codes: 0 verified · 2 not verified: a file changed, missing or unlisted, SHA256SUMS
            missing, the signature missing while allowed signers are given, or unreadable, of another namespace, not matching
            SHA256SUMS or by a key the allowed signers do not trust · 4 invalid input (no
            such folder, a bad allowed_signers file, a bad flag): nothing was checked
`;

const OPTIONS = {
  'allowed-signers': { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies OptionsSpec;

/** No SSH signature comes near this; a bigger SHA256SUMS.sig is not read whole. */
const MAX_SIGNATURE_BYTES = 64 * 1024;

/** SHA256SUMS.sig's text, undefined when there is none, or why it cannot be read. */
function readSignature(dir: string): { text?: string; error?: string } {
  let fd: number;
  try {
    fd = openSync(join(dir, CHECKSUMS_SIGNATURE_FILE), 'r');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code === 'ENOENT' ? {} : { error: e.message };
  }
  try {
    const buf = Buffer.alloc(MAX_SIGNATURE_BYTES + 1);
    let n = 0;
    for (let got; n < buf.length && (got = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += got;
    if (n > MAX_SIGNATURE_BYTES) return { error: `larger than ${MAX_SIGNATURE_BYTES} bytes: not an SSH signature` };
    return { text: buf.subarray(0, n).toString('utf8') };
  } catch (err) {
    return { error: (err as Error).message };
  } finally {
    closeSync(fd);
  }
}

function findingLine(f: ChecksumFinding): string {
  switch (f.problem) {
    case 'changed':
      return `${f.file}: changed since SHA256SUMS was written (${f.detail})`;
    case 'missing':
      return `${f.file}: missing (SHA256SUMS lists it)`;
    case 'unlisted':
      return `${f.file}: not listed in SHA256SUMS (added after the run)`;
    case 'unreadable':
      return `${f.file}: cannot be read (${f.detail})`;
    case 'bad-line':
      return `${f.file}: not a line of a manifest: ${f.detail}`;
  }
}

const signer = (s: Extract<EvidenceSignature, { status: 'good' }>) => `${s.principals.join(', ')} (${s.key})`;

function signatureLine(s: EvidenceSignature): string {
  const at = `${CHECKSUMS_SIGNATURE_FILE}:`;
  switch (s.status) {
    case 'good':
      return `${at} good signature of SHA256SUMS by ${signer(s)}`;
    case 'unreadable':
      return `${at} not a readable SSH signature (${s.reason})`;
    case 'other-namespace':
      return `${at} signed for namespace "${s.namespace}", not "${EVIDENCE_NAMESPACE}", by ${s.key}: refused (a signature for another purpose never vouches for a run folder)`;
    case 'mismatch':
      return `${at} does not match SHA256SUMS (signed by ${s.key}): SHA256SUMS changed after it was signed`;
    case 'untrusted':
      return `${at} signed by ${s.key}, which is not a trusted signer: ${s.why}`;
  }
}

/** `firebook verify`. */
export const command: CliCommand = {
  name: 'verify',
  summary: "check a run folder's files against SHA256SUMS and its signature SHA256SUMS.sig; name the signer",
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values: v, positionals } = parseCommandArgs('verify', argv, OPTIONS);
    const usage = (message: string, hint = "run 'firebook verify --help'") => new UserError({ code: 'cli-usage', message: `firebook verify: ${message}`, hint });
    if (positionals.length !== 1) throw usage(positionals.length ? `unexpected argument '${positionals[1]}'` : 'name one run folder (reports/<run-id>)');
    const arg = positionals[0]!;
    const dir = resolve(io.cwd, arg);
    if (!isDirectory(dir)) throw new UserError({ code: 'file-not-found', message: `firebook verify: ${arg}: no such folder`, hint: missingFileHint(arg, 'name a run folder (reports/<run-id>), the one holding SHA256SUMS', io.cwd) });
    const signers = allowedSignersFrom(v['allowed-signers'] === undefined ? undefined : resolve(io.cwd, v['allowed-signers']), io.env);
    for (const line of signers?.ignored ?? []) io.stderr.write(`firebook verify: warning: ${line}\n`);

    const lines: string[] = [];
    let sums: Buffer | undefined;
    try {
      sums = readChecksums(dir);
    } catch (err) {
      lines.push(`${CHECKSUMS_FILE}: cannot be read (${(err as Error).message})`);
    }
    const digests = sums ? checkChecksums(dir, sums) : { listed: 0, findings: [] };
    if (!sums && lines.length === 0) lines.push(`${CHECKSUMS_FILE}: missing: nothing says what the run wrote`);
    lines.push(...digests.findings.map(findingLine));
    const sigFile = readSignature(dir);
    const signature: EvidenceSignature | undefined = sigFile.error !== undefined ? { status: 'unreadable', reason: sigFile.error } : sigFile.text !== undefined && sums ? checkEvidenceSignature(sums, sigFile.text, signers, new Date()) : undefined;
    // Allowed signers given means a signature is expected: removing SHA256SUMS.sig (and rewriting
    // SHA256SUMS) is how an edited folder would pass as "digests only" (docs/history.md).
    const missingSignature = !signature && sums !== undefined && signers !== undefined;
    const failures = lines.length + (signature && signature.status !== 'good' ? 1 : 0) + (missingSignature ? 1 : 0);
    if (signature) lines.push(signatureLine(signature));
    else if (missingSignature) lines.push(`${CHECKSUMS_SIGNATURE_FILE}: missing: allowed signers were given, so a signature is expected (a folder whose signature was removed is not verified)`);
    else if (sums) lines.push(`${CHECKSUMS_SIGNATURE_FILE}: none: the folder is not signed (digests only)`);
    const ok = failures === 0;
    const counted = `${digests.listed} file${digests.listed === 1 ? '' : 's'} match SHA256SUMS`;
    const verdict = ok
      ? `verified: ${arg}: ${counted}; ${signature?.status === 'good' ? `signed by ${signer(signature)}` : 'not signed (digests only: whoever can write the folder can also rewrite SHA256SUMS)'}`
      : `NOT VERIFIED: ${arg}: ${failures} problem${failures === 1 ? '' : 's'}`;
    if (v.json) {
      io.stdout.write(`${JSON.stringify({ dir, verified: ok, files: digests.listed, findings: digests.findings, signature: signature ?? null, messages: lines, verdict })}\n`);
    } else {
      for (const line of lines) io.stdout.write(`${line}\n`);
      io.stdout.write(`${verdict}\n`);
    }
    return ok ? EXIT.ok : EXIT.checkFailed;
  },
};
