/**
 * Ansible Vault: decrypting `$ANSIBLE_VAULT;1.1;AES256` and `$ANSIBLE_VAULT;1.2;AES256;<id>`
 * data (inline `!vault` values and whole encrypted files) with Node's crypto, and reading vault
 * passwords the way ansible-core does (ansible/parsing/vault): a password file (whitespace
 * stripped), or an executable whose stdout is the password (`*-client` scripts get
 * `--vault-id <label>`). Every decrypted value is a secret (kept in `Vault.revealed`).
 */
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import type { SourceLocation } from '../model/playbook.js';

/** Ansible's default vault id (`--vault-password-file`, `--vault-id FILE`). */
export const DEFAULT_VAULT_ID = 'default';

/** One vault password and the id it is known by. */
export interface VaultSecret {
  id: string;
  password: Buffer;
  /** Where it came from (a file or script path), for messages. */
  source: string;
}

/** Where a vault password comes from: `--vault-id label@file`, `--vault-password-file file`. */
export interface VaultSource {
  id: string;
  file: string;
  /** The flag that named it, for messages. */
  flag: string;
}

/** True when `text` is vault-encrypted data (a file's contents or an inline value). */
export function isVaultText(text: string): boolean {
  return text.startsWith('$ANSIBLE_VAULT;');
}

type DecryptFailure = { reason: 'format'; detail: string } | { reason: 'no-match'; triedIds: string[] };

/** Parses the envelope and tries each secret (those whose id matches the 1.2 header first, as
 * Ansible does); the HMAC, checked in constant time, tells a wrong password before decrypting. */
export function decryptVaultText(text: string, secrets: readonly VaultSecret[]): { plaintext: string; vaultId: string } | DecryptFailure {
  const [headerLine, ...body] = text.split(/\r?\n/);
  const header = headerLine.trim().split(';').map((s) => s.trim());
  if (header[0] !== '$ANSIBLE_VAULT' || !['1.1', '1.2'].includes(header[1] ?? '')) return { reason: 'format', detail: `unsupported vault header '${headerLine.slice(0, 60)}'` };
  if (header[2] !== 'AES256') return { reason: 'format', detail: `unsupported cipher '${header[2] ?? ''}' (only AES256 exists)` };
  const headerId = header[3];
  const outer = body.join('').replace(/\s+/g, '');
  const inner = unhex(outer)?.toString('latin1');
  const parts = inner?.split('\n');
  if (!parts || parts.length !== 3) return { reason: 'format', detail: 'the encrypted data is not hex-encoded salt, HMAC and ciphertext' };
  const [salt, mac, ciphertext] = parts.map(unhex);
  if (!salt || !mac || !ciphertext || ciphertext.length === 0 || ciphertext.length % 16 !== 0) return { reason: 'format', detail: 'the encrypted data is damaged (bad hex or length)' };
  const ordered = [...secrets.filter((s) => s.id === headerId), ...secrets.filter((s) => s.id !== headerId)];
  for (const secret of ordered) {
    const derived = pbkdf2Sync(secret.password, salt, 10_000, 80, 'sha256');
    const [aesKey, hmacKey, iv] = [derived.subarray(0, 32), derived.subarray(32, 64), derived.subarray(64, 80)];
    const expected = createHmac('sha256', hmacKey).update(ciphertext).digest();
    if (expected.length !== mac.length || !timingSafeEqual(expected, mac)) continue;
    const decipher = createDecipheriv('aes-256-ctr', aesKey, iv);
    const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    const pad = padded[padded.length - 1];
    if (pad < 1 || pad > 16 || !padded.subarray(padded.length - pad).every((b) => b === pad)) return { reason: 'format', detail: 'bad padding after decryption' };
    return { plaintext: padded.subarray(0, padded.length - pad).toString('utf8'), vaultId: secret.id };
  }
  return { reason: 'no-match', triedIds: [...new Set(ordered.map((s) => s.id))] };
}

