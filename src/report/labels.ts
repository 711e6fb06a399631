/** Report labels: the table for a language (English labels-en.ts, Japanese labels-ja.ts). Device text and playbook text
 * are not translated here: playbook text carries its own `ja` variant (LocalizedText, see
 * model/playbook.ts). */
import { EN, type Labels } from './labels-en.js';
import { JA } from './labels-ja.js';

export type { LabelKey, Labels } from './labels-en.js';

/** The label table for a language. */
export function labelsFor(lang: 'en' | 'ja'): Labels {
  return lang === 'ja' ? JA : EN;
}

/** Fills `{n}`-style placeholders in a label. */
export function formatLabel(label: string, values: Record<string, string | number>): string {
  return label.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
