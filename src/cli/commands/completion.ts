/** `firebook completion bash|zsh`: prints a completion script generated from the command table. */
import { EXIT, UserError } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand } from '../command.js';
import { bashCompletion, zshCompletion } from '../completion.js';
import { suggest } from '../../model/suggest.js';

const SHELLS = { bash: bashCompletion, zsh: zshCompletion } as const;

export const command: CliCommand = {
  name: 'completion',
  summary: 'print a shell completion script (bash or zsh)',
  usage: `Usage: firebook completion bash|zsh

Prints a completion script for firebook's commands, flags and flag values.

  bash:  source <(firebook completion bash)        # in ~/.bashrc
  zsh:   source <(firebook completion zsh)         # in ~/.zshrc, after compinit
`,
  options: {},
  words: Object.keys(SHELLS),
  async run(argv, io) {
    const { positionals } = parseCommandArgs('completion', argv, {});
    const [shell, ...extra] = positionals;
    if (!shell || !(shell in SHELLS) || extra.length) {
      const guess = shell ? suggest(shell, Object.keys(SHELLS)) : undefined;
      throw new UserError({ code: 'cli-usage', message: `firebook completion: ${shell ? `unknown shell '${[shell, ...extra].join(' ')}'` : 'name a shell'}`, hint: guess && !extra.length ? `did you mean '${guess}'?` : 'one of: bash, zsh' });
    }
    // Imported here, not at the top: index.ts lists this command, and a static cycle would
    // leave one of the two uninitialised depending on which module is loaded first.
    const { COMMANDS } = await import('./index.js');
    io.stdout.write(SHELLS[shell as keyof typeof SHELLS](COMMANDS));
    return EXIT.ok;
  },
};
