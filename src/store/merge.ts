/**
 * `firebook report merge`: the run folders of `--shard 1/N … N/N` combined into one report with
 * one exit code, as if one process had run every host. Refuses (UserError → exit 4) anything
 * that would make the combination lie: a missing or duplicated shard, a folder that is not a
 * shard's, shards of different counts, playbooks, mode or selection, a host in two shards.
 */
import { UserError, type UserIssue } from '../model/errors.js';
import { computeExitCode, computeSummary } from '../model/outcome.js';
import type { RunMeta, RunReport } from '../model/result.js';

/** One shard's report and where it came from. */
export interface ShardReport {
  path: string;
  report: RunReport;
}

/** What must be equal across shards for their union to be one run. */
function selection(meta: RunMeta): string {
  return JSON.stringify({
    playbooks: meta.playbooks.map((p) => p.sha256).sort(),
    mode: meta.mode,
    limit: meta.limit ?? null,
    tags: meta.tags ?? null,
    skipTags: meta.skipTags ?? null,
    failOn: meta.failOn ?? null,
  });
}

/** Merges shard reports; throws a UserError listing every reason it cannot. */
export function mergeShardReports(shards: readonly ShardReport[]): RunReport {
  const issues: UserIssue[] = [];
  const refuse = (message: string, hint?: string) => issues.push({ code: 'report-input', message, hint });
  const byIndex = new Map<number, ShardReport>();
  const first = shards[0];
  if (!first) throw new UserError({ code: 'cli-usage', message: 'firebook report merge: name the shard run folders', hint: 'firebook report merge reports/shard-1 reports/shard-2 … --out reports/merged' });
  const count = first.report.meta.shard?.count;
  for (const s of shards) {
    const shard = s.report.meta.shard;
    if (!shard) {
      refuse(`${s.path}: not a shard's report (that run had no --shard I/N)`);
      continue;
    }
    if (shard.count !== count) refuse(`${s.path}: shard ${shard.index}/${shard.count}, but ${first.path} is one of ${count}`, 'merge the shards of one run: every one was started with the same N');
    const twin = byIndex.get(shard.index);
    if (twin) refuse(`${s.path} and ${twin.path} are both shard ${shard.index}/${shard.count}`);
    else byIndex.set(shard.index, s);
    if (selection(s.report.meta) !== selection(first.report.meta)) {
      refuse(`${s.path}: its playbooks (sha256), mode or selection differ from ${first.path}`, 'every shard must run the same playbook files with the same --limit/--tags/--fail-on and mode');
    }
  }
  if (count !== undefined && issues.length === 0) {
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
    if (missing.length > 0) refuse(`shard ${missing.map((i) => `${i}/${count}`).join(', ')} missing (got ${[...byIndex.keys()].sort((a, b) => a - b).join(', ')})`, 'a shard that ran no host still writes its run folder; name them all');
  }
  const seen = new Map<string, string>();
  for (const s of shards) {
    for (const name of [...s.report.hosts.map((h) => h.host), ...s.report.notRun]) {
      const other = seen.get(name);
      if (other && other !== s.path) refuse(`host ${name} is in both ${other} and ${s.path}`, 'the shards come from runs with different inventories or N');
      seen.set(name, s.path);
    }
  }
  if (issues.length > 0) throw new UserError(issues);

  const ordered = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, s]) => s.report);
  const hosts = ordered.flatMap((r) => r.hosts).sort((a, b) => a.host.localeCompare(b.host));
  const notRun = ordered.flatMap((r) => r.notRun).sort();
  const incomplete = ordered.some((r) => r.incomplete);
  const startedAt = ordered.map((r) => r.meta.startedAt).sort()[0]!;
  const ends = ordered.map((r) => r.meta.endedAt).filter((t): t is string => t !== undefined).sort();
  const endedAt = ends[ends.length - 1];
  const base = ordered[0]!;
  const meta: RunMeta = { ...base.meta };
  delete meta.shard;
  return {
    schemaVersion: 1,
    meta: {
      ...meta,
      runId: `${base.meta.runId}-merged`,
      startedAt,
      ...(endedAt ? { endedAt, durationMs: Math.max(0, Date.parse(endedAt) - Date.parse(startedAt)) } : {}),
      mergedFrom: ordered.map((r) => r.meta.runId),
    },
    incomplete,
    checks: base.checks,
    hosts,
    notRun,
    summary: computeSummary(hosts, notRun),
    exitCode: computeExitCode(hosts, { interrupted: incomplete, failOn: first.report.meta.failOn }),
  };
}
