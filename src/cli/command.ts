/** The shape of a CLI sub-command, and the one argument parser they all use. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../model/errors.js';
import { suggest } from '../model/suggest.js';

/** Terminal and environment, injected so commands run the same in tests and in the CLI. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export type OptionsSpec = NonNullable<ParseArgsConfig['options']>;

/**
 * One entry of the command table (commands/index.ts). `options`, `words` and `choices` are
 * what help, "did you mean" and shell completion read, so a flag is declared once: pass the
 * same `options` object to parseCommandArgs.
 */
export interface CliCommand {
  name: string;
  /** One line for `firebook --help`. */
  summary: string;
  /** Full text for `firebook <name> --help` and `firebook help <name>`. */
  usage: string;
  /** The command's flags, as given to parseCommandArgs. */
  options?: OptionsSpec;
  /** Fixed words its first argument takes (e.g. `bash`, `zsh`), for completion. */
  words?: readonly string[];
  /** Allowed values of some flags (long name without `--`), for completion. */
  choices?: Readonly<Record<string, readonly string[]>>;
  /** Sub-commands (`report render`, `report prune`): main dispatches on the first argument. */
  subcommands?: readonly CliCommand[];
  /** Returns the exit code (see EXIT in model/errors.ts). Throws UserError for bad input.
   * Not called for a command with subcommands. */
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Every spelling of a command's flags: `--name` and `-s`. */
export function flagNames(options: OptionsSpec): string[] {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

/** Parses argv strictly: an unknown flag or a missing value is a UserError (exit 4),
 * with "did you mean" for a misspelt flag. */
export function parseCommandArgs<O extends OptionsSpec>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    const unknown = e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'([^']+)'/.exec(e.message)?.[1] : undefined;
    // Only long flags get a guess: any one-letter typo is one edit away from every short flag.
    const long = unknown?.startsWith('--') ? suggest(unknown.slice(2).split('=')[0], Object.keys(options)) : undefined;
    const guess = long ? `--${long}` : undefined;
    const msg = unknown ? `unknown option '${unknown}'` : e.message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UserError({
      code: 'cli-usage',
      message: `firebook ${command}: ${msg}`,
      hint: guess ? `did you mean '${guess}'? (run 'firebook ${command} --help' for the options)` : `run 'firebook ${command} --help' for the options`,
    });
  }
}

/** The command named by `argv[0]` among `among`, with "did you mean" when there is none. */
export function pickCommand(among: readonly CliCommand[], word: string | undefined, parent = ''): CliCommand {
  const found = among.find((c) => c.name === word);
  if (found) return found;
  const names = among.map((c) => c.name);
  const guess = word ? suggest(word, names) : undefined;
  throw new UserError({
    code: 'cli-usage',
    message: word ? `unknown command '${parent}${word}'` : `firebook ${parent.trim()}: missing sub-command`,
    hint: guess ? `did you mean '${parent}${guess}'?` : `one of: ${names.map((n) => parent + n).join(', ')}`,
  });
}

/** `run` of a command with subcommands: hands the rest of argv to the one named first. */
export async function runSubcommand(parent: CliCommand, argv: string[], io: CliIO): Promise<number> {
  const [word, ...rest] = argv;
  return pickCommand(parent.subcommands ?? [], word, `${parent.name} `).run(rest, io);
}
