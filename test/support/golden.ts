/** Golden files: reviewed, committed expected outputs.
 *
 * A missing golden file FAILS its test: writing it and passing would bless whatever the code
 * happens to print today. Regenerate deliberately with `UPDATE_GOLDEN=1` and review the diff;
 * in CI (`CI=true`) nothing is ever written, whatever the environment says. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';

/** True when this process may (re)write golden files. */
export function mayUpdateGolden(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.UPDATE_GOLDEN === '1' && env.CI !== 'true';
}

/** Compares `actual` with the golden file at `path`; see the module comment for the rules. */
export function expectGolden(path: string, actual: string, env: NodeJS.ProcessEnv = process.env): void {
  if (mayUpdateGolden(env)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  if (!existsSync(path)) {
    throw new Error(`golden file ${path} is missing: regenerate it with UPDATE_GOLDEN=1 (never in CI), review it and commit it`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
