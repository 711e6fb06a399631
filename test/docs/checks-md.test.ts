/** docs/checks.md is `firebook explain --all --format md`: regenerated here and compared, never
 * written (a missing or stale file fails; regenerate with the command in the message). */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { command } from '../../src/cli/commands/explain.js';
import { UserError } from '../../src/model/errors.js';

const ROOT = join(import.meta.dirname, '../..');
const REGENERATE = 'npm run build && node dist/src/cli/main.js explain --all --format md > docs/checks.md';

async function explain(argv: string[]): Promise<string> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const code = await command.run(argv, { stdout, stderr: new PassThrough(), cwd: ROOT, env: {} });
  expect(code).toBe(0);
  return Buffer.concat(chunks).toString('utf8');
}

describe('docs/checks.md', () => {
  it('exists and equals firebook explain --all --format md', async () => {
    const path = join(ROOT, 'docs/checks.md');
    expect(existsSync(path), `docs/checks.md is missing; generate it: ${REGENERATE}`).toBe(true);
    const generated = await explain(['--all', '--format', 'md']);
    expect(readFileSync(path, 'utf8') === generated, `docs/checks.md is out of date; regenerate it: ${REGENERATE}`).toBe(true);
  });

  it('documents every check and every diagnosis id of the shipped playbook', async () => {
    const md = await explain(['--all', '--format', 'md']);
    for (const id of ['sse-processes-running', 'connector-log-clean', 'tls-interception', 'handshake-refused', 'api.apj.sse.itd.cisco.com']) expect(md).toContain(id);
    expect(md).not.toContain(ROOT);
  });

  it('--format md needs --all; --all and ids exclude each other', async () => {
    await expect(explain(['--format', 'md'])).rejects.toBeInstanceOf(UserError);
    await expect(explain(['--all', 'dns-resolves-sse'])).rejects.toBeInstanceOf(UserError);
    expect(await explain(['--all'])).toContain('connector-log-clean — No recent connectWebSocket errors');
  });
});

describe('docs/ cross-references', () => {
  it('every docs/<file>.md the code, tests and playbooks cite exists', () => {
    const cited = new Set<string>();
    const walk = (dir: string) => {
      for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|mjs|yml|sh)$/.test(e.name)) for (const m of readFileSync(join(ROOT, p), 'utf8').matchAll(/docs\/([\w-]+\.md)/g)) cited.add(m[1]);
      }
    };
    for (const d of ['src', 'test', 'scripts', 'playbooks']) walk(d);
    expect(cited.size).toBeGreaterThan(0);
    for (const f of cited) expect(existsSync(join(ROOT, 'docs', f)), `docs/${f} is cited but missing`).toBe(true);
  });
});
