import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

/** Writes `files` (relative path → text) into a fresh temp folder, removed after the test. */
export function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'firebook-inv-'));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** Runs `fn` and returns the UserError issues it throws (fails the test if it does not throw). */
export async function issuesOf(fn: () => unknown): Promise<{ code: string; message: string; location?: { file: string; line: number; col: number }; hint?: string }[]> {
  try {
    await fn();
  } catch (err) {
    const issues = (err as { issues?: unknown }).issues;
    if (!Array.isArray(issues)) throw err;
    return issues;
  }
  throw new Error('expected a UserError, but nothing was thrown');
}
