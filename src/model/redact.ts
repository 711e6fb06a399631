/**
 * The one rule for what is secret, and the one redaction function every output path (events,
 * events.jsonl, reports, recordings, errors, console, `--json`, `firebook inventory`) goes
 * through. Judging never sees redacted text: parsers and conditions read the raw device output;
 * redaction applies to what is stored or shown (docs/secrets.md has the full rule).
 */

export const REDACTED = '********';

/** Last words (trailing digits dropped: `password2`) that make a name a secret. */
const SECRET_LAST_WORDS = new Set([
  'password', 'passwords', 'passwd', 'pass', 'pwd', 'pw',
  'secret', 'secrets', 'token', 'tokens',
  'passphrase', 'passphrases', 'credential', 'credentials', 'apikey',
  'key', 'keys', 'psk', 'community', 'communities',
]);
/** Endings of a last word that make it a secret when glued to other words (`adminpassword`,
 * `enablesecret`, `snmpcommunity`). Only words no innocent word ends with. */
const SECRET_SUFFIXES = ['password', 'passwd', 'passphrase', 'secret', 'token', 'community'];
/** Last two words that are NOT a secret although the last word is (`ssh_public_key`). */
const NOT_SECRET_PAIRS = new Set(['public key', 'public keys', 'host key', 'host keys']);

/** Words of an identifier: split at `_`, `-`, `.`, other punctuation and camelCase humps. */
function wordsOf(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function isSecretIdentifier(identifier: string): boolean {
  const words = wordsOf(identifier);
  if (words.length === 0) return false;
  const last = words[words.length - 1].replace(/(?<=[a-z])\d+$/, '');
  if (words.length >= 2 && NOT_SECRET_PAIRS.has(`${words[words.length - 2]} ${last}`)) return false;
  if (SECRET_LAST_WORDS.has(last) || SECRET_SUFFIXES.some((x) => last.endsWith(x))) return true;
  // `*passphrase*` anywhere; `vault` is Ansible's convention for variables holding vaulted
  // values (`vault_db_password`) and names its flags (`--vault-id`).
  return words.some((w) => w.includes('passphrase') || w === 'vault');
}

/**
 * True when a variable name IS a secret (docs/secrets.md "What is a secret"): split into words
 * (`_ - .`, camelCase), its last word — trailing digits dropped — is password(s)/passwd/pass/
 * pwd/pw/secret(s)/token(s)/passphrase(s)/credential(s)/apikey/key(s)/psk/community, or ends
 * with password/passwd/passphrase/secret/token/community (`adminpassword`); but not
 * `public key`/`host key`. Or it contains `passphrase` or the word `vault`. The LAST word
 * decides, so a name for a path, a file, a length or a URL is not a secret (`password_file`,
 * `ssh_key_file`, `token_url`), nor names that merely contain `pass` (`bypass_proxy`). Given a
 * text with several identifiers (`{ssh_pass: x}`), true when any of them is a secret name.
 */
export function isSecretName(name: string): boolean {
  return name.split(/[^A-Za-z0-9_.-]+/).some((id) => id !== '' && isSecretIdentifier(id));
}

/** Every scalar inside a value, as text (booleans and null carry no secret). */
function leavesOf(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    if (value !== '') out.push(value);
  } else if (typeof value === 'number' || typeof value === 'bigint') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) leavesOf(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) leavesOf(v, out);
}

/**
 * Secret values in variables, at any depth: every scalar under a secret name (see
 * isSecretName) or under one of `extraSecretNames` (top-level names, e.g. inputs marked
 * `secret`), whether the name sits at the top or inside nested dicts and lists.
 */
export function secretValuesOf(vars: Record<string, unknown>, extraSecretNames: Iterable<string> = []): string[] {
  const extra = new Set(extraSecretNames);
  const out: string[] = [];
  const walk = (value: unknown, depth: number): void => {
    if (Array.isArray(value)) for (const v of value) walk(v, depth + 1);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (isSecretName(k) || (depth === 0 && extra.has(k))) leavesOf(v, out);
        else walk(v, depth + 1);
      }
    }
  };
  walk(vars, 0);
  return [...new Set(out)];
}

/** Secrets shorter than this are replaced only where they stand alone as a word (see redact). */
export const MIN_SUBSTRING_SECRET_LENGTH = 4;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Shortest shifted base64 fragment used (6 bytes of the secret): shorter ones would match
 * unrelated base64 text. */
const MIN_BASE64_FRAGMENT = 8;

/** The base64 characters that encode only bytes of `bytes` when it starts `shift` bytes into a
 * longer text (shift 0, 1, 2 = the three alignments): bits [8·shift, 8·(shift+n)) of the
 * stream, whole 6-bit characters only. */
function base64Fragment(bytes: Buffer, shift: number): string {
  const text = Buffer.concat([Buffer.alloc(shift), bytes, Buffer.alloc(2)]).toString('base64');
  return text.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + bytes.length)) / 6));
}

