/** `firebook report prune`: removes old run folders, newest first kept, and nothing else. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAge, selectPrunable, type RunFolder } from '../../src/cli/commands/report-prune.js';
import { fb } from './helpers.js';

const DAY = 86_400_000;

/** reports/ with five run folders written 1, 10, 20, 40 and 60 days ago, plus things that are not runs. */
function reportsFolder(): { cwd: string; reports: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'fb-prune-'));
  const reports = join(cwd, 'reports');
  const now = Date.now();
  for (const [name, days, file] of [['run-a', 1, 'events.jsonl'], ['run-b', 10, 'report.json'], ['run-c', 20, 'events.jsonl'], ['run-d', 40, 'report.json'], ['run-e', 60, 'events.jsonl']] as const) {
    mkdirSync(join(reports, name), { recursive: true });
    writeFileSync(join(reports, name, file), '{}\n');
    writeFileSync(join(reports, name, 'report.html'), '<html>');
    const t = new Date(now - days * DAY);
    utimesSync(join(reports, name, file), t, t);
  }
  // Not run folders: an old folder of someone's notes, a file, a symlink to an old run elsewhere.
  mkdirSync(join(reports, 'notes'));
  writeFileSync(join(reports, 'notes', 'todo.txt'), 'keep me');
  writeFileSync(join(reports, '.gitkeep'), '');
  const elsewhere = join(cwd, 'elsewhere-run');
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, 'events.jsonl'), '{}\n');
  utimesSync(join(elsewhere, 'events.jsonl'), new Date(now - 90 * DAY), new Date(now - 90 * DAY));
  symlinkSync(elsewhere, join(reports, 'linked-run'));
  return { cwd, reports };
}

describe('firebook report prune', () => {
  it('--keep 2 removes all but the two newest run folders and leaves everything else', () => {
    const { cwd, reports } = reportsFolder();
    const r = fb(['report', 'prune', '--keep', '2'], cwd);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('removed reports/run-c\nremoved reports/run-d\nremoved reports/run-e\n3 run folder(s) removed, 2 kept in reports\n');
    expect(readdirSync(reports).sort()).toEqual(['.gitkeep', 'linked-run', 'notes', 'run-a', 'run-b']);
    expect(existsSync(join(cwd, 'elsewhere-run', 'events.jsonl'))).toBe(true);
  });

  it('--older-than 30d removes the run folders last written more than 30 days ago', () => {
    const { cwd, reports } = reportsFolder();
    const r = fb(['report', 'prune', '--older-than', '30d', '--dir', 'reports'], cwd);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('removed reports/run-d\nremoved reports/run-e\n2 run folder(s) removed, 3 kept');
    expect(readdirSync(reports).sort()).toEqual(['.gitkeep', 'linked-run', 'notes', 'run-a', 'run-b', 'run-c']);
  });

  it('--dry-run says what it would remove and removes nothing', () => {
    const { cwd, reports } = reportsFolder();
    const before = readdirSync(reports).sort();
    const r = fb(['report', 'prune', '--keep', '1', '--older-than', '15d', '--dry-run'], cwd);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('would remove reports/run-c\nwould remove reports/run-d\nwould remove reports/run-e\n3 run folder(s) would be removed, 2 kept in reports\n');
    expect(readdirSync(reports).sort()).toEqual(before);
  });

  it.each([
    [['report', 'prune'], /say what to keep/],
    [['report', 'prune', '--keep', '0'], /--keep must be a positive whole number/],
    [['report', 'prune', '--older-than', '30'], /--older-than must be a duration longer than zero: .*, not '30'/],
    [['report', 'prune', '--keep', '3', '--dir', 'report'], /--dir report: no such folder\n {2}hint: did you mean 'reports'\?/],
  ])('%j is invalid input (exit 4)', (args, message) => {
    const { cwd } = reportsFolder();
    const r = fb(args, cwd);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(message);
  });

  it('selects by rule: beyond N and older than AGE; the newest run is always kept', () => {
    const now = 100 * DAY;
    const runs: RunFolder[] = [1, 5, 50, 70].map((d) => ({ path: `r${d}`, writtenMs: now - d * DAY }));
    const pick = (rule: { keep?: number; olderThanMs?: number }) => selectPrunable(runs, { ...rule, nowMs: now }).map((r) => r.path);
    expect(pick({ keep: 3 })).toEqual(['r70']);
    expect(pick({ olderThanMs: 30 * DAY })).toEqual(['r50', 'r70']);
    expect(pick({ keep: 3, olderThanMs: 30 * DAY })).toEqual(['r70']);
    expect(pick({ olderThanMs: 0.5 * DAY })).toEqual(['r5', 'r50', 'r70']);
    expect(parseAge('12h')).toBe(DAY / 2);
    expect(parseAge('2w')).toBe(14 * DAY);
    expect(parseAge('0d')).toBeUndefined();
    expect(parseAge('30 days')).toBeUndefined();
  });
});
