/** `firebook completion bash|zsh`: scripts generated from the command table, exercised in the
 * real shells (bash's compgen; zsh with its completion functions stubbed to print). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { requireProgram } from '../support/requires.js';
import { fb } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fb-completion-'));
const bashPath = requireProgram('shell completion (bash)', ['/bin/bash', '/usr/bin/bash'], 'apt-get install bash');
const zshPath = requireProgram('shell completion (zsh)', ['/usr/bin/zsh', '/bin/zsh'], 'apt-get install zsh');

const scripts = new Map<string, string>();
/** The script as `firebook completion SHELL` prints it, saved once to a file. */
function script(shell: 'bash' | 'zsh'): string {
  if (scripts.has(shell)) return scripts.get(shell)!;
  const r = fb(['completion', shell]);
  expect(r.status).toBe(0);
  const path = join(dir, `firebook.${shell}`);
  writeFileSync(path, r.stdout);
  scripts.set(shell, path);
  return path;
}

/** What bash offers for the typed words (the last one is being completed). */
function bashComplete(words: string[]): string[] {
  const file = script('bash');
  const line = `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _firebook; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync(bashPath!, ['--norc', '--noprofile', '-c', line], { encoding: 'utf8', cwd: dir });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe.skipIf(!bashPath)('bash completion', () => {
  it.each([
    [['firebook', 'r'], ['run', 'resume', 'rollback', 'report']],
    [['firebook', 'i'], ['inventory', 'init']],
    [['firebook', 'run', '--kn'], ['--known-hosts']],
    [['firebook', 'run', '--format', 'j'], ['json', 'junit']],
    [['firebook', 'run', '--fail-on', ''], ['info', 'low', 'medium', 'high', 'critical']],
    [['firebook', 'report', ''], ['render', 'merge', 'prune']],
    [['firebook', 'report', 'prune', '--d'], ['--dir', '--dry-run', '--db']],
    [['firebook', 'report', 'render', '--l'], ['--lang']],
    [['firebook', 'completion', ''], ['bash', 'zsh']],
    [['firebook', 'help', 'v'], ['validate']],
    [['firebook', 'explain', '--lang', ''], ['en', 'ja']],
  ])('%j → %j', (words, expected) => {
    expect(bashComplete(words)).toEqual(expected);
  });

  it('offers every flag of every command in the table (nothing listed by hand)', () => {
    // Every command declares its flags, so help, "did you mean" and completion all know them.
    expect(COMMANDS.filter((c) => !c.options && !c.subcommands).map((c) => c.name)).toEqual([]);
    for (const c of COMMANDS.filter((x) => x.options)) {
      const offered = bashComplete(['firebook', c.name, '-']);
      for (const [name, o] of Object.entries(c.options!)) {
        expect(offered).toContain(`--${name}`);
        if (o.short) expect(offered).toContain(`-${o.short}`);
      }
    }
  });

  it("a flag's value falls back to file names (complete -o default)", () => {
    expect(bashComplete(['firebook', 'run', '-i', ''])).toEqual([]);
    const r = spawnSync(bashPath!, ['--norc', '-c', `source ${script('bash')}; complete -p firebook`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('complete -o default -F _firebook firebook');
  });
});

describe.skipIf(!zshPath)('zsh completion', () => {
  /** Runs _firebook with _describe/_arguments replaced by functions that print what they got. */
  function zshComplete(words: string[]): string {
    const file = script('zsh');
    const prog = [
      'autoload -U compinit; compinit -u -D',
      `source ${file}`,
      '[[ $_comps[firebook] == _firebook ]] || print "not registered"',
      "_describe() { local n=${@[-1]}; print -rl -- ${(P)n} }",
      "_arguments() { print -rl -- \"$@\" }",
      `words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}`,
      '_firebook',
    ].join('\n');
    const r = spawnSync(zshPath!, ['-f', '-c', prog], { encoding: 'utf8', cwd: dir });
    expect(r.stderr).toBe('');
    return r.stdout;
  }

  it('is valid zsh and registers itself for firebook', () => {
    expect(spawnSync(zshPath!, ['-n', script('zsh')]).status).toBe(0);
    expect(zshComplete(['firebook', ''])).not.toContain('not registered');
  });

  it('lists the commands with their summaries, sub-commands and flags', () => {
    expect(zshComplete(['firebook', ''])).toMatch(/^run:run playbooks/m);
    expect(zshComplete(['firebook', 'report', ''])).toMatch(/^prune:delete old run folders/m);
    const run = zshComplete(['firebook', 'run', '--']);
    expect(run).toContain('--known-hosts=:known-hosts:_files');
    expect(run).toContain('*--format=:format:(json html md md-full junit prom)');
    expect(run).toContain('*-e:extra-vars:_files');
    expect(zshComplete(['firebook', 'report', 'prune', '--'])).toContain('--dry-run');
    expect(zshComplete(['firebook', 'completion', ''])).toContain('1:argument:(bash zsh)');
  });
});
