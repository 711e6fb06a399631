/** `firebook completion bash|zsh`: prints a completion script generated from the command table. */
import { EXIT, UserError } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand } from '../command.js';
import { bashCompletion, zshCompletion } from '../completion.js';
import { suggest } from '../../model/suggest.js';

const SHELLS = { bash: bashCompletion, zsh: zshCompletion } as const;

/** The command, given the table it completes (index.ts passes its own: no import cycle). */
export const completionCommand = (commands: () => readonly CliCommand[]): CliCommand => ({
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
    io.stdout.write(SHELLS[shell as keyof typeof SHELLS](commands()));
    return EXIT.ok;
  },
});
