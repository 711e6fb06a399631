/** Reads what a run left: its report.json (validated against the schema) or its events.jsonl,
 * a host at a time (docs/scale.md "Reading a report back"). Turning events into a report is
 * the report stage's (buildReport); adding a change run's journal is change/'s. */
import { closeSync, openSync, readSync } from 'node:fs';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { RunEvent } from '../model/events.js';
import { schemaValidator } from '../validate/schema.js';
import { UserError, type UserIssue } from '../model/errors.js';
import type { HostResult, RunReport } from '../model/result.js';
import { missingFileHint } from '../io/missing-file.js';
import { streamEventLog } from './event-log.js';
import { JsonStreamError, readJsonObjectStreaming } from './json-stream.js';

/** The report schema (schemas/report.schema.json). */
export function reportValidator(): ValidateFunction {
  return schemaValidator('report');
}

/** A run's record as read: a report, or the events of a log to rebuild one from. */
export type RunInput = { kind: 'report'; report: RunReport } | { kind: 'events'; events: RunEvent[] };

/** What is kept of each host read (its full result; e.g. a result store's `add` keeps the full
 * result on disk and returns its summary). */
export type KeepHost = (result: HostResult) => HostResult;

const HINT = 'pass a report.json or events.jsonl from a run folder';
/** The first line of an event log is looked at up to this size to tell the two apart. */
const SNIFF_BYTES = 1 << 20;

/**
 * Reads a report.json or an events.jsonl. Each host's full result is read alone and passed to
 * `keep`; the input holds what it returns, so with a result store memory holds summaries, never
 * the whole file. Bad input is a UserError `report-input`.
 */
export function readRunInput(path: string, keep: KeepHost = (h) => h): RunInput {
  const head = firstBytes(path);
  const firstLine = head.trimStart().split('\n', 1)[0]!;
  let first: unknown;
  try {
    first = JSON.parse(firstLine);
  } catch {
    first = undefined; // a pretty-printed report.json, or a first line longer than SNIFF_BYTES
  }
  const isEvent = first && typeof first === 'object' ? !('schemaVersion' in first) && 'type' in first : /^\{\s*"type"\s*:/.test(firstLine);
  if (isEvent) {
    const events: RunEvent[] = [];
    for (const e of streamEventLog(path)) {
      if (e.type === 'host-end') events.push({ ...e, result: keep(e.result) });
      else if (e.type === 'run-end' && e.report.hosts.length > 0) events.push({ ...e, report: { ...e.report, hosts: e.report.hosts.map(keep) } });
      else events.push(e);
    }
    return { kind: 'events', events };
  }
  if (!head.trimStart().startsWith('{')) throw neither(path);
  return { kind: 'report', report: readReportJson(path, keep) };
}

function firstBytes(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new UserError({ code: 'report-input', message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, hint: missingFileHint(path, HINT) });
  }
  try {
    const buf = Buffer.allocUnsafe(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch (err) {
    throw new UserError({ code: 'report-input', message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, hint: missingFileHint(path, HINT) });
  } finally {
    closeSync(fd);
  }
}

const neither = (path: string) => new UserError({ code: 'report-input', message: `${path} is neither a firebook report.json nor an events.jsonl`, hint: missingFileHint(path, HINT) });

/** Schema errors as issues, `/hosts/0` (the one host validated) named by its place in the file. */
function schemaIssues(path: string, validate: ValidateFunction, hostIndex?: number): UserIssue[] {
  return (validate.errors ?? [])
    .filter((e) => hostIndex === undefined || e.instancePath.startsWith('/hosts/0'))
    .slice(0, 10)
    .map((e) => ({
      code: 'report-input' as const,
      message: `${path}: ${(hostIndex === undefined ? e.instancePath : e.instancePath.replace('/hosts/0', `/hosts/${hostIndex}`)) || '/'} ${e.message ?? 'is invalid'}`,
      hint: 'the file does not match schemas/report.schema.json (schemaVersion 1)',
    }));
}

/** Reads report.json a host at a time: each host is validated alone (inside an otherwise empty
 * report, keeping only its own errors), the rest of the report once at the end. */
function readReportJson(path: string, keep: KeepHost): RunReport {
  const validate = reportValidator();
  let read: ReturnType<typeof readJsonObjectStreaming<HostResult>>;
  try {
    read = readJsonObjectStreaming(path, 'hosts', (host, i) => {
      if (!validate({ schemaVersion: 1, hosts: [host] })) {
        const issues = schemaIssues(path, validate, i);
        if (issues.length > 0) throw new UserError(issues);
      }
      return keep(host as HostResult);
    });
  } catch (err) {
    if (err instanceof JsonStreamError) throw new UserError({ code: 'report-input', message: `${path} is not valid JSON: ${err.message}`, hint: missingFileHint(path, HINT) });
    throw err;
  }
  const { members, items } = read;
  if (!('schemaVersion' in members)) throw neither(path);
  const frame = items ? { ...members, hosts: [] } : members;
  if (!validate(frame)) throw new UserError(schemaIssues(path, validate));
  return items ? { ...(frame as unknown as RunReport), hosts: items } : (frame as unknown as RunReport);
}
