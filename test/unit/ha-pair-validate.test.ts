/** Validation of a check across hosts (`scope: ha_group`, docs/playbooks.md "Checks across
 * hosts"): each mistake is refused at its file:line:col before anything runs (exit 4). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/load/playbook.js';
import { UserError } from '../../src/model/errors.js';
import { fb } from '../cli/helpers.js';

const HEAD = `name: t
checks:
  - id: ha-state
    title: HA state
    severity: high
    collect:
      - level: cli
        command: show failover
        parse: { regex: '(?m)This host: \\S+ - (?<this_state>.*)$' }
    expect: [{ of: this_state, equals: Active }]
`;

const PAIR = `  - id: pair
    title: pair
    severity: critical
    scope: ha_group
    reads: ha-state
`;

/** Every issue of a playbook as `line:col: code: message`. */
function issues(text: string): string[] {
  const path = join(mkdtempSync(join(tmpdir(), 'fb-pair-v-')), 'p.yml');
  writeFileSync(path, text);
  try {
    loadPlaybook(path);
    return [];
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return err.issues.map((i) => `${i.location?.line}:${i.location?.col}: ${i.code}: ${i.message}`);
  }
}

describe('a check across hosts is validated', () => {
  it('accepts the members\' fields, peer.<field>, members.<field>, status and host', () => {
    expect(issues(`${HEAD}${PAIR}    expect:
      - { of: members.this_state, count: { pattern: '^Active$', equals: 1 } }
      - { of: this_state, not_equals: '{{peer.this_state}}' }
      - { of: peer.status, in: [pass, fail] }
      - { of: host, exists: true }
`)).toEqual([]);
  });

  it.each([
    ['scope without reads', `${PAIR.replace('    reads: ha-state\n', '')}    expect: [{ of: status, exists: true }]\n`, "14:12: schema: check 'pair' has scope: ha_group but no reads:"],
    ['reads without scope', `${PAIR.replace('    scope: ha_group\n', '')}    expect: [{ of: status, exists: true }]\n`, "14:12: schema: check 'pair' has reads: but no scope:"],
    ['reads an unknown check', `${PAIR.replace('reads: ha-state', 'reads: ha-stat')}    expect: [{ of: status, exists: true }]\n`, "15:12: unknown-reference: check 'pair' reads 'ha-stat', which is not a check of this playbook"],
    ['a collect of its own', `${PAIR}    collect: [{ level: cli, command: show failover }]\n    expect: [{ of: status, exists: true }]\n`, "16:5: schema: check 'pair' is a check across hosts (scope: ha_group) and cannot have collect:"],
    ['a condition on vars', `${PAIR}    expect: [{ of: vars.x, exists: true }]\n`, "16:20: unknown-reference: a check across hosts reads its members' fields, not vars.…"],
    ['a field the read check does not register', `${PAIR}    expect:\n      - { of: peer.this_sate, equals: Active }\n`, "17:15: unknown-reference: condition reads 'this_sate', which check 'ha-state' does not register"],
  ])('refuses %s at its place', (_what, tail, expected) => {
    const found = issues(HEAD + tail);
    expect(found).toContain(expected);
  });

  it('refuses a check that reads a check across hosts, and a remediation verified by one', () => {
    const found = issues(`${HEAD}${PAIR}    expect: [{ of: status, exists: true }]
  - id: later
    title: later
    severity: low
    expect: [{ of: checks.pair.status, equals: pass }]
remediations:
  - id: fix
    title: fix
    apply: [{ level: cli, command: show version }]
    verify: [pair]
`);
    expect(found).toContain("17:5: unknown-reference: check 'later' reads checks.pair, a check across hosts: it is judged after the host has finished");
    expect(found).toContain("25:14: unknown-reference: remediation 'fix' verifies with check 'pair', a check across hosts, which cannot be re-run on one host");
  });

  it('firebook validate prints file:line:col and exits 4', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-pair-v-')), 'p.yml');
    writeFileSync(path, `${HEAD}${PAIR.replace('reads: ha-state', 'reads: pair')}    expect: [{ of: status, exists: true }]\n`);
    const r = fb(['validate', path]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/p\.yml:15:12: error\[unknown-reference\]: check 'pair' reads 'pair', which is not an earlier check/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
