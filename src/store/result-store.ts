/**
 * The result store, between the runner and the reporters (docs/scale.md). A finished host's
 * full result, evidence included, is written once; what stays in memory is its summary (the
 * same result without evidence). Reporters read full results back one host at a time, so
 * memory grows with the number of hosts, not with what the devices printed.
 */
import { closeSync, mkdirSync, openSync, readSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../io/atomic-file.js';
import type { HostResults } from '../model/events.js';
import type { CheckResult, HostResult, RemediationResult } from '../model/result.js';

/** Where full host results are kept while a run's reports are written. `read` gives the full
 * result of a host added earlier (undefined for any other name). */
export interface ResultStore extends HostResults {
  /** Keeps a host's final (redacted) result; returns what may stay in memory. */
  add(result: HostResult): HostResult;
  /** Releases what the store holds. */
  close(): void;
}

/** A check result without its evidence (the commands' output). */
export const withoutEvidence = (c: CheckResult): CheckResult => (c.evidence.length === 0 ? c : { ...c, evidence: [] });

/** A remediation as an event carries it: no command output, no verification evidence (the
 * host's result carries them). */
export function lightRemediation(r: RemediationResult): RemediationResult {
  return {
    ...r,
    commands: r.commands.map(({ output: _output, ...c }) => c),
    ...(r.verification ? { verification: r.verification.map(withoutEvidence) } : {}),
  };
}

/** A check as memory keeps it: no evidence, and no conditions when it passed (the reports show
 * the conditions of failing and undecided checks only; report.json has them all). */
const checkSummary = (c: CheckResult): CheckResult => (c.status === 'pass' ? { ...c, evidence: [], conditions: [] } : withoutEvidence(c));

/** A host's summary: its result without evidence (see checkSummary). Remediation command
 * output stays (the report shows it in its rows, and remediations are few). */
export function summaryOf(r: HostResult): HostResult {
  return {
    ...r,
    checks: r.checks.map(checkSummary),
    remediations: r.remediations.map((m) => (m.verification ? { ...m, verification: m.verification.map(withoutEvidence) } : m)),
  };
}

/** Keeps full results in memory: for runs without a run folder (tests, library callers). */
export function memoryResultStore(): ResultStore {
  const results = new Map<string, HostResult>();
  return {
    add(result) {
      results.set(result.host, result);
      return result;
    },
    read: (host) => results.get(host),
    close: () => results.clear(),
  };
}

/**
 * Keeps full results in a file (one JSON line per host, appended) and in memory only each
 * line's place. The file is removed on close: report.json is the durable record.
 */
export function fileResultStore(path: string): ResultStore {
  let fd: number | undefined = openSync(path, 'w+', PRIVATE_FILE_MODE);
  let size = 0;
  const places = new Map<string, { at: number; length: number }>();
  // Every host's check has the same title and tags: one copy of each, shared by the summaries.
  const shared = new Map<string, unknown>();
  const share = <T>(value: T): T => {
    const key = JSON.stringify(value);
    if (!shared.has(key)) shared.set(key, value);
    return shared.get(key) as T;
  };
  // A copy through JSON: the summary must not hold on to what it leaves out (a field read from a
  // command's output can be a slice of that whole output).
  const keep = (result: HostResult): HostResult => {
    const copy = JSON.parse(JSON.stringify(summaryOf(result))) as HostResult;
    for (const c of copy.checks) {
      c.title = share(c.title);
      c.tags = share(c.tags);
    }
    return copy;
  };
  return {
    add(result) {
      if (fd === undefined) throw new Error(`result store ${path} is closed`);
      const line = Buffer.from(JSON.stringify(result) + '\n');
      writeSync(fd, line, 0, line.length, size);
      places.set(result.host, { at: size, length: line.length - 1 });
      size += line.length;
      return keep(result);
    },
    read(host) {
      const place = places.get(host);
      if (!place || fd === undefined) return undefined;
      const buf = Buffer.allocUnsafe(place.length);
      let got = 0;
      while (got < place.length) {
        const n = readSync(fd, buf, got, place.length - got, place.at + got);
        if (n === 0) throw new Error(`result store ${path} is shorter than written`);
        got += n;
      }
      return JSON.parse(buf.toString('utf8')) as HostResult;
    },
    close() {
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
      places.clear();
      shared.clear();
      rmSync(path, { force: true });
    },
  };
}

/** A fileResultStore whose file (and its folder, the owner's alone) is created at the first
 * `add`, and a folder it created is removed on close when nothing else was written there:
 * reading a wrong input, or a refused merge, leaves nothing behind. */
export function lazyFileResultStore(path: string): ResultStore {
  let store: ResultStore | undefined;
  let created: string | undefined;
  return {
    add(result) {
      if (!store) {
        created = mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
        store = fileResultStore(path);
      }
      return store.add(result);
    },
    read: (host) => store?.read(host),
    close() {
      store?.close();
      if (!created) return;
      for (let dir = dirname(path); ; dir = dirname(dir)) {
        try {
          rmdirSync(dir); // only when empty
        } catch {
          break;
        }
        if (dir === created) break;
      }
      created = undefined;
    },
  };
}
