/** `firebook demo` (npm start): the main job on the built-in device lab — start a fleet with
 * healthy and broken devices, run the SecureX and health playbooks in one run (one SSH session
 * per host for both), write reports, print where, stop the lab. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { parseLang } from '../options.js';
import { loadInputs, playbookMeta } from '../load-inputs.js';
import { executeRun } from '../execute.js';
import { packagePath } from '../../io/package-files.js';
import type { LabHostSpec } from '../../lab/types.js';

/** One device per scenario the SecureX procedure and the health checks diagnose, FTD and FMC,
 * and three HA pairs (docs/health.md "Lab"): a healthy one, one with a failed unit, one split. */
export const DEMO_FLEET: LabHostSpec[] = [
  { name: 'ftd-healthy', platform: 'ftd', scenario: 'healthy' },
  { name: 'ftd-dns', platform: 'ftd', scenario: 'dns-broken' },
  { name: 'ftd-egress', platform: 'ftd', scenario: 'egress-blocked' },
  { name: 'ftd-detached', platform: 'ftd', scenario: 'eventhandler-detached' },
  { name: 'ftd-misconf', platform: 'ftd', scenario: 'connector-misconfigured' },
  { name: 'ftd-locked', platform: 'ftd', scenario: 'expert-disabled' },
  { name: 'ftd-72', platform: 'ftd', scenario: 'newer-release' },
  { name: 'ftd-stopped', platform: 'ftd', scenario: 'connector-stopped' },
  { name: 'ftd-tls', platform: 'ftd', scenario: 'tls-intercepted' },
  // A 7.0 FTDv registered to the APJC cloud (its inventory entry says sse_region: apj).
  { name: 'ftd-apjc', platform: 'ftd', scenario: 'region-apj', version: '7.0.1' },
  { name: 'fmc-healthy', platform: 'fmc', scenario: 'healthy', fmcLogin: 'cli' },
  { name: 'fmc-bash', platform: 'fmc', scenario: 'egress-blocked', fmcLogin: 'bash' },
  { name: 'ftd-tunnel', platform: 'ftd', scenario: 'tunnel-down' },
  { name: 'ftd-pending', platform: 'ftd', scenario: 'registration-pending' },
  { name: 'ftd-disk', platform: 'ftd', scenario: 'disk-full' },
  { name: 'ftd-ntp', platform: 'ftd', scenario: 'ntp-unsynced' },
  { name: 'ftd-proc', platform: 'ftd', scenario: 'process-down' },
  { name: 'ftd-ha-a1', platform: 'ftd', scenario: 'healthy', haGroup: 'ha-a', haRole: 'primary' },
  { name: 'ftd-ha-a2', platform: 'ftd', scenario: 'healthy', haGroup: 'ha-a', haRole: 'secondary' },
  { name: 'ftd-ha-b1', platform: 'ftd', scenario: 'healthy', haGroup: 'ha-b', haRole: 'primary' },
  { name: 'ftd-ha-b2', platform: 'ftd', scenario: 'ha-unit-failed', haGroup: 'ha-b', haRole: 'secondary' },
  { name: 'ftd-ha-c1', platform: 'ftd', scenario: 'ha-split-brain', haGroup: 'ha-c', haRole: 'primary' },
  { name: 'ftd-ha-c2', platform: 'ftd', scenario: 'healthy', haGroup: 'ha-c', haRole: 'secondary' },
];

/** The playbooks the demo runs together. */
export const DEMO_PLAYBOOKS = ['playbooks/securex.yml', 'playbooks/health.yml'];

/** demo's flags: parsed here, listed by completion. */
const OPTIONS = {
  out: { type: 'string' },
  lang: { type: 'string' },
} as const satisfies OptionsSpec;

export const command: CliCommand = {
  name: 'demo',
  summary: 'run the SecureX and health playbooks on the built-in device lab and write reports (npm start)',
  usage: `Usage: firebook demo [--out DIR] [--lang en|ja]

Starts the built-in device lab on loopback (healthy and broken FTD/FMC devices, HA pairs),
runs playbooks/securex.yml and playbooks/health.yml against it in one run in check mode (one
SSH session per host for both), writes HTML/Markdown/JSON/JUnit reports,
prints a fleet summary and where the reports are, and stops the lab.
Exits 0 when the run completed (the broken devices are expected to fail).
`,
  options: OPTIONS,
  choices: { lang: ['en', 'ja'] },
  async run(argv, io) {
    const { values } = parseCommandArgs('demo', argv, OPTIONS);
    const lang = parseLang('demo', values.lang);
    const dir = mkdtempSync(join(tmpdir(), 'firebook-lab-'));
    const { startLab } = await import('../../lab/index.js');
    const lab = await startLab({ hosts: DEMO_FLEET, dir });
    try {
      io.stdout.write(`firebook demo: lab of ${lab.hosts.length} devices on 127.0.0.1 (inventory ${lab.inventoryPath})\n`);
      const { playbooks, plan } = await loadInputs(io.cwd, DEMO_PLAYBOOKS.map((p) => packagePath(p)), lab.inventoryPath, {});
      const { report, outDir } = await executeRun(
        {
          plan: plan!,
          playbooks: playbooks.map(playbookMeta),
          inventorySource: lab.inventoryPath,
          argv: ['demo', ...argv],
          mode: 'check',
          lang,
          knownHostsFile: lab.knownHostsPath,
          hostKeyPolicy: 'strict',
          outDir: values.out,
          formats: ['json', 'html', 'md', 'junit'],
          console: io.stdout.isTTY ? 'tty' : 'plain',
        },
        io,
      );
      io.stdout.write(`\nOpen ${join(outDir, 'report.html')} in a browser (also report.md, report.json, junit.xml there).\n`);
      io.stdout.write(`(A 'firebook run' with these results exits ${report.exitCode}; the demo exits 0 because broken devices are the point.)\n`);
      return report.incomplete ? 130 : 0;
    } finally {
      await lab.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
