/**
 * OpenSSH's allowed_signers file (docs/change-window.md "allowed_signers"): one key per line,
 * `PRINCIPALS [OPTIONS] KEYTYPE BASE64 [COMMENT]`. Options: `namespaces="p1,p2"` (patterns the
 * signature's namespace must match), `valid-after="YYYYMMDD[HHMM[SS]][Z]"`, `valid-before=…`,
 * and `cert-authority`, which firebook does not support: such a line is never trusted (and
 * reported), so a certificate never approves anything.
 */
import { readFileSync } from 'node:fs';
import { UserError, type UserIssue } from '../model/errors.js';
import { parsePublicKey, type SshPublicKey } from './sshsig.js';

export interface AllowedSigner {
  principals: string;
  key: SshPublicKey;
  namespaces?: string[];
  validAfter?: Date;
  validBefore?: Date;
  line: number;
}

export interface AllowedSigners {
  file: string;
  signers: AllowedSigner[];
  /** Lines left out, each with why (cert-authority). */
  ignored: string[];
}

/** `*` and `?` wildcards, as OpenSSH's match_pattern. */
function matchPattern(text: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return re.test(text);
}

/** A comma-separated pattern list; a `!pattern` that matches refuses (OpenSSH's match_pattern_list). */
export function matchPatternList(text: string, list: readonly string[]): boolean {
  let matched = false;
  for (const p of list) {
    if (p.startsWith('!')) {
      if (matchPattern(text, p.slice(1))) return false;
    } else if (matchPattern(text, p)) matched = true;
  }
  return matched;
}

/** `YYYYMMDD[HHMM[SS]][Z]`: UTC with Z, else local time (as ssh-keygen). */
function parseTime(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z)?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0));
  const date = m[7] ? new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)) : new Date(y!, mo! - 1, d!, h!, mi!, s!);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Splits `a,b="x,y",c` into [name, value?] at commas outside quotes. */
function splitOptions(text: string): Array<[string, string | undefined]> | undefined {
  const out: Array<[string, string | undefined]> = [];
  const re = /([A-Za-z-]+)(?:="([^"]*)")?(,|$)/y;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m || m[0] === '') return undefined;
    out.push([m[1]!.toLowerCase(), m[2]]);
    pos = re.lastIndex;
    if (m[3] === '' && pos < text.length) return undefined;
  }
  return out;
}

/** Parses the text of an allowed_signers file; every bad line is an issue at file:line. */
export function parseAllowedSigners(text: string, file: string): AllowedSigners {
  const signers: AllowedSigner[] = [];
  const ignored: string[] = [];
  const issues: UserIssue[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = { file, line: i + 1, col: 1 };
    const bad = (message: string) => issues.push({ code: 'schema', message: `allowed signers: ${message}`, location: at, hint: 'format: PRINCIPALS [namespaces="firebook-plan"] KEYTYPE BASE64KEY (see docs/change-window.md)' });
    // Fields are separated by blanks; quoted option values may hold blanks.
    const fields = line.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
    const [principals, ...rest] = fields;
    const isKeyType = (t: string | undefined) => !!t && /^(ssh-|ecdsa-|sk-)/.test(t);
    const options = rest.length > 0 && !isKeyType(rest[0]) ? rest.shift()! : undefined;
    const [type, b64] = rest;
    if (!principals || !type || !b64) return void bad('a line needs principals, a key type and a base64 key');
    const signer: Partial<AllowedSigner> = { principals, line: i + 1 };
    let certAuthority = false;
    if (options !== undefined) {
      const opts = splitOptions(options);
      if (!opts) return void bad(`cannot read the options '${options}'`);
      for (const [name, value] of opts) {
        if (name === 'cert-authority') certAuthority = true;
        else if (name === 'namespaces' && value !== undefined) signer.namespaces = value.split(',').map((s) => s.trim());
        else if ((name === 'valid-after' || name === 'valid-before') && value !== undefined) {
          const d = parseTime(value);
          if (!d) return void bad(`${name}="${value}" is not YYYYMMDD[HHMM[SS]][Z]`);
          if (name === 'valid-after') signer.validAfter = d;
          else signer.validBefore = d;
        } else return void bad(`unknown option '${name}'`);
      }
    }
    if (certAuthority) {
      ignored.push(`${file}:${i + 1}: cert-authority lines are not supported (firebook verifies plain keys only); this line trusts nothing`);
      return;
    }
    let key: SshPublicKey;
    try {
      key = parsePublicKey(Buffer.from(b64, 'base64'));
    } catch (err) {
      return void bad(`the key cannot be read: ${(err as Error).message}`);
    }
    if (key.type !== type) return void bad(`the key is ${key.type}, the line says ${type}`);
    signers.push({ ...signer, key } as AllowedSigner);
  });
  if (issues.length) throw new UserError(issues);
  return { file, signers, ignored };
}

/** Reads an allowed_signers file (`flag` names where it came from in errors). */
export function readAllowedSigners(file: string, flag: string): AllowedSigners {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError({ code: 'file-not-found', message: `${flag} ${file}: ${(err as Error).message}`, hint: 'an OpenSSH allowed_signers file: one line per approver (see docs/change-window.md)' });
  }
  return parseAllowedSigners(text, file);
}

/** The lines that trust `key` for `namespace` at `now` (empty: not trusted). */
export function trustedSigners(signers: AllowedSigners, key: SshPublicKey, namespace: string, now: Date): AllowedSigner[] {
  return signers.signers.filter(
    (s) =>
      s.key.blob.equals(key.blob) &&
      (!s.namespaces || matchPatternList(namespace, s.namespaces)) &&
      (!s.validAfter || now.getTime() >= s.validAfter.getTime()) &&
      (!s.validBefore || now.getTime() <= s.validBefore.getTime()),
  );
}
