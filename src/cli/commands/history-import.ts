/** PLACEHOLDER for `firebook history import`: the hist-db branch owns this file (its real command
 * replaces this one when the branches are merged). It only lets hist-views build and register it. */
import { UserError } from '../../model/errors.js';
import type { CliCommand } from '../command.js';

const USAGE = `Usage: firebook history import ...

Not built yet in this build.
`;

export const command: CliCommand = {
  name: 'import',
  summary: 'not built yet',
  usage: USAGE,
  async run() {
    throw new UserError({ code: 'history', message: 'firebook history import: not built yet' });
  },
};
