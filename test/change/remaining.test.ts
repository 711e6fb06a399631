/** What resume and rollback do, computed from recorded journals (no device). The fixtures are
 * journals of a real apply killed with SIGKILL mid-batch, resumed, then rolled back
 * (test/change/kill-resume.test.ts made them; long outputs shortened). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appliedValues, changesFromJournal, changesToUndo, remainingToApply, remainingWork, stepHistories } from '../../src/change/remaining.js';
import type { JournalEntry } from '../../src/model/change.js';
import { parseEventLog } from '../../src/store/event-log.js';
import { UserError } from '../../src/model/errors.js';

const load = (name: string) => parseEventLog<JournalEntry>(readFileSync(join(import.meta.dirname, '../fixtures/journals', name), 'utf8'));
const killed = load('killed.jsonl');
const whole = load('rolled-back.jsonl');
/** The journal after the resume (before the rollback began). */
const resumed = whole.slice(0, whole.findIndex((e, i) => i > 0 && e.type === 'journal-begin' && e.kind === 'rollback'));
const summary = (steps: ReturnType<typeof remainingToApply>['steps']) => steps.map((s) => [s.host, s.step.stepId, s.uncertain]);
const stepEnd = (host: string, status: string): JournalEntry => ({ type: 'step-end', time: '2026-12-01T02:00:00Z', host, stepId: 'fix-dns-servers', status: status as never });

describe('resume: what an interrupted apply leaves', () => {
  it('a killed apply: steps whose change command went out are uncertain, the rest not started', () => {
    const work = remainingWork(killed);
    expect(work.kind).toBe('apply');
    // k1 was answered and k2 in flight when the process died; k3 and k4 (batch 2) never began.
    expect(summary(work.steps)).toEqual([
      ['k1', 'fix-dns-servers', true],
      ['k2', 'fix-dns-servers', true],
      ['k3', 'fix-dns-servers', false],
      ['k4', 'fix-dns-servers', false],
    ]);
    expect(work.header).toMatchObject({ approvedBy: 'cab', ticket: 'CHG-7', serial: '2' });
  });

  it('a step that began but sent nothing is not uncertain: it starts over with its drift check', () => {
    const cut = killed.slice(0, killed.findIndex((e) => e.type === 'command' && e.phase === 'apply'));
    expect(summary(remainingToApply(cut).steps).slice(0, 2)).toEqual([['k1', 'fix-dns-servers', false], ['k2', 'fix-dns-servers', false]]);
  });

  it('finished outcomes are final; not-started ones (window closed, max-fail, unreachable) are retried', () => {
    const entries = [...killed, stepEnd('k1', 'verified'), stepEnd('k2', 'drifted'), stepEnd('k3', 'rolled-back'), stepEnd('k4', 'not-started')];
    expect(summary(remainingToApply(entries).steps)).toEqual([['k4', 'fix-dns-servers', false]]);
  });

  it('after the resume finished, nothing is left', () => {
    expect(remainingWork(resumed)).toMatchObject({ kind: 'apply', steps: [] });
  });

  it('refuses a file that is not a journal', () => {
    expect(() => remainingWork(killed.slice(1))).toThrow(UserError);
    try {
      remainingWork([]);
    } catch (err) {
      expect((err as UserError).issues[0].code).toBe('report-input');
    }
  });
});

describe('rollback: what a journal says was applied', () => {
  it('every verified change, newest first, with the values read back after it', () => {
    const work = changesToUndo(resumed);
    expect(work.kind).toBe('rollback');
    expect(work.steps.map((s) => s.host)).toEqual(['k4', 'k3', 'k2', 'k1']);
    expect(work.steps.every((s) => !s.uncertain && s.after?.before?.dns_servers?.toString() === '192.0.2.53,192.0.2.54')).toBe(true);
    expect(work.steps[0].step.rollback).toEqual([{ level: 'cli', command: 'configure network dns servers 203.0.113.53' }]);
  });

  it('--limit narrows it; a change not verified is never undone', () => {
    expect(changesToUndo(resumed, { hosts: new Set(['k2', 'k9']) }).steps.map((s) => s.host)).toEqual(['k2']);
    expect(changesToUndo([...killed, stepEnd('k1', 'rolled-back'), stepEnd('k2', 'verified')]).steps.map((s) => s.host)).toEqual(['k2']);
  });

  it('after the rollback, nothing is left to undo or to resume', () => {
    expect(changesToUndo(whole).steps).toEqual([]);
    expect(remainingWork(whole)).toMatchObject({ kind: 'rollback', steps: [] });
  });

  it('an interrupted rollback resumes what it had not ended; an undo cut off mid-command is uncertain', () => {
    const firstEnd = whole.findIndex((e) => e.type === 'step-end' && e.status === 'undone');
    const cut = whole.slice(0, firstEnd + 1);
    const work = remainingWork(cut);
    expect(work.kind).toBe('rollback');
    expect(work.steps.map((s) => [s.host, s.uncertain])).toEqual([['k3', true], ['k2', true], ['k1', true]]);
  });

  it('a resumed rollback does not retry an undo that drifted in the same campaign; a new rollback does', () => {
    const begin = whole.find((e) => e.type === 'journal-begin' && e.kind === 'rollback')!;
    const entries = [...resumed, begin, { ...stepEnd('k4', 'drifted') }];
    expect(remainingWork(entries).steps.map((s) => s.host)).toEqual(['k3', 'k2', 'k1']);
    expect(changesToUndo(entries).steps.map((s) => s.host)).toEqual(['k4', 'k3', 'k2', 'k1']);
  });
});

