/** Drift and the exit code (README "Exit codes"): `--baseline` adds a drift section and never
 * changes the exit code — a cron job is told the fleet's state, the report says what is new.
 * The same recorded run, compared with a baseline where its failures were already failing,
 * and with one where they all passed (so every failure is new), exits the same. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fb } from './helpers.js';

const SEED = 'test/fixtures/recordings/seed';
const run = (out: string, ...extra: string[]) => fb(['run', 'playbooks/securex.yml', '-i', `${SEED}/inventory.yml`, '--replay', SEED, '--out', out, '--format', 'json,md', '-q', ...extra]);
const report = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
const driftLine = (dir: string) => readFileSync(join(dir, 'report.md'), 'utf8').match(/\*\*Drift since baseline:\*\* .*/)?.[0];

describe('drift never changes the exit code', () => {
  it('still failing, all new, or no baseline: the same exit code, in the process and in report.json', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'fb-drift-'));
    const first = run(join(tmp, 'first'));
    expect(first.status).not.toBe(0);
    const failing = report(join(tmp, 'first')).summary.checks.fail;
    expect(failing).toBeGreaterThan(0);

    const same = run(join(tmp, 'same'), '--baseline', join(tmp, 'first', 'report.json'));
    expect(driftLine(join(tmp, 'same'))).toBe(`**Drift since baseline:** New failures 0 · Fixed 0 · Still failing ${failing}`);

    // A baseline in which every check passed: now every failure is new.
    const green = report(join(tmp, 'first'));
    for (const h of green.hosts) for (const c of h.checks) if (c.status === 'fail') c.status = 'pass';
    writeFileSync(join(tmp, 'green.json'), JSON.stringify(green));
    const worse = run(join(tmp, 'worse'), '--baseline', join(tmp, 'green.json'));
    expect(driftLine(join(tmp, 'worse'))).toBe(`**Drift since baseline:** New failures ${failing} · Fixed 0 · Still failing 0`);

    expect([same.status, worse.status]).toEqual([first.status, first.status]);
    expect([report(join(tmp, 'same')).exitCode, report(join(tmp, 'worse')).exitCode]).toEqual([first.status, first.status]);
  }, 60_000);
});
