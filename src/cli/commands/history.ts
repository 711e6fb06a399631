/** TEMPORARY (hist-db branch): `firebook history import|prune` only, so they can be tried
 * through the CLI. The history views' own history.ts replaces this file and registers the two
 * subcommands the same way. */
import { runSubcommand, type CliCommand } from '../command.js';
import { command as importCommand } from './history-import.js';
import { command as pruneCommand } from './history-prune.js';

export const command: CliCommand = {
  name: 'history',
  summary: 'the results database: import run folders, prune old runs',
  usage: `${importCommand.usage}\n${pruneCommand.usage}`,
  subcommands: [importCommand, pruneCommand],
  run: (argv, io) => runSubcommand(command, argv, io),
};