describe('after a crash (issue 23)', () => {
  it('rollback of a killed apply does not skip changes that were sent but not verified: the re-capture decides', () => {
    // Regression: "records no applied change left to undo", exit 0, devices left changed.
    const work = changesToUndo(killed);
    expect(work.steps.map((s) => [s.host, s.sentNotVerified, s.uncertain, s.after])).toEqual([['k2', true, false, undefined], ['k1', true, false, undefined]]);
    // A read-back journaled before the kill is what the undo expects to find.
    const readBack = { type: 'captured', time: '2026-12-01T02:00:00Z', host: 'k1', stepId: 'fix-dns-servers', when: 'after', values: { before: { dns_servers: ['192.0.2.53'] } } } as JournalEntry;
    expect(changesToUndo([...killed, readBack]).steps.find((s) => s.host === 'k1')?.after).toEqual({ before: { dns_servers: ['192.0.2.53'] } });
    // Rolled back by the apply itself, or never sent: nothing to undo.
    expect(changesToUndo([...killed, stepEnd('k1', 'rolled-back'), stepEnd('k2', 'drifted')]).steps).toEqual([]);
  });

  it('resume after a rollback refused changes sent but not verified judges exactly those, never sending them', () => {
    const begin = whole.find((e) => e.type === 'journal-begin' && e.kind === 'rollback')!;
    const refused = (host: string): JournalEntry => ({ ...stepEnd(host, 'undo-failed'), reason: 'the change was sent but not verified: the device shows neither the plan\'s before values; nothing was sent. Run firebook resume j first' } as JournalEntry);
    const work = remainingWork([...killed, begin, refused('k2'), refused('k1')]);
    expect(work.kind).toBe('apply');
    expect(work.steps.map((s) => [s.host, s.uncertain, s.judgeOnly])).toEqual([['k1', true, true], ['k2', true, true]]);
    // Another undo failure is not the apply's to judge: resume leaves it.
    expect(remainingWork([...killed, begin, refused('k2'), { ...stepEnd('k1', 'undo-failed'), reason: 'a command was rejected' } as JournalEntry]).steps.map((s) => s.host)).toEqual(['k2']);
  });

  it('change status: per step, what the whole history says', () => {
    const rows = (entries: JournalEntry[]) => stepHistories(entries).map((r) => [r.host, r.state]);
    expect(rows(killed)).toEqual([['k1', 'sent'], ['k2', 'sent'], ['k3', 'planned'], ['k4', 'planned']]);
    const inFlight = killed.slice(0, killed.findIndex((e) => e.type === 'answer' && e.phase === 'apply'));
    expect(rows(inFlight)).toEqual([['k1', 'unknown'], ['k2', 'unknown'], ['k3', 'planned'], ['k4', 'planned']]);
    expect(rows(resumed).map(([, s]) => s)).toEqual(['verified', 'verified', 'verified', 'verified']);
    expect(rows(whole).map(([, s]) => s)).toEqual(['rolled back', 'rolled back', 'rolled back', 'rolled back']);
    expect(appliedValues(resumed).size).toBe(4);
    expect(appliedValues(whole).size).toBe(0);
  });

  it('the changes of a killed run, from its own segment of the journal (report render)', () => {
    const begin = killed[0] as Extract<JournalEntry, { type: 'journal-begin' }>;
    const changes = changesFromJournal(killed, begin.runId);
    expect(changes.map((c) => [c.host, c.status, c.commands])).toEqual([
      ['k1', 'failed', ['configure network dns servers 192.0.2.53,192.0.2.54']],
      ['k2', 'failed', ['configure network dns servers 192.0.2.53,192.0.2.54']],
    ]);
    expect(changes[0].reason).toMatch(/stopped after sending this change, before it was verified: firebook resume/);
    expect(changesFromJournal(killed, 'another-run')).toEqual([]);
  });
});
