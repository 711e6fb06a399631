/** An FTD whose expert and root prompts carry colour codes, markup and non-ASCII (a customised
 * `.bashrc` PS1): no prompt pattern knows them, pinning does not need to. The SecureX playbook
 * passes on it exactly as on a plain healthy FTD. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FANCY_PS1, startLab, type Lab } from '../../src/lab/index.js';
import { SshConnector } from '../../src/transport/index.js';
import type { RunReport } from '../../src/model/result.js';
import { runOn, statusTable, writeInventory } from '../integration/helpers.js';

describe('SecureX playbook on an FTD with a coloured, non-ASCII expert prompt', () => {
  let lab: Lab;
  let report: RunReport;
  const raw: string[] = [];
  beforeAll(async () => {
    lab = await startLab({
      hosts: [
        { name: 'ftd-fancy', platform: 'ftd', ps1: FANCY_PS1 },
        { name: 'ftd-plain', platform: 'ftd' },
        { name: 'ftd-mislabelled', platform: 'ftd' },
      ],
    });
    const connector = new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict', onRawOutput: (host, chunk) => host === 'ftd-fancy' && raw.push(chunk) });
    const inventory = writeInventory(lab, [], undefined, { 'ftd-mislabelled': { platform: 'fmc' } });
    ({ report } = await runOn(inventory, lab, { connector }));
  });
  afterAll(() => lab?.stop());

  it('really showed the prompt to the client (colours, markup and non-ASCII)', () => {
    const text = raw.join('');
    expect(text).toContain('\x1b[1;32madmin@fw-東京<b>:~$\x1b[0m ');
    expect(text).toContain('\x1b[1;32mroot@fw-東京<b>:/home/admin#\x1b[0m ');
  });

  it('passes every check, like the plain healthy FTD beside it', () => {
    const table = statusTable(report);
    expect(Object.values(table['ftd-fancy']).length).toBeGreaterThan(5);
    // The fmc-* checks read the FMC API: skipped without a firebook.fmc source.
    expect(Object.entries(table['ftd-fancy']).every(([id, s]) => s === (id.startsWith('fmc-') ? 'skipped' : 'pass'))).toBe(true);
    expect(table['ftd-fancy']).toEqual(table['ftd-plain']);
    expect(report.hosts.find((h) => h.host === 'ftd-fancy')?.status).toBe('ok');
  });

  it('judges by the platform the device reports and says when the inventory disagrees', () => {
    const h = report.hosts.find((x) => x.host === 'ftd-mislabelled')!;
    expect(h.facts).toMatchObject({ platform: 'ftd', inventoryPlatform: 'fmc' });
    // FTD paths (platform_vars.ftd) and FTD-only checks: the same verdicts as the plain FTD.
    expect(statusTable(report)['ftd-mislabelled']).toEqual(statusTable(report)['ftd-plain']);
    expect(report.hosts.find((x) => x.host === 'ftd-plain')!.facts?.inventoryPlatform).toBeUndefined();
  });

  it('keeps prompts and escape codes out of the evidence', () => {
    const json = JSON.stringify(report.hosts.find((h) => h.host === 'ftd-fancy'));
    expect(json).not.toContain('fw-東京');
    expect(json).not.toContain('\\u001b');
  });
});
