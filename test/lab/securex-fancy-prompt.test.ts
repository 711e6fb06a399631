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
    lab = await startLab({ hosts: [{ name: 'ftd-fancy', platform: 'ftd', ps1: FANCY_PS1 }, { name: 'ftd-plain', platform: 'ftd' }] });
    const connector = new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict', onRawOutput: (host, chunk) => host === 'ftd-fancy' && raw.push(chunk) });
    ({ report } = await runOn(writeInventory(lab), lab, { connector }));
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
    expect(Object.values(table['ftd-fancy']).every((s) => s === 'pass')).toBe(true);
    expect(table['ftd-fancy']).toEqual(table['ftd-plain']);
    expect(report.hosts.find((h) => h.host === 'ftd-fancy')?.status).toBe('ok');
  });

  it('keeps prompts and escape codes out of the evidence', () => {
    const json = JSON.stringify(report.hosts.find((h) => h.host === 'ftd-fancy'));
    expect(json).not.toContain('fw-東京');
    expect(json).not.toContain('\\u001b');
  });
});
