/** Suites that need a program from outside Node (a real sshd, Chromium, ansible-vault …) ask here.
 *
 * On a developer's machine a missing program skips the suite with ONE visible line saying what
 * to install, so `npm ci && npm test` passes on a fresh clone with only Node. In CI
 * (`CI=true`, set by `.ci/run`, which installs everything) a missing program is a failure:
 * nothing may be skipped there. */
import { accessSync, constants } from 'node:fs';

const announced = new Set<string>();

/** The first of `candidates` that is an executable file, or undefined. */
export function findProgram(candidates: readonly string[]): string | undefined {
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      /* try the next one */
    }
  }
  return undefined;
}

/**
 * Returns the program's path when present. When absent: in CI throws (the suite fails);
 * elsewhere prints `skipped: <suite> — needs <what> (<install>)` once and returns undefined,
 * so the caller can `describe.skipIf(!path)`.
 */
export function requireProgram(suite: string, candidates: readonly string[], install: string): string | undefined {
  const found = findProgram(candidates);
  if (found) return found;
  const line = `skipped: ${suite} — needs ${candidates[0]} (${install})`;
  if (process.env.CI === 'true') throw new Error(`${line}; CI must run every suite`);
  if (!announced.has(line)) {
    announced.add(line);
    process.stderr.write(`${line}\n`);
  }
  return undefined;
}