function unhex(text: string | undefined): Buffer | undefined {
  if (text === undefined || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return Buffer.from(text, 'hex');
}

const FLAG_HINT = 'pass --vault-password-file FILE or --vault-id [LABEL@]FILE (or set ANSIBLE_VAULT_PASSWORD_FILE)';

/** The vault passwords of one firebook invocation, and every value they revealed. */
export class Vault {
  /** Every decrypted value (scalars of whole encrypted files included): all secrets. */
  readonly revealed = new Set<string>();
  /** Key derivation costs ~10-20 ms per value (PBKDF2, 10,000 rounds, a salt per value); the
   * same vaulted text copied into many host_vars files is derived once. */
  private readonly opened = new Map<string, string>();

  constructor(readonly secrets: readonly VaultSecret[] = []) {}

  /**
   * Decrypts vaulted `text` found at `where` (`what` names it in messages, e.g. "the !vault
   * value of 'ansible_password'"). No password, a wrong one or damaged data is a UserError
   * (exit 4) with the place and the flag to use; never a stack trace.
   */
  open(text: string, where: SourceLocation, what: string): string {
    if (this.secrets.length === 0) {
      throw new UserError({ code: 'vault', message: `${what} is encrypted with Ansible Vault and no vault password was given`, location: where, hint: FLAG_HINT });
    }
    const known = this.opened.get(text);
    if (known !== undefined) return known;
    const result = decryptVaultText(text, this.secrets);
    if ('plaintext' in result) {
      this.opened.set(text, result.plaintext);
      return result.plaintext;
    }
    if (result.reason === 'format') throw new UserError({ code: 'vault', message: `${what}: ${result.detail}`, location: where, hint: 're-encrypt it with ansible-vault' });
    throw new UserError({
      code: 'vault',
      message: `${what} is encrypted with Ansible Vault and none of the vault passwords given decrypts it (vault ids tried: ${result.triedIds.join(', ')})`,
      location: where,
      hint: `check the password, or ${FLAG_HINT}`,
    });
  }

  /** Records every scalar inside `value` as revealed (a whole encrypted file's contents). */
  markRevealed(value: unknown): void {
    if (typeof value === 'string') {
      if (value !== '') this.revealed.add(value);
    } else if (typeof value === 'number') this.revealed.add(String(value));
    else if (Array.isArray(value)) value.forEach((v) => this.markRevealed(v));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => this.markRevealed(v));
  }
}

/** `--vault-id [label@]source`: Ansible's syntax (no label → `default`). */
export function parseVaultId(value: string): VaultSource {
  const at = value.indexOf('@');
  // A path may hold `@` too (`./a@b`): a label is a plain word.
  if (at > 0 && /^[A-Za-z0-9_.-]+$/.test(value.slice(0, at))) return { id: value.slice(0, at), file: value.slice(at + 1), flag: `--vault-id ${value}` };
  return { id: DEFAULT_VAULT_ID, file: value, flag: `--vault-id ${value}` };
}

function sourceError(src: VaultSource, message: string, hint: string): UserError {
  return new UserError({ code: 'vault', message: `${src.flag}: ${message}`, hint });
}

/** Reads the password of each source: a file's contents, or an executable's stdout. */
export function readVaultSecrets(sources: readonly VaultSource[], cwd: string): VaultSecret[] {
  return sources.map((src) => {
    if (src.file === 'prompt' || src.file === '') {
      throw sourceError(src, 'prompting for a vault password is not supported (firebook runs without a terminal in cron and CI)', 'put the password in a file readable only by you, or a script that prints it, and pass its path');
    }
    const path = resolve(cwd, src.file);
    let mode: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) throw new Error('not a file');
      mode = st.mode;
    } catch {
      throw new UserError({ code: 'file-not-found', message: `${src.flag}: vault password file ${src.file} does not exist`, hint: 'name a file holding the vault password, or an executable that prints it' });
    }
    let password: string;
    if (mode & 0o111) {
      const isClient = basename(path, extname(path)).endsWith('-client');
      try {
        const out = execFileSync(path, isClient ? ['--vault-id', src.id] : [], { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, maxBuffer: 1 << 20 });
        password = out.toString('utf8').replace(/^[\r\n]+|[\r\n]+$/g, '');
      } catch (err) {
        const e = err as { status?: number | null; stderr?: Buffer; message: string };
        const why = e.stderr?.toString('utf8').trim().split('\n')[0] || (e.status != null ? `exit ${e.status}` : e.message.split('\n')[0]);
        throw sourceError(src, `the vault password script failed (${why})`, 'run it by hand: it must print the password and exit 0');
      }
    } else {
      password = readFileSync(path, 'utf8').trim();
    }
    if (password === '') throw sourceError(src, `the vault password from ${src.file} is empty`, 'put the password in the file (or make the script print it)');
    return { id: src.id, password: Buffer.from(password, 'utf8'), source: src.file };
  });
}
