/** Reads recorded outputs: seed captures (verbatim copies) and other layouts (docs/devices.md). */
import { readFileSync } from 'node:fs';

/** A verbatim seed capture from test/fixtures/seed-evidence/. */
export function seed(name: string): string {
  return readFileSync(new URL(`../fixtures/seed-evidence/${name}`, import.meta.url), 'utf8');
}

/** A recorded or transcribed text in test/checks/fixtures/. Each file starts with `#! source: …`
 * lines naming where the text comes from; they are removed here, so parsers see the device text. */
export function layout(name: string): string {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  return text.replace(/^(?:#! [^\n]*\n)+/, '');
}

/** The `#! source:` header of a fixture (every fixture must name its source). */
export function sourceOf(name: string): string {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  return /^#! source: (.+)$/m.exec(text)?.[1] ?? '';
}
