#!/usr/bin/env node
/** firebook's entry point: dispatches to a sub-command and maps errors to exit codes. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { formatIssue, UserError, EXIT } from '../model/errors.js';
import { toTerminalText } from '../report/sanitize.js';
import { pickCommand, type CliCommand, type CliIO } from './command.js';
import { COMMAND_LOADERS } from './commands/loaders.js';
import { exitCodeHelp } from './exit-codes.js';
import { toolVersion } from '../io/package-files.js';

async function globalHelp(): Promise<string> {
  const { COMMANDS } = await import('./commands/index.js');
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'firebook — declarative checks and remediations for Cisco Secure Firewall (FTD/FMC) fleets',
    '',
    'Usage: firebook <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  show the help of a command (firebook help run)`,
    '',
    "Run 'firebook help <command>' or 'firebook <command> --help' for a command's options.",
    '',
    exitCodeHelp(),
  ].join('\n');
}

/** The command `argv` names (`run`, `report prune`) and the arguments after its name. A
 * command with subcommands followed by nothing or a flag is returned itself (for `--help`).
 * Loads only the named command's module (all of them for "did you mean"). */
export async function findCommand(argv: readonly string[]): Promise<{ command: CliCommand; rest: string[] }> {
  const [name, ...rest] = argv;
  const load = name !== undefined && Object.hasOwn(COMMAND_LOADERS, name) ? COMMAND_LOADERS[name] : undefined;
  const among = load ? [(await load()).command] : (await import('./commands/index.js')).COMMANDS;
  const command = pickCommand(among, name);
  if (!command.subcommands || rest.length === 0 || rest[0].startsWith('-')) return { command, rest };
  return { command: pickCommand(command.subcommands, rest[0], `${command.name} `), rest: rest.slice(1) };
}

function printIssues(err: UserError, io: CliIO): number {
  // Messages quote input (host names, file text): its control, bidi and zero-width characters are shown, not sent to the terminal.
  for (const issue of err.issues) io.stderr.write(toTerminalText(formatIssue(issue)) + '\n');
  return EXIT.invalidInput;
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.stdout.write((await globalHelp()) + '\n');
    return name ? EXIT.ok : EXIT.invalidInput;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`firebook ${toolVersion()}\n`);
    return EXIT.ok;
  }
  try {
    if (name === 'help') {
      // `firebook help`, `firebook help run`, `firebook help report prune`.
      const named = rest.filter((w) => !w.startsWith('-'));
      io.stdout.write((named.length ? (await findCommand(named)).command.usage.trimEnd() : await globalHelp()) + '\n');
      return EXIT.ok;
    }
    const { command, rest: args } = await findCommand(argv);
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout.write(command.usage.trimEnd() + '\n');
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UserError) return printIssues(err, io);
    const e = err as Error;
    io.stderr.write(`firebook: internal error (a bug in firebook, please report it): ${toTerminalText(e.message)}\n`);
    if (io.env.FIREBOOK_DEBUG) io.stderr.write(`${e.stack}\n`);
    return EXIT.internal;
  }
}

const isEntry = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
})();

if (isEntry) {
  // Footprint over throughput (docs/scale.md): what a run keeps is small (a summary per host),
  // but each finished host leaves its session's garbage in the old generation, and V8's default
  // heap growth lets it pile up to 560 MiB at 5,000 hosts before a full collection. Growing by
  // 1.5× keeps that run under 300 MiB at no measurable CPU cost (read at every collection, so
  // setting it now takes effect).
  setFlagsFromString('--heap-growing-percent=50');
  // Start-up over peak speed: a run is seconds of mostly waiting on devices, and with V8's
  // default budget hundreds of functions go to the optimising compiler (on other threads, but
  // billed to the run) and then run only a few more times. 8× Node 20's default (67584)
  // optimises only code that stays hot: -13% CPU on the 200-host Ansible comparison (npm run
  // bench), and a 5,000-host replay is no slower (16× was: too late for long runs).
  setFlagsFromString('--interrupt-budget=540672');
  const io: CliIO = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
