/** The shape of a CLI sub-command, and the one argument parser they all use. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../model/errors.js';

/** Terminal and environment, injected so commands run the same in tests and in the CLI. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  name: string;
  /** One line for `firebook --help`. */
  summary: string;
  /** Full text for `firebook <name> --help`. */
  usage: string;
  /** Returns the exit code (see EXIT in model/errors.ts). Throws UserError for bad input. */
  run(argv: string[], io: CliIO): Promise<number>;
}

export type OptionsSpec = NonNullable<ParseArgsConfig['options']>;

/** Parses argv strictly: an unknown flag or a missing value is a UserError (exit 4). */
export function parseCommandArgs<O extends OptionsSpec>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UserError({
      code: 'cli-usage',
      message: `firebook ${command}: ${msg}`,
      hint: `run 'firebook ${command} --help' for the options`,
    });
  }
}
