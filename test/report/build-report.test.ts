import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport } from '../../src/report/index.js';
import { openEventLog, readEventLog, parseEventLog } from '../../src/store/index.js';
import { UserError } from '../../src/model/errors.js';
import { runEndEvent, type RunEvent } from '../../src/model/events.js';
import { computeExitCode, computeSummary } from '../../src/model/outcome.js';
import { loadSample, makeTempDir, partialEventLines } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('buildReport from a partial event log (a killed run)', () => {
  it('marks the report incomplete, interrupted hosts as error, never-begun hosts as notRun', () => {
    const report = buildReport(parseEventLog(partialEventLines().join('\n')));
    expect(report.incomplete).toBe(true);
    expect(report.exitCode).toBe(130);
    expect(report.hosts.map((h) => [h.host, h.status])).toEqual([
      ['ftd01', 'ok'],
      ['ftd02', 'error'],
    ]);
    const ftd02 = report.hosts[1];
    expect(ftd02.triage?.class).toBe('interrupted');
    expect(ftd02.checks.map((c) => c.checkId)).toEqual(['version-applicable', 'dns-resolves']);
    expect(report.notRun).toEqual(['fmc01', 'ftd03']);
    expect(report.summary).toEqual(computeSummary(report.hosts, report.notRun));
    expect(report.summary.hosts).toMatchObject({ total: 4, ok: 1, error: 1, notRun: 2 });
  });

  it('returns the run-end report when the run finished, with the hosts (and evidence) its host-end events carried', () => {
    const sample = loadSample();
    // Hosts end in any order; the report lists them as planned.
    const ended = [...sample.hosts].reverse().map((h): RunEvent => ({ type: 'host-end', time: 'x', result: h }));
    const end = runEndEvent('x', sample);
    expect(end.type === 'run-end' && end.report.hosts).toEqual([]);
    const events = [...parseEventLog(partialEventLines().slice(0, -1).join('\n')), ...ended, end];
    expect(sample.hosts.some((h) => h.checks.some((c) => c.evidence.length > 0))).toBe(true);
    expect(buildReport(events)).toEqual(sample);
  });

  it('refuses a log without run-begin with code report-input', () => {
    try {
      buildReport([{ type: 'host-begin', time: 't', host: 'a' }]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).issues[0].code).toBe('report-input');
    }
  });

  it('the sample fixture summary and exit code agree with the outcome policy', () => {
    const s = loadSample();
    expect(s.summary).toEqual(computeSummary(s.hosts, s.notRun));
    expect(s.exitCode).toBe(computeExitCode(s.hosts));
  });
});

describe('event log files', () => {
  it('tolerates a truncated last line but rejects a bad line in the middle, with its line number', () => {
    const lines = partialEventLines();
    expect(parseEventLog(lines.join('\n'))).toHaveLength(lines.length - 1);
    const broken = [...lines.slice(0, 2), '{"type": "host-b', ...lines.slice(2)];
    try {
      parseEventLog(broken.join('\n'), 'events.jsonl');
      expect.unreachable();
    } catch (err) {
      const issue = (err as UserError).issues[0];
      expect(issue.code).toBe('report-input');
      expect(issue.location).toMatchObject({ file: 'events.jsonl', line: 3 });
    }
  });

  it('openEventLog appends one JSON line per event, readable before close, and readEventLog reads them back', () => {
    const { dir, cleanup } = makeTempDir('events');
    cleanups.push(cleanup);
    const path = join(dir, 'events.jsonl');
    const log = openEventLog(path);
    const events = parseEventLog(partialEventLines().join('\n'));
    log.append(events[0]);
    // Flushed per event: another reader sees it before close (what survives a kill -9).
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    for (const e of events.slice(1)) log.append(e);
    log.close();
    log.close();
    expect(() => log.append(events[0])).toThrow(/closed/);
    expect(readEventLog(path)).toEqual(events);
    writeFileSync(path, readFileSync(path, 'utf8') + '{"type":"run-e');
    expect(readEventLog(path)).toHaveLength(events.length);
  });

  it('readEventLog on a missing file is a report-input error', () => {
    expect(() => readEventLog('/nonexistent/events.jsonl')).toThrow(UserError);
  });
});
