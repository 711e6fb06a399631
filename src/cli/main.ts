#!/usr/bin/env node
/** firebook's entry point: dispatches to a sub-command and maps errors to exit codes. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatIssue, UserError, EXIT } from '../model/errors.js';
import type { CliCommand, CliIO } from './command.js';
import { COMMANDS } from './commands/index.js';
import { toolVersion } from '../model/package-files.js';

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'firebook — declarative checks and remediations for Cisco Secure Firewall (FTD/FMC) fleets',
    '',
    'Usage: firebook <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'firebook <command> --help' for a command's options.",
    'Exit codes: 0 all selected checks passed · 2 a check failed · 3 a host was unreachable or errored ·',
    '            4 invalid input (nothing ran) · 130 interrupted (a partial report was written)',
  ].join('\n');
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(globalHelp() + '\n');
    return name ? EXIT.ok : EXIT.invalidInput;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`firebook ${toolVersion()}\n`);
    return EXIT.ok;
  }
  const command: CliCommand | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(
      formatIssue({ code: 'cli-usage', message: `unknown command '${name}'`, hint: `one of: ${COMMANDS.map((c) => c.name).join(', ')}` }) + '\n',
    );
    return EXIT.invalidInput;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage.trimEnd() + '\n');
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UserError) {
      for (const issue of err.issues) io.stderr.write(formatIssue(issue) + '\n');
      return EXIT.invalidInput;
    }
    const e = err as Error;
    io.stderr.write(`firebook: internal error (a bug in firebook, please report it): ${e.message}\n`);
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
  const io: CliIO = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
