/** Wiring for a run: plan → connector → reporters → runner, with Ctrl-C handling.
 * Shared by `firebook run` and `firebook demo`. */
import { mkdirSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Severity } from '../model/playbook.js';
import type { RunMeta, RunReport } from '../model/result.js';
import type { Connector } from '../model/transport.js';
import type { RunPlan } from '../plan/plan.js';
import { EventBus, type NamedReporter } from '../run/emitter.js';
import { afterPendingSignals, runPlan, type RunOptions } from '../run/runner.js';
import type { Waiver } from '../run/waivers.js';
import { RecordingConnector, ReplayConnector } from '../replay/recording.js';
import { SshConnector } from '../transport/index.js';
import { FmcApiConnector, type FmcApiOf } from '../fmc/session.js';
import { routeBundles } from '../bundle/index.js';
import { connectSettingsOf, fmcSourceOf } from '../inventory/index.js';
import type { Inventory } from '../model/inventory.js';
import { PRIVATE_DIR_MODE, TEMP_MARK } from '../io/atomic-file.js';
import { recordRun } from '../history/record.js';
import type { DbChoice } from '../history/open.js';
import { buildReport, createFileReporter, redactArgv, writeReports, type ReportFormat } from '../report/index.js';
import { openEventLog, readEventLog } from '../store/index.js';
import { createConsoleReporter, useColor } from '../console/index.js';
import { fileResultStore } from '../store/result-store.js';
import { EXIT } from '../model/errors.js';

import type { CliIO } from './command.js';
import { toolVersion } from '../io/package-files.js';
import type { Shard } from '../plan/shard.js';
import type { SigningKey } from '../sign/sshsig.js';
import { signEvidence } from './sign-options.js';

export interface ExecuteConfig {
  plan: RunPlan;
  playbooks: RunMeta['playbooks'];
  inventorySource: string;
  argv: string[];
  /** `plan`: check mode plus each remediation's read-only capture (firebook plan). */
  mode: 'check' | 'plan' | 'apply';
  /** `plan`: the console's verdict is what the plan found, without an exit code. */
  planning?: boolean;
  /** apply, resume or rollback of a plan (RunMeta.changeRun). */
  changeRun?: RunMeta['changeRun'];
  forks?: number;
  connectRate?: number;
  waivers?: Waiver[];
  failOn?: Severity;
  lang: 'en' | 'ja';
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  knownHostsFile?: string;
  hostKeyPolicy: 'strict' | 'accept-new' | 'off';
  outDir?: string;
  /** Where the default run folder `<run-id>/` goes (default `reports/` under cwd). */
  outBase?: string;
  formats: ReportFormat[];
  templatesDir?: string;
  baseline?: RunReport;
  record?: string;
  replay?: string;
  console: 'tty' | 'plain' | 'quiet' | 'json';
  shard?: Shard;
  /** The inventory the plan came from: `api:` steps of an FMC host from a `firebook.fmc`
   * source read that FMC (docs/playbooks.md "API steps"); without it they are refused. */
  inventory?: Inventory;
  /** Runs the work instead of `runPlan(plan, …)`: the change window's apply, resume and
   * rollback drive their plan steps with the same connector, reporters, event log, run
   * folder and Ctrl-C handling. */
  drive?: (options: RunOptions, outDir: string) => Promise<RunReport>;
  /** `--sign-key`: signs the run folder's SHA256SUMS once the reports are written. */
  signKey?: SigningKey;
  /** \`--db\` / \`--no-db\`: the run is recorded in the results database at its end; absent
   * (demo), nothing is recorded. */
  history?: DbChoice;
  /** Answers the plan's troubleshoot bundle hosts (docs/bundles.md); every other host is live. */
  bundles?: Connector;
}

