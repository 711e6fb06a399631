/** Help, "did you mean" and the exit-code contract, as a person meets them on the command line. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { COMMAND_LOADERS } from '../../src/cli/commands/loaders.js';
import { EXIT_CODE_MEANINGS } from '../../src/cli/exit-codes.js';
import { fb, ROOT } from './helpers.js';

/** The README's "Exit codes" table as [code, meaning] rows, Markdown code spans unwrapped. */
function readmeExitCodes(): Array<[number, string]> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Exit codes'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('|')));
  return [...table.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => [Number(m[1]), m[2].replace(/`/g, '')]);
}

describe('firebook help', () => {
  it('the lazy loaders name every command of the table, in its order, and load that very command', async () => {
    expect(Object.keys(COMMAND_LOADERS)).toEqual(COMMANDS.map((c) => c.name));
    for (const c of COMMANDS) expect((await COMMAND_LOADERS[c.name]()).command).toBe(c);
  });

  it('`help run` prints the same help as `run --help`, exit 0', () => {
    const viaHelp = fb(['help', 'run']);
    expect(viaHelp.status).toBe(0);
    expect(viaHelp.stdout).toMatch(/^Usage: firebook run PLAYBOOK/);
    expect(viaHelp.stdout).toBe(fb(['run', '--help']).stdout);
  });

  it.each(COMMANDS.map((c) => c.name))('`help %s` shows that command\'s usage', (name) => {
    const r = fb(['help', name]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: firebook ${name}\\b`));
  });

  it('`help report prune` shows the sub-command; `help nope` is a usage error with a guess', () => {
    expect(fb(['help', 'report', 'prune']).stdout).toMatch(/^Usage: firebook report prune/);
    const r = fb(['help', 'rnu']);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/error\[cli-usage\]: unknown command 'rnu'\n  hint: did you mean 'run'\?/);
  });

  it("the help's exit-code list is the README's table, row for row", () => {
    const readme = readmeExitCodes();
    expect(readme.map(([code]) => code)).toEqual([0, 2, 3, 4, 130, 1]);
    expect(EXIT_CODE_MEANINGS.map(([c, m]) => [c, m])).toEqual(readme);
    const help = fb(['--help']).stdout;
    for (const [code, meaning] of readme) expect(help).toContain(`  ${String(code).padEnd(4)} ${meaning}\n`);
    expect(fb(['help', 'run']).stdout).toContain(`  130  ${readme.find(([c]) => c === 130)![1]}`);
  });
});

describe('did you mean', () => {
  it.each([
    [['run', 'playbooks/securex.yml', '-i', 'inventory/example.yml', '--know-hosts', 'x'], "unknown option '--know-hosts'", "did you mean '--known-hosts'?"],
    [['run', 'playbooks/securex.yml', '-i', 'inventory/example.yml', '--forsk=3'], "unknown option '--forsk'", "did you mean '--forks'?"],
    [['explain', '--playbok', 'x.yml'], "unknown option '--playbok'", "did you mean '--playbook'?"],
    [['reprot', 'render', 'x'], "unknown command 'reprot'", "did you mean 'report'?"],
    [['report', 'prnue', '--keep', '1'], "unknown command 'report prnue'", "did you mean 'report prune'?"],
    [['validate', 'playbook/securex.yml'], "cannot read playbook", "did you mean 'playbooks/securex.yml'?"],
    [['validate', 'playbooks/securex.yml', '-i', 'inventory/exmaple.yml'], 'inventory', "did you mean 'inventory/example.yml'?"],
    [['run', 'playbooks/securex.yml', '-i', 'inventory/example.yml', '--replay', 'test/fixtures/recording'], '--replay test/fixtures/recording: no such folder', "did you mean 'test/fixtures/recordings'?"],
    [['run', 'playbooks/securex.yml', '-i', 'inventory/example.yml', '--known-hosts', 'inventory/example.yaml'], '--known-hosts inventory/example.yaml: no such file', "did you mean 'inventory/example.yml'?"],
    [['report', 'render', 'test/fixtures/reports/sample-report.jsn'], 'sample-report.jsn does not exist', "did you mean 'test/fixtures/reports/sample-report.json'?"],
  ])('%j → one error with a guess, exit 4', (args, message, hint) => {
    const r = fb(args);
    expect(r.status).toBe(4);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(`hint: ${hint}`);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
  });

  it('a one-letter typo gets no guess (every short flag is one edit away)', () => {
    const r = fb(['run', 'playbooks/securex.yml', '-i', 'inventory/example.yml', '-z']);
    expect(r.status).toBe(4);
    expect(r.stderr).toContain("unknown option '-z'");
    expect(r.stderr).not.toContain('did you mean');
  });

  it('a shipped playbook named from outside the checkout points at the installed one', () => {
    const r = fb(['validate', 'playbooks/securex.yml'], mkdtempSync(join(tmpdir(), 'fb-elsewhere-')));
    expect(r.status).toBe(4);
    expect(r.stderr).toContain(`did you mean '${join(ROOT, 'playbooks/securex.yml')}'?`);
  });
});
