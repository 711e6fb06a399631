/** `firebook lab --fmc`: the lab's FMC manages the lab's FTDs, and the files it writes reach them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, dirname } from 'node:path';
import { parse } from 'yaml';
import { startLab, type Lab } from '../../src/lab/index.js';
import { startLabFmc, type LabFmc } from '../../src/lab/fmc-lab.js';
import { connectFmc } from '../../src/fmc/index.js';

let lab: Lab;
let fmc: LabFmc;
beforeAll(async () => {
  lab = await startLab({ hosts: 10, scenarios: ['healthy', 'dns-broken'] });
  fmc = await startLabFmc(lab);
});
afterAll(async () => {
  await fmc?.stop();
  await lab?.stop();
});

/** The SSH identification line a lab port sends. */
function banner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.once('data', (d) => {
      resolve(String(d).split('\r\n')[0]);
      s.destroy();
    });
    s.once('error', reject);
  });
}

describe('lab --fmc', () => {
  it('writes fmc.yml (plugin: firebook.fmc) naming the URL, the user, FMC_PASSWORD and the CA in the lab folder', async () => {
    const inv = parse(await readFile(fmc.inventoryPath, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(inv)[0]).toBe('plugin');
    expect(inv).toEqual({ plugin: 'firebook.fmc', url: fmc.emulator.url, username: fmc.emulator.username, password_env: 'FMC_PASSWORD', ca_file: fmc.emulator.caFile, include_fmc: true });
    expect(dirname(fmc.emulator.caFile)).toBe(dirname(lab.inventoryPath));
    expect(await readFile(fmc.emulator.caFile, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(await readFile(fmc.inventoryPath, 'utf8')).not.toContain(fmc.password);
  });

  it("the FMC's devices are the lab's FTDs, with HA pairs, groups and two domains, and their SSH ports answer", async () => {
    const inv = parse(await readFile(fmc.inventoryPath, 'utf8')) as { url: string; username: string; ca_file: string };
    const c = await connectFmc({ url: inv.url, username: inv.username, password: fmc.password, caFile: inv.ca_file });
    const devices = await c.getAll('/devices/devicerecords');
    const ftds = lab.hosts.filter((h) => h.platform === 'ftd');
    expect(devices.map((d) => d.name)).toEqual(ftds.map((h) => h.name));
    expect(devices.every((d) => d.hostName === '127.0.0.1')).toBe(true);
    const pairs = await c.getAll('/devicehapairs/ftddevicehapairs');
    expect(pairs.map((p) => [p.name, (p.primary as { name: string }).name, (p.secondary as { name: string }).name])).toEqual([
      ['ha-ftd01-ftd02', 'ftd01', 'ftd02'],
      ['ha-ftd05-ftd06', 'ftd05', 'ftd06'],
    ]);
    const groups = await c.getAll('/devicegroups/devicegrouprecords');
    expect(groups.map((g) => g.name).sort()).toEqual(['dg-east', 'dg-west']);
    const child = await connectFmc({ url: inv.url, username: inv.username, password: fmc.password, caFile: inv.ca_file, domain: 'Lab' });
    expect((await child.getAll('/devices/devicerecords')).map((d) => d.name)).toEqual(['ftd08']);
    for (const h of lab.hosts) {
      const vars = parse(await readFile(join(dirname(lab.inventoryPath), 'host_vars', `${h.name}.yml`), 'utf8')) as { ansible_port: number };
      expect(vars.ansible_port).toBe(h.port);
      expect(await banner(vars.ansible_port)).toMatch(/^SSH-2\.0-/);
    }
    const all = parse(await readFile(join(dirname(lab.inventoryPath), 'group_vars', 'all.yml'), 'utf8')) as Record<string, string>;
    expect(all.ansible_ssh_common_args).toBe(`-o UserKnownHostsFile=${lab.knownHostsPath}`);
    expect((await c.get('/api/fmc_platform/v1/info/serverversion')) as unknown).toMatchObject({ items: [{ hostname: 'fmc01' }] });
    expect(fmc.emulator.stats.logins).toBe(1);
  });
});