/** A run folder name that sorts by time and is unique. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export async function executeRun(cfg: ExecuteConfig, io: CliIO): Promise<{ report: RunReport; outDir: string }> {
  const runId = newRunId();
  const outDir = resolve(io.cwd, cfg.outDir ?? join(cfg.outBase ?? 'reports', runId));
  mkdirSync(outDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // `api:` steps are answered by the FMC's API inside the recorder, so a replay answers them
  // from the recording without any network.
  let connector: Connector = cfg.replay
    ? new ReplayConnector(resolve(io.cwd, cfg.replay))
    : new FmcApiConnector(new SshConnector({ knownHostsFile: cfg.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts'), hostKeyPolicy: cfg.hostKeyPolicy }), fmcApiOf(cfg.inventory, io.env));
  if (cfg.bundles) connector = routeBundles(cfg.bundles, connector);
  if (cfg.record) connector = new RecordingConnector(connector, resolve(io.cwd, cfg.record));

  const eventsPath = join(outDir, 'events.jsonl');
  const events = openEventLog(eventsPath);
  // Full host results wait on disk for the reporters; removed once the reports are written.
  const store = fileResultStore(join(outDir, `results.jsonl${TEMP_MARK}${process.pid}`));
  const reporters: NamedReporter[] = [
    // Files first: the console's recap then points at reports that exist.
    { name: 'files', reporter: createFileReporter({ dir: outDir, formats: cfg.formats, lang: cfg.lang, templatesDir: cfg.templatesDir, baseline: cfg.baseline }) },
    { name: 'console', reporter: createConsoleReporter({ mode: cfg.console, stream: io.stdout, lang: cfg.lang, color: useColor(io.env, !!io.stdout.isTTY), reportLocation: () => outDir, planning: cfg.planning }) },
  ];
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1) {
      io.stderr.write(`\nfirebook: ${sig}: stopping — no new hosts; in-flight commands get a short grace; the report will be written. Press Ctrl-C again to exit at once.\n`);
      abort.abort();
    } else {
      // Second signal: exit now, but never without a report. events.jsonl is written through
      // per event, so it holds everything that happened; rebuild the report from it,
      // synchronously (no await: nothing else may run), then exit.
      try {
        events.close();
        store.close();
        writeReports(buildReport(readEventLog(eventsPath)), outDir, cfg.formats, { lang: cfg.lang, templatesDir: cfg.templatesDir, baseline: cfg.baseline });
        io.stderr.write(`\nfirebook: ${sig} again: exiting now; the report was rebuilt from events.jsonl in ${outDir}\n`);
      } catch (err) {
        io.stderr.write(`\nfirebook: ${sig} again: exiting now; could not rebuild the report (${(err as Error).message}); ${eventsPath} holds the run\n`);
      }
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const options: RunOptions = {
      connector,
      bus: new EventBus(reporters, (err, name) => io.stderr.write(`firebook: reporter '${name}' failed: ${err.message}\n`)),
      mode: cfg.mode,
      forks: cfg.forks,
      connectRate: cfg.connectRate,
      waivers: cfg.waivers,
      failOn: cfg.failOn,
      lang: cfg.lang,
      signal: abort.signal,
      store,
      onEvent: (e) => {
        events.append(e);
        // Flushed and closed before the reporters run, so SHA256SUMS covers the complete log.
        if (e.type === 'run-end') events.close();
      },
      onEventError: (err) => io.stderr.write(`firebook: cannot append to events.jsonl (${err.message}); the run goes on and report.json is still written\n`),
      meta: {
        runId,
        tool: { name: 'firebook', version: toolVersion() },
        playbooks: cfg.playbooks,
        inventory: cfg.inventorySource,
        mode: cfg.mode,
        ...(cfg.changeRun ? { changeRun: cfg.changeRun } : {}),
        operator: operatorName(io),
        startedAt: new Date().toISOString(),
        argv: redactArgv(cfg.argv, [...new Set(cfg.plan.hosts.flatMap((h) => h.secrets))]),
        limit: cfg.limit,
        tags: cfg.tags,
        skipTags: cfg.skipTags,
        hostKeyChecking: weakestHostKeyPolicy(cfg),
        replay: cfg.replay,
        lang: cfg.lang,
        failOn: cfg.failOn,
        shard: cfg.shard,
      },
    };
    const report = cfg.drive ? await cfg.drive(options, outDir) : await runPlan(cfg.plan, options);
    // A signal still pending (it came during the last synchronous stretch) is handled now, while
    // the handler is installed: an interrupted run never exits 0 (docs/faults.md "interrupted").
    await afterPendingSignals();
    if (cfg.signKey) signEvidence(cfg.changeRun ?? 'run', outDir, cfg.signKey, io);
    // The one place a run is recorded, after its reports and SHA256SUMS (and SHA256SUMS.sig):
    // a database that fails costs one warning line, never the reports or the exit code.
    if (cfg.history) await recordRun(outDir, { ...cfg.history, env: io.env, cwd: io.cwd, reportsRoot: dirname(outDir), warn: (line) => io.stderr.write(`${line}\n`) });
    return { report: interrupts > 0 && report.exitCode !== EXIT.interrupted ? { ...report, exitCode: EXIT.interrupted } : report, outDir };
  } finally {
    events.close();
    store.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (interrupts > 0) {
      // Already interrupted and the report is written: another signal while the process winds
      // down exits at once with the same code, rather than dying by the signal.
      const exitNow = () => process.exit(EXIT.interrupted);
      process.once('SIGINT', exitNow);
      process.once('SIGTERM', exitNow);
    }
  }
}

/** Which FMC answers a host's `api:` steps: the `firebook.fmc` source that listed it, when the
 * host is that FMC (include_fmc); otherwise why not (the check is then `error` with it). */
function fmcApiOf(inventory: Inventory | undefined, env: NodeJS.ProcessEnv): FmcApiOf {
  return (host) => {
    const src = inventory ? fmcSourceOf(inventory, host.name) : undefined;
    if (!src) return { none: `api: steps read an FMC's REST API, and host '${host.name}' did not come from a plugin: firebook.fmc inventory source (docs/playbooks.md "API steps")` };
    if (host.platform !== 'fmc') return { none: `api: steps run on the FMC's own host (include_fmc: true); '${host.name}' is a device the FMC lists (docs/playbooks.md "API steps")` };
    return connectSettingsOf(src, env);
  };
}

/** The policy the report records: the weakest any host used (a host's own
 * `-o StrictHostKeyChecking=` in its ssh args wins over the run's flag). */
function weakestHostKeyPolicy(cfg: ExecuteConfig): ExecuteConfig['hostKeyPolicy'] {
  const used = cfg.replay ? [cfg.hostKeyPolicy] : cfg.plan.hosts.map((h) => h.connection.hostKeyPolicy ?? cfg.hostKeyPolicy);
  return used.includes('off') ? 'off' : used.includes('accept-new') ? 'accept-new' : 'strict';
}

function operatorName(io: CliIO): string {
  try {
    return io.env.FIREBOOK_OPERATOR ?? io.env.SUDO_USER ?? userInfo().username;
  } catch {
    return io.env.USER ?? 'unknown';
  }
}
