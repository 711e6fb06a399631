/** Issue 19, end to end over real HTTPS and SSH: the lab's FMC emulator is the inventory
 * (`plugin: firebook.fmc`), `inventory --list` equals what the FMC says, `run` reaches the FTDs
 * it lists over SSH in one report, and the FMC password is in no artefact. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { startLabFmc, type LabFmc } from '../../src/lab/fmc-lab.js';
import { connectFmc } from '../../src/fmc/index.js';
import { fbAsync } from '../cli/helpers.js';

let lab: Lab;
let fmc: LabFmc;
const out = mkdtempSync(join(tmpdir(), 'fb-fmc-e2e-'));
beforeAll(async () => {
  lab = await startLab({ hosts: 6 });
  fmc = await startLabFmc(lab);
});
afterAll(async () => {
  await fmc?.stop();
  await lab?.stop();
  rmSync(out, { recursive: true, force: true });
});

const env = () => ({ FMC_PASSWORD: fmc.password, XDG_CACHE_HOME: join(out, 'cache') });

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('firebook.fmc over the lab FMC', () => {
  it('inventory --list equals the FMC: its devices, HA pairs (ha_group) and device groups', async () => {
    const r = await fbAsync(['inventory', '-i', fmc.inventoryPath, '--list'], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const inv = JSON.parse(r.stdout) as { _meta: { hostvars: Record<string, Record<string, unknown>> } } & Record<string, { hosts?: string[] }>;
    const api = await connectFmc({ url: fmc.emulator.url, username: fmc.emulator.username, password: fmc.password, caFile: fmc.emulator.caFile });
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
    const r = await fbAsync(['run', 'playbooks/securex.yml', '-i', fmc.inventoryPath, '--known-hosts', lab.knownHostsPath, '--out', runDir, '--format', 'json,html,md,junit,prom'], { env: env() });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as { hosts: { host: string; status: string; platform?: string; checks: unknown[] }[] };
    const names = report.hosts.map((h) => h.host).sort();
    expect(names).toEqual(lab.hosts.filter((h) => h.platform === 'ftd').map((h) => h.name).concat(new URL(fmc.emulator.url).hostname).sort());
    for (const h of report.hosts) {
      expect(h.status).toBe('ok');
      expect(h.checks.length).toBeGreaterThan(0);
    }
    const canary = fmc.password;
    for (const f of filesUnder(runDir)) expect(readFileSync(f, 'utf8'), f).not.toContain(canary);
    expect(r.stdout + r.stderr).not.toContain(canary);
  });
});
