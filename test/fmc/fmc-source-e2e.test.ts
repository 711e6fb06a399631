/** Issue 19, end to end over real HTTPS and SSH: the lab's FMC emulator is the inventory
 * (`plugin: firebook.fmc`), `inventory --list` equals what the FMC says, `run` reaches the FTDs
 * it lists over SSH in one report, and the FMC password is in no artefact. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectFmc } from '../../src/fmc/index.js';
import { fbAsync } from '../cli/helpers.js';
import { filesUnder, useLabFmc } from './lab-fmc-fixture.js';

const fx = useLabFmc(6, 'fb-fmc-e2e-');
const { out, env } = fx;

describe('firebook.fmc over the lab FMC', () => {
  it('inventory --list equals the FMC: its devices, HA pairs (ha_group) and device groups', async () => {
    const r = await fbAsync(['inventory', '-i', fx.fmc.inventoryPath, '--list'], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const inv = JSON.parse(r.stdout) as { _meta: { hostvars: Record<string, Record<string, unknown>> } } & Record<string, { hosts?: string[] }>;
    const api = await connectFmc({ url: fx.fmc.emulator.url, username: fx.fmc.emulator.username, password: fx.fmc.password, caFile: fx.fmc.emulator.caFile });
    const devices = await api.getAll('/devices/devicerecords');
    const pairs = await api.getAll('/devicehapairs/ftddevicehapairs');
    const ftds = Object.entries(inv._meta.hostvars).filter(([, v]) => v.platform === 'ftd');
    expect(ftds.map(([n]) => n).sort()).toEqual(devices.map((d) => String(d.name)).sort());
    for (const d of devices) {
      const v = inv._meta.hostvars[String(d.name)]!;
      expect(v).toMatchObject({ fmc_device_id: d.id, fmc_model: d.model, fmc_sw_version: d.sw_version, ansible_host: d.hostName });
    }
    expect(pairs.length).toBeGreaterThan(0);
    for (const p of pairs) {
      const units = [p.primary, p.secondary].map((u) => String((u as { name: string }).name));
      for (const u of units) expect(inv._meta.hostvars[u]).toMatchObject({ ha_group: p.name });
    }
    const withGroup = ftds.filter(([, v]) => v.ha_group !== undefined).length;
    expect(withGroup).toBe(pairs.length * 2);
    expect(inv.fmc?.hosts).toHaveLength(1);
    const groups = await api.getAll('/devicegroups/devicegrouprecords');
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      const members = ((g.members as { name: string }[] | undefined) ?? []).map((m) => m.name).sort();
      expect(inv[String(g.name).replace(/[^A-Za-z0-9_]/g, '_')]?.hosts?.slice().sort(), String(g.name)).toEqual(members);
    }
  });

  it('run: SSH checks on every FTD the FMC lists and on the FMC itself, in one report; the password is in no file', async () => {
    const runDir = join(out, 'run');
    const r = await fbAsync(['run', 'playbooks/securex.yml', '-i', fx.fmc.inventoryPath, '--known-hosts', fx.lab.knownHostsPath, '--out', runDir, '--format', 'json,html,md,junit,prom'], { env: env() });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as { hosts: { host: string; status: string; platform?: string; checks: unknown[] }[] };
    const names = report.hosts.map((h) => h.host).sort();
    expect(names).toEqual(fx.lab.hosts.filter((h) => h.platform === 'ftd').map((h) => h.name).concat(new URL(fx.fmc.emulator.url).hostname).sort());
    for (const h of report.hosts) {
      expect(h.status).toBe('ok');
      expect(h.checks.length).toBeGreaterThan(0);
    }
    const canary = fx.fmc.password;
    for (const f of filesUnder(runDir)) expect(readFileSync(f, 'utf8'), f).not.toContain(canary);
    expect(r.stdout + r.stderr).not.toContain(canary);
  });
});
