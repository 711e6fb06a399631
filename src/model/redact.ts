/** The one redaction function: every output path (events, reports, logs, errors) goes through it. */

export const REDACTED = '********';

/** Variable names whose values are secrets, whatever the playbook declares. `credential` and
 * `vault` (Ansible's convention names vaulted variables `vault_*`; `--vault-id`) were added for
 * argv masking (report/sanitize.ts). */
const SECRET_NAME = /(pass(word|wd|phrase)?|secret|token|api[_-]?key|private[_-]?key(?!_file)|credential|vault)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Collects secret values (strings of length >= 3) from variables by name. */
export function secretValuesOf(vars: Record<string, unknown>, extraSecretNames: Iterable<string> = []): string[] {
  const extra = new Set(extraSecretNames);
  const out: string[] = [];
  for (const [k, v] of Object.entries(vars)) {
    if (!(isSecretName(k) || extra.has(k))) continue;
    if (typeof v === 'string' && v.length >= 3) out.push(v);
    if (typeof v === 'number') out.push(String(v));
  }
  return out;
}

/** Replaces every occurrence of each secret in `text` with REDACTED. Longest secrets first,
 * so a secret that contains another is replaced whole. */
export function redact(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || text.length === 0) return text;
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length >= 3 && out.includes(s)) out = out.split(s).join(REDACTED);
  }
  return out;
}

/** Redacts every string inside a JSON-like value (returns a copy). */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, secrets);
    return out as T;
  }
  return value;
}

/** The secret values of a connection (passwords, passphrase), for redaction. */
export function connectionSecrets(spec: { password?: string; becomePassword?: string; passphrase?: string }): string[] {
  return [spec.password, spec.becomePassword, spec.passphrase].filter((s): s is string => typeof s === 'string' && s.length >= 3);
}
