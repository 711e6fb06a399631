/** Warnings: a playbook that runs, but whose results would not explain themselves. They are
 * printed by `firebook validate` and never change an exit code. */
import type { PlaybookSpec, SourceLocation } from '../model/playbook.js';

/** One warning with where it stands. */
export interface PlaybookWarning {
  code: 'no-diagnosis' | 'no-fallback-diagnosis';
  message: string;
  location: SourceLocation;
  hint: string;
}

type Locate = (pointer: string) => SourceLocation;

/** A check with `expect` but no diagnosis shows a bare condition when it fails; one whose rules
 * are all conditional does so whenever none matches. Gate checks explain themselves with their
 * skip reason and are left out. */
export function playbookWarnings(spec: PlaybookSpec, locate: Locate): PlaybookWarning[] {
  const out: PlaybookWarning[] = [];
  spec.checks.forEach((c, i) => {
    if (c.applicability || c.expect.length === 0) return;
    const rules = c.diagnose ?? [];
    if (rules.length === 0) {
      out.push({ code: 'no-diagnosis', message: `check '${c.id}' has expect but no diagnosis: a failure would show only the bare condition`, location: locate(`/checks/${i}`), hint: 'add diagnose: with at least a fallback rule (when: []) that says what the failure means and what to do' });
    } else if (!rules.some((r) => r.when.length === 0)) {
      out.push({ code: 'no-fallback-diagnosis', message: `check '${c.id}' has no fallback diagnosis: a failure no rule matches would show only the bare condition`, location: locate(`/checks/${i}/diagnose`), hint: 'end diagnose: with a rule whose when: is [] (it applies to failures only)' });
    }
  });
  return out;
}

/** `file:line:col: warning[code]: message` + hint, like formatIssue for errors. */
export function formatWarning(w: PlaybookWarning): string {
  return `${w.location.file}:${w.location.line}:${w.location.col}: warning[${w.code}]: ${w.message}\n  hint: ${w.hint}`;
}
