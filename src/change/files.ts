/** The files a plan is built from, hashed: `apply` refuses a plan whose inputs changed. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Inventory } from '../model/inventory.js';
import type { PlanFile } from '../model/change.js';
import { findVarsFiles } from '../inventory/vars-files.js';

/** sha256 of a file's bytes, or undefined when it cannot be read. */
export function sha256File(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

/** Every file the inventory loader reads: the inventory file (or the files of an inventory
 * folder) and the group_vars/host_vars files of its groups and hosts. */
export function inventoryFiles(inventory: Inventory): string[] {
  const source = inventory.source;
  const isDir = statSync(source).isDirectory();
  const files = isDir ? readdirSync(source).sort().map((f) => join(source, f)).filter((f) => statSync(f).isFile() && !f.split('/').pop()!.startsWith('.')) : [source];
  const base = isDir ? source : dirname(source);
  for (const g of inventory.groups.keys()) files.push(...findVarsFiles(join(base, 'group_vars'), g));
  for (const h of inventory.hosts.keys()) files.push(...findVarsFiles(join(base, 'host_vars'), h));
  return [...new Set(files)];
}

/** `-e @file` arguments: the vars files read. */
export function extraVarsFiles(cwd: string, values: readonly string[] | undefined): string[] {
  return (values ?? []).map((v) => v.trim()).filter((v) => v.startsWith('@')).map((v) => resolve(cwd, v.slice(1)));
}

/** Hashes the files, in the order given (duplicates dropped). */
export function hashFiles(entries: Array<{ path: string; role: PlanFile['role'] }>): PlanFile[] {
  const seen = new Set<string>();
  const out: PlanFile[] = [];
  for (const e of entries) {
    const path = resolve(e.path);
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, role: e.role, sha256: sha256File(path) ?? '' });
  }
  return out;
}

/** Files whose content is no longer what the plan hashed (or that are gone). */
export function changedFiles(files: readonly PlanFile[]): Array<PlanFile & { now?: string }> {
  return files.map((f) => ({ ...f, now: sha256File(f.path) })).filter((f) => f.now !== f.sha256);
}
