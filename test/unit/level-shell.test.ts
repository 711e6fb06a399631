/** `level: shell` (issue 23: a newcomer with a linux host looked for it) is `expert`: the login
 * shell of a linux host or FMC, FTD's expert mode. A wrong level says what each level is. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/load/playbook.js';
import { UserError } from '../../src/model/errors.js';

function playbook(level: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fb-level-')), 'linux.yml');
  writeFileSync(file, `name: linux\nchecks:\n  - id: kernel\n    title: Kernel\n    severity: low\n    collect:\n      - level: ${level}\n        command: uname -r\n    expect:\n      - { of: exit, equals: 0 }\n    diagnose:\n      - { when: [], cause: uname failed }\n`);
  return file;
}

describe('level: shell', () => {
  it('is read as expert', () => {
    expect(loadPlaybook(playbook('shell')).spec.checks[0].collect![0].level).toBe('expert');
  });

  it('a wrong level is refused with what each level is', () => {
    let err: unknown;
    try {
      loadPlaybook(playbook('bash'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const [issue] = (err as UserError).issues;
    expect(issue.message).toMatch(/level must be one of: cli, expert, shell, root$/);
    expect(issue.hint).toMatch(/expert = the login shell of a linux host/);
  });
});