/**
 * The forms a secret takes in text that firebook stores or shows (docs/secrets.md "Forms"):
 * itself; JSON-escaped; shell-quoted (inside '…' as `'\''`, inside "…", and backslash-escaped);
 * URL-encoded (upper- and lower-case hex, `+` for space); base64 and base64url, whole and as
 * the fragment of each of the 3 alignments inside a longer base64 text (when that fragment is
 * at least 8 characters).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret]);
  if (secret.length < MIN_SUBSTRING_SECRET_LENGTH) return [...forms];
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(secret.replace(/'/g, `'\\''`));
  forms.add(secret.replace(/[\\"$`]/g, '\\$&'));
  forms.add(secret.replace(/[^A-Za-z0-9_\-.,:/@%+=]/g, '\\$&'));
  const url = encodeURIComponent(secret);
  forms.add(url);
  forms.add(url.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
  forms.add(url.replace(/%20/g, '+'));
  const bytes = Buffer.from(secret, 'utf8');
  const b64 = bytes.toString('base64');
  forms.add(b64);
  forms.add(b64.replace(/=+$/, ''));
  forms.add(bytes.toString('base64url'));
  for (const shift of [0, 1, 2]) {
    const fragment = base64Fragment(bytes, shift);
    if (fragment.length >= MIN_BASE64_FRAGMENT) {
      forms.add(fragment);
      forms.add(fragment.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...forms];
}

/** A function that redacts the given secrets, in every form of secretForms, from a text (built
 * once for many texts). */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const given = [...new Set(secrets)].filter((s) => typeof s === 'string' && s !== '' && s !== REDACTED);
  const usable = [...new Set(given.flatMap(secretForms))].filter((s) => s !== REDACTED).sort((a, b) => b.length - a.length);
  if (usable.length === 0) return (text) => text;
  const long = usable.filter((s) => s.length >= MIN_SUBSTRING_SECRET_LENGTH);
  const short = usable.filter((s) => s.length < MIN_SUBSTRING_SECRET_LENGTH);
  // A 1-3 character secret inside other words (`22` in `2022`, `ab` in `table`) is not the
  // secret: replacing those would ruin the evidence and protect nothing.
  const shortRe = short.length ? new RegExp(`(?<![A-Za-z0-9])(?:${short.map(escapeRegExp).join('|')})(?![A-Za-z0-9])`, 'g') : undefined;
  return (text) => {
    if (text.length === 0) return text;
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const s of long) if (out.includes(s)) out = out.split(s).join(REDACTED);
    if (shortRe) out = out.replace(shortRe, REDACTED);
    return out;
  };
}

/** Replaces every occurrence of each secret in `text` with REDACTED: secrets of 4 characters
 * or more wherever they occur, shorter ones where they stand alone (not touching a letter or
 * digit). */
export function redact(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || text.length === 0) return text;
  return createRedactor(secrets)(text);
}

/** Redacts every string inside a JSON-like value, keys included. Parts without a secret are the
 * same objects (never mutate the result in place). */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const r = createRedactor(secrets);
  // What holds no secret is returned as it is (shared, not copied): a run redacts every host's
  // result, and most of it (titles, tags, conditions) holds none.
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return r(v);
    if (Array.isArray(v)) {
      const out = v.map(walk);
      return out.some((x, i) => x !== v[i]) ? out : v;
    }
    if (v && typeof v === 'object') {
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const key = r(k);
        const y = walk(x);
        if (key !== k || y !== x) changed = true;
        out[key] = y;
      }
      return changed ? out : v;
    }
    return v;
  };
  return walk(value) as T;
}

/**
 * Variables as they may be shown: every scalar under a secret name (any depth, any length)
 * becomes REDACTED, and every known secret value (`secretValues`, e.g. vaulted values, plus
 * those found by name) is masked wherever else it appears.
 */
export function redactVars(vars: Record<string, unknown>, opts: { secretNames?: Iterable<string>; secretValues?: readonly string[] } = {}): Record<string, unknown> {
  const extra = new Set(opts.secretNames ?? []);
  const mask = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(mask);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
    return value === null || value === undefined || typeof value === 'boolean' ? value : REDACTED;
  };
  const byName = (value: unknown, depth: number): unknown => {
    if (Array.isArray(value)) return value.map((v) => byName(v, depth + 1));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = isSecretName(k) || (depth === 0 && extra.has(k)) ? mask(v) : byName(v, depth + 1);
      return out;
    }
    return value;
  };
  const values = [...secretValuesOf(vars, extra), ...(opts.secretValues ?? [])];
  return redactDeep(byName(vars, 0) as Record<string, unknown>, values);
}

/** The secret values of a connection (passwords, passphrase), for redaction; with a user and a
 * password also `user:password`, whose base64 is what `Authorization: Basic …` carries (`curl -u`). */
export function connectionSecrets(spec: { user?: string; password?: string; becomePassword?: string; passphrase?: string }): string[] {
  const basic = spec.user && spec.password ? [`${spec.user}:${spec.password}`] : [];
  return [spec.password, spec.becomePassword, spec.passphrase, ...basic].filter((s): s is string => typeof s === 'string' && s !== '');
}
