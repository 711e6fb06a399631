/** What each exit code means, in the words of the README's "Exit codes" table (a test keeps
 * the two equal), for `firebook --help` and `firebook run --help`. The numbers are EXIT. */
import { EXIT } from '../model/errors.js';

export const EXIT_CODE_MEANINGS: ReadonlyArray<readonly [code: number, meaning: string]> = [
  [EXIT.ok, 'every selected check passed or was fixed (skipped and waived checks do not count)'],
  [EXIT.checkFailed, 'a check failed (at or above --fail-on, default: any severity), new or already failing: --baseline adds a drift section, never another code'],
  [EXIT.hostFailed, 'a host was unreachable or errored, or a check could not be decided (error) — takes precedence over 2'],
  [EXIT.invalidInput, 'invalid input: bad YAML, unknown key, wrong type, undefined variable, missing file, bad flag — nothing ran'],
  [EXIT.interrupted, 'interrupted (Ctrl-C / SIGTERM); a partial report was written'],
  [EXIT.internal, "firebook itself failed (a bug) — please report it with the run's events.jsonl"],
];

/** The "Exit codes:" block of the help texts. */
export function exitCodeHelp(): string {
  return ['Exit codes:', ...EXIT_CODE_MEANINGS.map(([code, meaning]) => `  ${String(code).padEnd(4)} ${meaning}`)].join('\n');
}
