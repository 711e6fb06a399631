/** Reads recorded outputs: seed captures (verbatim copies) and other layouts from device-facts §2/§4. */
import { readFileSync } from 'node:fs';

/** A verbatim seed capture from test/fixtures/seed-evidence/. */
export function seed(name: string): string {
  return readFileSync(new URL(`../fixtures/seed-evidence/${name}`, import.meta.url), 'utf8');
}

/** A layout transcribed from device-facts.md, in test/checks/fixtures/. */
export function layout(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}
