/** Shared set-up for the change-window suites: a lab, a working folder with its own copy of
 * the playbook and inventory (the plan hashes them), and the CLI in-process or as a child. */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Lab } from '../../src/lab/index.js';
import { main } from '../../src/cli/main.js';
import type { JournalEntry, PlanDocument } from '../../src/model/change.js';
import type { RunReport } from '../../src/model/result.js';
import { ROOT, SECUREX, writeInventory } from '../integration/helpers.js';

export const CLI = join(ROOT, 'dist/src/cli/main.js');
export const GOOD_DNS = 'dns_servers=192.0.2.53,192.0.2.54';
export const BAD_DNS = 'dns_servers=198.51.100.99';

/** A folder with securex.yml and inventory.yml (ha_group and other vars per host). */
export function workspace(lab: Lab, varsFor: Record<string, Record<string, unknown>> = {}): { dir: string; playbook: string; inventory: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fb-change-'));
  const playbook = join(dir, 'securex.yml');
  copyFileSync(SECUREX, playbook);
  const inventory = writeInventory(lab, [], dir, varsFor);
  return { dir, playbook, inventory };
}

/** Runs the CLI in this process (the lab keeps answering). */
export async function fb(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void) => new Writable({ write: (chunk, _enc, cb) => (add(String(chunk)), cb()) });
  const code = await main(args, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), cwd, env: { ...process.env, FIREBOOK_OPERATOR: 'tester' } });
  return { code, stdout, stderr };
}

/** The CLI as a child process (to be killed). */
export function fbChild(args: string[], cwd: string) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FIREBOOK_OPERATOR: 'tester' } });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, stderr: () => stderr };
}

export const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
export const readPlan = (path: string) => readJson<PlanDocument>(path);
export const readReport = (dir: string) => readJson<RunReport>(join(dir, 'report.json'));
export function readJournal(dir: string): JournalEntry[] {
  return readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalEntry);
}

/** Lines of a host's command log that change configuration (the lab records every line). */
export function configCommands(lab: Lab, host: string): string[] {
  return lab.commandLog(host).map((e) => e.line).filter((l) => /^\s*(configure|pmtool\s+(restart|disable|enable))/i.test(l));
}

/** An approver: a real ed25519 key (ssh-keygen) and an allowed_signers file that trusts it. */
export interface Approver {
  key: string;
  principal: string;
  allowedSigners: string;
}

/** Makes a key for `principal` and adds it to `<dir>/allowed_signers` (`options` e.g. namespaces="…"). */
export function makeApprover(dir: string, principal = 'cab-chair@example.com', options = ''): Approver {
  const key = join(dir, `key-${principal.replace(/[^a-z0-9]/gi, '_')}`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', principal, '-f', key]);
  const allowedSigners = join(dir, 'allowed_signers');
  const pub = readFileSync(`${key}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  appendFileSync(allowedSigners, `${principal}${options ? ` ${options}` : ''} ${pub}\n`);
  return { key, principal, allowedSigners };
}

/** `firebook approve PLAN --key` by `a`; returns apply's flags that trust the signature. */
export async function approve(plan: string, a: Approver, cwd: string): Promise<string[]> {
  const r = await fb(['approve', plan, '--key', a.key], cwd);
  if (r.code !== 0) throw new Error(`approve failed: ${r.stderr}`);
  return ['--allowed-signers', a.allowedSigners];
}

/** Resolves once the journal has a line the predicate accepts (a test may then kill the run). */
export async function waitForJournal(path: string, accept: (e: JournalEntry) => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(path)) {
      const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
      if (lines.some((l) => { try { return accept(JSON.parse(l) as JournalEntry); } catch { return false; } })) return;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`journal ${path} never had the awaited line`);
}
