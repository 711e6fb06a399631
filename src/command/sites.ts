/** The playbook walkers of the command language: every place a playbook writes a command
 * template (anything that reaches a device) or a message template, with its JSON pointer, so
 * validate/ and plan/ judge and fill the same list (docs/commands.md). */
import type { CollectStep, Condition, Level, LocalizedText, PlaybookSpec } from '../model/playbook.js';

function textTemplates(t: LocalizedText | undefined): string[] {
  if (t === undefined) return [];
  return typeof t === 'string' ? [t] : [t.en, t.ja ?? ''];
}

/** A command template (anything that reaches a device) with its level and JSON pointer.
 * `readOnly`: a collect or capture step, which also runs in check mode. */
export interface CommandSite {
  pointer: string;
  template: string;
  level: Level;
  readOnly: boolean;
  /** A `file:` path (read with `cat`, the path one word). */
  file?: boolean;
  /** The collect/capture step it belongs to (for `loop:` and `{{item}}`). */
  step?: CollectStep;
}

/** Every command template of a playbook: collect/capture commands and files, apply, rollback. */
export function commandSites(spec: PlaybookSpec): CommandSite[] {
  const out: CommandSite[] = [];
  const steps = (list: CollectStep[] | undefined, base: string) =>
    (list ?? []).forEach((s, i) => {
      if (s.command !== undefined) out.push({ pointer: `${base}/${i}/command`, template: s.command, level: s.level, readOnly: true, step: s });
      if (s.file !== undefined) out.push({ pointer: `${base}/${i}/file`, template: s.file, level: s.level, readOnly: true, file: true, step: s });
    });
  spec.checks.forEach((c, ci) => steps(c.collect, `/checks/${ci}/collect`));
  (spec.remediations ?? []).forEach((r, ri) => {
    steps(r.capture, `/remediations/${ri}/capture`);
    r.apply.forEach((s, si) => out.push({ pointer: `/remediations/${ri}/apply/${si}/command`, template: s.command, level: s.level, readOnly: false }));
    (r.rollback ?? []).forEach((s, si) => out.push({ pointer: `/remediations/${ri}/rollback/${si}/command`, template: s.command, level: s.level, readOnly: false }));
  });
  return out;
}

/** Every message template (Handlebars) of a playbook, and each string `loop:`, with its pointer. */
export function playbookTemplates(spec: PlaybookSpec): Array<{ pointer: string; template: string }> {
  const out: Array<{ pointer: string; template: string }> = [];
  const loops = (list: CollectStep[] | undefined, base: string) =>
    (list ?? []).forEach((s, i) => {
      if (typeof s.loop === 'string') out.push({ pointer: `${base}/${i}/loop`, template: s.loop });
    });
  // String operands may name a variable (`equals: "{{vars.sse_api_host}}"`, filled when judged).
  const operands = (conds: Condition[] | undefined, base: string) =>
    (conds ?? []).forEach((cond, i) => {
      for (const v of [cond.equals, cond.not_equals, cond.contains, cond.not_contains, ...(cond.in ?? []), ...(cond.not_in ?? [])]) {
        if (typeof v === 'string' && v.includes('{{')) out.push({ pointer: `${base}/${i}`, template: v });
      }
    });
  spec.checks.forEach((c, ci) => {
    loops(c.collect, `/checks/${ci}/collect`);
    operands(c.expect, `/checks/${ci}/expect`);
    (c.diagnose ?? []).forEach((r, ri) => operands(r.when, `/checks/${ci}/diagnose/${ri}/when`));
    (c.diagnose ?? []).forEach((r, ri) => {
      for (const t of [...textTemplates(r.cause), ...textTemplates(r.next)]) out.push({ pointer: `/checks/${ci}/diagnose/${ri}`, template: t });
    });
  });
  (spec.remediations ?? []).forEach((r, ri) => loops(r.capture, `/remediations/${ri}/capture`));
  return out;
}

