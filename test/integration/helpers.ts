/** Shared set-up for integration tests: a lab, an inventory around it, and a run. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab } from '../../src/lab/index.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import { loadInventory } from '../../src/inventory/index.js';
import { buildPlan, type PlanOptions } from '../../src/plan/plan.js';
import { runPlan, type RunOptions } from '../../src/run/runner.js';
import { EventBus } from '../../src/run/emitter.js';
import { SshConnector } from '../../src/transport/index.js';
import type { RunEvent } from '../../src/model/events.js';
import type { RunReport } from '../../src/model/result.js';
import type { Connector } from '../../src/model/transport.js';

export const ROOT = join(import.meta.dirname, '../..');
export const SECUREX = join(ROOT, 'playbooks/securex.yml');

export interface ExtraHost {
  name: string;
  port: number;
  platform?: string;
  vars?: Record<string, unknown>;
}

/** An inventory with the lab's hosts (groups by platform) plus extra hosts (e.g. a closed port). */
export function writeInventory(lab: Lab, extra: ExtraHost[] = [], dir = mkdtempSync(join(tmpdir(), 'fb-inv-')), varsFor: Record<string, Record<string, unknown>> = {}): string {
  const line = (name: string, port: number, platform: string, vars: Record<string, unknown> = {}) =>
    `        ${name}: ${JSON.stringify({ ansible_host: '127.0.0.1', ansible_port: port, platform, ...vars })}`;
  const text = [
    'all:',
    '  vars:',
    `    ansible_user: admin`,
    `    ansible_password: ${JSON.stringify(lab.password)}`,
    '  children:',
    '    lab:',
    '      hosts:',
    ...lab.hosts.map((h) => line(h.name, h.port, h.platform, varsFor[h.name])),
    ...extra.map((h) => line(h.name, h.port, h.platform ?? 'ftd', h.vars)),
  ].join('\n');
  const path = join(dir, 'inventory.yml');
  writeFileSync(path, text + '\n');
  return path;
}

export const META: RunOptions['meta'] = {
  runId: 'test', tool: { name: 'firebook', version: 'test' }, playbooks: [], inventory: '', mode: 'check', operator: 'test', startedAt: new Date().toISOString(), argv: [], hostKeyChecking: 'strict', lang: 'en',
};

export interface RunArgs extends PlanOptions {
  playbooks?: string[];
  mode?: 'check' | 'apply';
  connector?: Connector;
  knownHosts?: string;
  waivers?: RunOptions['waivers'];
  now?: () => Date;
}

/** Plans and runs against an inventory; returns the report and every event. */
export async function runOn(inventoryPath: string, lab: Lab, args: RunArgs = {}): Promise<{ report: RunReport; events: RunEvent[] }> {
  const playbooks = (args.playbooks ?? [SECUREX]).map((p) => loadPlaybook(p));
  const plan = buildPlan(playbooks, await loadInventory(inventoryPath), args);
  const events: RunEvent[] = [];
  const report = await runPlan(plan, {
    connector: args.connector ?? new SshConnector({ knownHostsFile: args.knownHosts ?? lab.knownHostsPath, hostKeyPolicy: 'strict' }),
    bus: new EventBus([]),
    meta: { ...META, mode: args.mode ?? 'check' },
    mode: args.mode ?? 'check',
    waivers: args.waivers,
    now: args.now,
    onEvent: (e) => events.push(e),
  });
  return { report, events };
}

/** host → check id → status. */
export function statusTable(report: RunReport): Record<string, Record<string, string>> {
  return Object.fromEntries(report.hosts.map((h) => [h.host, Object.fromEntries(h.checks.map((c) => [c.checkId, c.status]))]));
}
