/**
 * `--shard I/N`: a deterministic slice of the planned hosts, so an existing scheduler (a
 * Kubernetes Indexed Job, a CI matrix) can spread one run over N machines without a
 * coordinator. A host's shard depends only on its name and N (a hash), so a host stays in its
 * shard when others are added or removed; slices are balanced statistically (for m hosts per
 * shard, within a few √m). Numbering is 1-based, like Playwright's `--shard=1/4`.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../model/errors.js';
import type { RunPlan } from './plan.js';

/** Which slice of how many. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `I/N` (1 ≤ I ≤ N); a malformed value is a usage error naming the flag. */
export function parseShard(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UserError({ code: 'cli-usage', message: `--shard ${value}: expected I/N with 1 ≤ I ≤ N (e.g. --shard 2/4)`, hint: 'a Kubernetes Indexed Job passes --shard $((JOB_COMPLETION_INDEX + 1))/N' });
  }
  return { index, count };
}

/** The 1-based shard a host belongs to among `count`. */
export function shardOf(host: string, count: number): number {
  const h = createHash('sha256').update(host).digest();
  return (h.readUInt32BE(0) % count) + 1;
}

/** The plan restricted to one shard's hosts (possibly none: a clean no-op). */
export function applyShard(plan: RunPlan, shard: Shard | undefined): RunPlan {
  if (!shard) return plan;
  return { ...plan, hosts: plan.hosts.filter((h) => shardOf(h.name, shard.count) === shard.index) };
}
