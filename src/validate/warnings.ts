/** Warnings: a playbook that runs, but whose results would not explain themselves. They are
 * printed by `firebook validate` and never change an exit code. */
import type { PlaybookSpec, SourceLocation } from '../model/playbook.js';

/** One warning with where it stands. */
export interface PlaybookWarning {
  code: 'no-diagnosis' | 'no-fallback-diagnosis' | 'readonly-commands';
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
  out.push(...readonlyCommandWarnings(spec, locate));
  return out;
}

/** Each program `readonly_commands` adds: a warning at validate AND on the run/plan console. */
export function readonlyCommandWarnings(spec: PlaybookSpec, locate: Locate): PlaybookWarning[] {
  const out: PlaybookWarning[] = [];
  (['shell', 'cli'] as const).forEach((level) =>
    (spec.readonly_commands?.[level] ?? []).forEach((name, i) => {
      out.push({ code: 'readonly-commands', message: `readonly_commands adds '${name}' to the read-only list (${level === 'cli' ? 'level cli' : 'levels expert and root'}): check mode runs it with any options, on this playbook's word alone`, location: locate(`/readonly_commands/${level}/${i}`), hint: 'make sure it only reads (docs/commands.md "Extending the list"); the report header lists it too' });
    }),
  );
  return out;
}

/** Writes the readonly_commands warnings of the playbooks to a console (run, plan). */
export function warnReadonlyCommands(stderr: { write(s: string): unknown }, playbooks: ReadonlyArray<{ spec: PlaybookSpec; locate: (pointer: string) => SourceLocation }>): void {
  for (const pb of playbooks) for (const w of readonlyCommandWarnings(pb.spec, (p) => pb.locate(p))) stderr.write(formatWarning(w) + '\n');
}

/** `file:line:col: warning[code]: message` + hint, like formatIssue for errors. */
export function formatWarning(w: PlaybookWarning): string {
  return `${w.location.file}:${w.location.line}:${w.location.col}: warning[${w.code}]: ${w.message}\n  hint: ${w.hint}`;
}
