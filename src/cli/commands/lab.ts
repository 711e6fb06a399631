/** `firebook lab`: runs the built-in device lab on loopback until SIGINT/SIGTERM. */
import type { CliCommand, CliIO } from '../command.js';
import { parseCommandArgs, type OptionsSpec } from '../command.js';
import { UserError, EXIT } from '../../model/errors.js';
import { SCENARIOS, type ScenarioName } from '../../lab/types.js';
import type { LabFmc } from '../../lab/fmc-lab.js';
import type { Lab } from '../../lab/types.js';
import { packagePath, packageRoot } from '../../io/package-files.js';
import { isAbsolute, relative, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';

const USAGE = `Usage: firebook lab --hosts N [--scenarios a,b,...] [--latency-ms X] [--dir DIR] [--fmc] [--bundles DIR]

Starts N simulated FTD/FMC devices over SSH on 127.0.0.1 (one port each), writes an
Ansible inventory and a known_hosts file, prints their paths, the password and one line
per host, and runs until Ctrl-C (SIGINT) or SIGTERM.

Options:
  --hosts N           number of devices (every 5th is an FMC)
  --scenarios LIST    comma list cycled over the hosts; one of:
                      ${SCENARIOS.join(', ')}
  --latency-ms X      delay before each command's output
  --dir DIR           where to write inventory.yml, known_hosts and the client key
                      (default: a temp dir removed on exit)
  --fmc               also run an FMC REST API emulator over HTTPS that manages the
                      lab's FTDs (HA pairs, device groups); writes its CA, fmc.yml
                      (plugin: firebook.fmc) and host_vars/ + group_vars/ beside it
  --bundles DIR       also write each device's troubleshoot bundle, made from its state
                      at start, as DIR/<device>-troubleshoot.tar.gz (docs/bundles.md)
`;

function usageError(message: string, hint = "run 'firebook lab --help' for the options"): UserError {
  return new UserError({ code: 'cli-usage', message: `firebook lab: ${message}`, hint });
}

function parseCount(raw: string | undefined, flag: string, min: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw usageError(`${flag} must be an integer >= ${min}, got '${raw}'`);
  return Number(raw);
}

/** lab's flags: parsed here, listed by completion. */
const OPTIONS = {
  hosts: { type: 'string' },
  scenarios: { type: 'string' },
  'latency-ms': { type: 'string' },
  dir: { type: 'string' },
  fmc: { type: 'boolean' },
  bundles: { type: 'string' },
} as const satisfies OptionsSpec;

/** A word as the shell reads it: bare when safe, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `firebook run` line that works as printed from `cwd`: in a checkout the built CLI
 * (`node dist/src/cli/main.js`, what `npm start` runs; not `npx firebook`, which first installs
 * the checkout into npm's cache and rebuilds it there) and the playbook relative to it;
 * elsewhere the installed `firebook` and the shipped playbook's full path. `--known-hosts`
 * verifies the lab's host keys without touching ~/.ssh/known_hosts.
 */
export function labRunCommand(cwd: string, inventoryPath: string, knownHostsPath: string): string {
  return [...runWords(cwd), '-i', inventoryPath, '--known-hosts', knownHostsPath].map(shellWord).join(' ');
}

/** The `firebook run` line (as labRunCommand) that reads the lab's bundles instead of its devices. */
export function labBundleRunCommand(cwd: string, bundlePaths: readonly string[]): string {
  return [...runWords(cwd), ...bundlePaths.flatMap((p) => ['--bundle', p])].map(shellWord).join(' ');
}

/** `<cli> run <securex playbook>` as labRunCommand explains. */
function runWords(cwd: string): string[] {
  const fromRoot = relative(packageRoot(), cwd);
  const inCheckout = !fromRoot.startsWith('..') && !isAbsolute(fromRoot);
  const playbook = packagePath('playbooks/securex.yml');
  const cli = inCheckout ? ['node', relative(cwd, packagePath('dist/src/cli/main.js'))] : ['firebook'];
  return [...cli, 'run', inCheckout ? relative(cwd, playbook) : playbook];
}

/** Writes the lab's bundles into `dir` and prints one line per bundle or skipped device, then the
 * `firebook run … --bundle` line that reads them. */
async function printBundles(lab: Lab, dir: string, io: CliIO): Promise<void> {
  const { writeLabBundles } = await import('../../lab/index.js');
  const paths = await writeLabBundles(lab, dir, { onSkip: (host, reason) => io.stdout.write(`bundle:      ${host} skipped: ${reason}\n`) });
  for (const p of paths) io.stdout.write(`bundle:      ${p}\n`);
  if (paths.length > 0) io.stdout.write(`\nrun the SecureX playbook on the bundles (copy this):\n  ${labBundleRunCommand(io.cwd, paths)}\n\n`);
}

/** The folder for --bundles, created now so that a bad one stops the command before the lab starts. */
function bundlesDir(cwd: string, raw: string): string {
  const dir = resolve(cwd, raw);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw usageError(`--bundles ${raw}: cannot create the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'name a folder you can write to');
  }
  return dir;
}

/** Runs the lab until `signal` aborts; returns the exit code. Throws UserError for bad flags. */
export async function runLab(argv: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseCommandArgs('lab', argv, OPTIONS);
  if (positionals.length > 0) throw usageError(`unexpected argument '${positionals[0]}'`);
  const hosts = parseCount(values.hosts, '--hosts', 1);
  if (hosts === undefined) throw usageError('--hosts is required');
  const latencyMs = parseCount(values['latency-ms'], '--latency-ms', 0);
  let scenarios: ScenarioName[] | undefined;
  if (values.scenarios !== undefined) {
    scenarios = values.scenarios.split(',').map((s) => s.trim()) as ScenarioName[];
    const bad = scenarios.find((s) => !SCENARIOS.includes(s));
    if (bad !== undefined) throw usageError(`unknown scenario '${bad}'`, `one of: ${SCENARIOS.join(', ')}`);
  }
  const bundles = values.bundles !== undefined ? bundlesDir(io.cwd, values.bundles) : undefined;
  if (signal.aborted) return EXIT.ok;
  // Loaded here: every other command starts without the lab's modules.
  const { startLab } = await import('../../lab/index.js');
  const lab = await startLab({ hosts, scenarios, latencyMs, dir: values.dir });
  let fmc: LabFmc | undefined;
  try {
    if (values.fmc) fmc = await (await import('../../lab/fmc-lab.js')).startLabFmc(lab);
  } catch (err) {
    await lab.stop();
    throw err;
  }
  io.stdout.write(`inventory:   ${lab.inventoryPath}\n`);
  io.stdout.write(`known_hosts: ${lab.knownHostsPath}\n`);
  io.stdout.write(`client key:  ${lab.clientKeyPath}\n`);
  io.stdout.write(`password:    ${lab.password}\n`);
  for (const h of lab.hosts) {
    const login = h.platform === 'fmc' ? ` login=${h.fmcLogin ?? 'cli'}` : '';
    io.stdout.write(`${h.name.padEnd(8)} ${h.platform} ${h.version} 127.0.0.1:${h.port} scenario=${h.scenario}${login}\n`);
  }
  if (bundles !== undefined) {
    try {
      await printBundles(lab, bundles, io);
    } catch (err) {
      await fmc?.stop();
      await lab.stop();
      throw err;
    }
  }
  io.stdout.write(`\nrun the SecureX playbook against the lab (copy this):\n  ${labRunCommand(io.cwd, lab.inventoryPath, lab.knownHostsPath)}\n\n`);
  if (fmc) {
    const e = fmc.emulator;
    io.stdout.write(`FMC:         ${e.url} user ${e.username}, ${e.devices.length} devices, ${e.haPairs.length} HA pairs\n`);
    io.stdout.write(`FMC CA:      ${e.caFile}\n`);
    io.stdout.write(`FMC inventory (plugin: firebook.fmc): ${fmc.inventoryPath}\n`);
    io.stdout.write(`\nor ask the FMC for the fleet (copy this):\n  export FMC_PASSWORD=${shellWord(fmc.password)}\n  ${labRunCommand(io.cwd, fmc.inventoryPath, lab.knownHostsPath)}\n\n`);
  }
  io.stdout.write('lab running; press Ctrl-C to stop\n');
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  await fmc?.stop();
  await lab.stop();
  io.stdout.write('lab stopped\n');
  return EXIT.ok;
}

/** The `lab` sub-command. */
export const command: CliCommand = {
  name: 'lab',
  summary: 'run a simulated FTD/FMC fleet over SSH on loopback (for trying firebook)',
  usage: USAGE,
  options: OPTIONS,
  choices: { scenarios: SCENARIOS },
  async run(argv, io) {
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      return await runLab(argv, io, controller.signal);
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
