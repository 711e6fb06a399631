/**
 * `group_vars/` and `host_vars/` beside the inventory, found the way Ansible's host_group_vars
 * plugin and DataLoader.find_vars_files do: the first of `<name>`, `<name>.yml`,
 * `<name>.yaml`, `<name>.json` that exists wins; if it is a folder, every file in it (sorted,
 * recursively, skipping hidden files, `~` backups and other extensions) is merged in order.
 * Empty files are ignored; anything but a mapping is an error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { checkFileSize } from '../io/input-limits.js';
import { extname, join } from 'node:path';
import { UserError } from '../model/errors.js';
import { parseYamlWithPositions, toPlainValue } from './parse-yaml.js';
import { isVaultText, Vault } from './vault.js';

const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

function kindOf(path: string): 'file' | 'dir' | undefined {
  try {
    // No exception for a missing path: it is asked once per host (docs/faults.md "Denial of service").
    const st = statSync(path, { throwIfNoEntry: false });
    return st?.isDirectory() ? 'dir' : st?.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

function listDirFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const full = join(dir, entry);
    const ext = extname(entry);
    const kind = kindOf(full);
    if (kind === 'dir' && !ext) out.push(...listDirFiles(full));
    else if (kind === 'file' && EXTENSIONS.includes(ext)) out.push(full);
  }
  return out;
}

/** The vars files for one group or host, in the order they are merged. */
export function findVarsFiles(varsDir: string, name: string): string[] {
  if (kindOf(varsDir) !== 'dir') return [];
  for (const ext of EXTENSIONS) {
    const candidate = join(varsDir, name + ext);
    const kind = kindOf(candidate);
    if (kind === 'dir') return listDirFiles(candidate);
    if (kind === 'file') return [candidate];
  }
  return [];
}

/** Reads one vars file: a mapping of variables (empty file → {}); vault-encrypted files and
 * inline `!vault` values are decrypted with `vault`. */
export function readVarsFile(file: string, vault: Vault = new Vault()): Record<string, unknown> {
  checkFileSize(file);
  return parseVarsText(readFileSync(file, 'utf8'), file, vault);
}

/** Parses the text of a vars file (also `-e @file`): YAML 1.1 as Ansible reads it. A whole
 * vault-encrypted file is decrypted first, and every value in it is a secret. */
export function parseVarsText(text: string, file: string, vault: Vault = new Vault()): Record<string, unknown> {
  const encrypted = isVaultText(text);
  const plain = encrypted ? vault.open(text, { file, line: 1, col: 1 }, `${file}`) : text;
  const { doc, at, toJS } = parseYamlWithPositions(plain, file, vault);
  const value = toPlainValue(toJS());
  if (value === null || value === undefined || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError({
      code: 'inventory',
      message: `${file} must contain a mapping of variables`,
      location: at(doc.contents),
      hint: 'write one `name: value` per line',
    });
  }
  if (encrypted) vault.markRevealed(value);
  return value as Record<string, unknown>;
}

/** Merged variables of `group_vars/<name>` or `host_vars/<name>` under `baseDir`; `origins`
 * (optional) receives, per variable, the file its value comes from (the last that sets it). */
export function loadVarsFor(baseDir: string, kind: 'group_vars' | 'host_vars', name: string, vault?: Vault, origins?: Record<string, string>): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const file of findVarsFiles(join(baseDir, kind), name)) {
    const vars = readVarsFile(file, vault);
    out = { ...out, ...vars };
    if (origins) for (const k of Object.keys(vars)) origins[k] = file;
  }
  return out;
}
