/** `firebook explain CHECK_ID`: what a check does, why, and what each outcome means. */
import { UserError } from '../../model/errors.js';
import { localize, type CheckSpec, type LoadedPlaybook } from '../../model/playbook.js';
import { describeCondition } from '../../checks/index.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { parseChoice, parseLang } from '../options.js';
import { loadPlaybooks } from '../../load/playbook.js';
import { suggest } from '../../model/suggest.js';
import { packagePath } from '../../io/package-files.js';
import { resolve } from 'node:path';
import { labelsFor } from '../../report/labels.js';
import { severityWord } from '../../report/view-format.js';
import { displayWidth } from '../../console/text-width.js';

/** Pads to `n` terminal columns (a Japanese character takes two). */
const padColumns = (s: string, n: number) => s + ' '.repeat(Math.max(1, n - displayWidth(s)));
import { renderChecksMarkdown } from './explain-md.js';

/** The shipped playbooks, in the order docs/checks.md lists them (a checkout or package without
 * one of them explains the others). */
const DEFAULT_PLAYBOOKS = ['playbooks/securex.yml', 'playbooks/health.yml'];

const L = {
  en: { severity: 'severity', tags: 'tags', playbook: 'playbook', collects: 'Collects', passes: 'Passes when', outcomes: 'Outcomes', diagnoses: 'Diagnoses (first match wins)', fixes: 'Remediation', why: 'Why', always: '(otherwise)', runsWhen: 'Runs only when', skipWhen: 'Skipped when the evidence shows', gate: 'Gate: if this check fails, it and every other check on the host are skipped (not applicable)', pass: 'pass: every condition above holds', fail: 'fail: a condition does not hold — the device is not compliant; the diagnosis says why', error: 'error: the evidence is missing or unreadable (we could not tell) — never counted as pass', skipped: 'skipped: not applicable to this host (a when-condition or the version gate)', waived: 'waived: a failure covered by a valid waiver', next: 'next step', verify: 'verified by re-running', across: (reads: string) => `Judged across hosts: once per ha_group, from the ${reads} results of its two units; it sends nothing. Reported under each unit; error when a unit could not be judged (named), skipped on a host without ha_group.` },
  ja: { severity: '重大度', tags: 'タグ', playbook: 'プレイブック', collects: '収集するもの', passes: '合格条件', outcomes: '結果の意味', diagnoses: '診断 (最初に一致したもの)', fixes: '修復', why: '理由', always: '(その他)', runsWhen: '実行条件', skipWhen: '証跡による対象外の条件', gate: 'ゲート: このチェックが不合格の場合、このチェックとホスト上の他の全チェックはスキップ (対象外) になります', pass: 'pass: 上記の全条件を満たす', fail: 'fail: 条件を満たさない — 機器は準拠していません。診断が理由を示します', error: 'error: 証跡がない、または読めない (判定不能) — 合格とはみなしません', skipped: 'skipped: このホストには対象外 (when 条件またはバージョンゲート)', waived: 'waived: 有効な例外承認の対象となる失敗', next: '次の手順', verify: '検証: 再実行するチェック', across: (reads: string) => `ホスト横断の判定: ha_group ごとに 1 回、2 台の ${reads} の結果から判定します。機器には何も送りません。各ユニットの下に報告します。判定できないユニットがあれば (名前を示して) error、ha_group のないホストでは skipped です。` },
};

function explainCheck(pb: LoadedPlaybook, c: CheckSpec, lang: 'en' | 'ja'): string {
  const t = L[lang];
  const lines: string[] = [`${c.id} — ${localize(c.title, lang)}`, `  ${t.severity}: ${severityWord(c.severity, labelsFor(lang))}   ${t.tags}: ${(c.tags ?? []).join(', ') || '-'}   ${t.playbook}: ${pb.path}`];
  for (const text of [c.description, c.rationale]) if (text) lines.push('', `  ${localize(text, lang)}`);
  if (c.applicability) lines.push('', `  ${t.gate}`);
  if (c.scope !== undefined) lines.push('', `  ${t.across(c.reads ?? '')}`);
  if (c.when?.length) lines.push('', `${t.runsWhen}:`, ...c.when.map((w) => `  - ${describeCondition(w)}`));
  if (c.collect?.length) {
    lines.push('', `${t.collects}:`);
    for (const s of c.collect) lines.push(`  - [${s.level}] ${s.api ? `GET ${s.api.get}` : s.command ?? `cat ${s.file}`}${s.loop ? `   (for each of ${Array.isArray(s.loop) ? s.loop.join(', ') : s.loop})` : ''}${s.parse ? `   → ${'parser' in s.parse ? s.parse.parser : 'regex'}` : ''}`);
  }
  if (c.skip_when?.length) lines.push('', `${t.skipWhen}:`, ...c.skip_when.map((w) => `  - ${describeCondition(w)}`));
  lines.push('', `${t.passes}:`, ...c.expect.map((e) => `  - ${describeCondition(e)}${e.step ? ` (step ${e.step})` : ''}`));
  lines.push('', `${t.outcomes}:`, ...[t.pass, t.fail, t.error, t.skipped, t.waived].map((s) => `  - ${s}`));
  if (c.diagnose?.length) {
    lines.push('', `${t.diagnoses}:`);
    for (const r of c.diagnose) {
      lines.push(`  - ${r.when.length ? r.when.map(describeCondition).join(' and ') : t.always}${r.id ? `  [${r.id}]` : ''}`);
      lines.push(`      → ${localize(r.cause, lang)}`);
      if (r.next) lines.push(`      ${t.next}: ${localize(r.next, lang)}`);
    }
  }
  for (const rid of c.remediation ?? []) {
    const r = pb.spec.remediations?.find((x) => x.id === rid);
    if (!r) continue;
    lines.push('', `${t.fixes}: ${r.id} — ${localize(r.title, lang)}`);
    if (r.description) lines.push(`  ${localize(r.description, lang)}`);
    for (const s of r.apply) lines.push(`  - [${s.level}] ${s.command}`);
    lines.push(`  ${t.verify}: ${r.verify.join(', ')}`);
  }
  return lines.join('\n');
}

/** explain's flags: parsed here, listed by completion. */
const OPTIONS = {
  playbook: { type: 'string', short: 'p', multiple: true },
  lang: { type: 'string' },
  all: { type: 'boolean' },
  format: { type: 'string' },
} as const satisfies OptionsSpec;

export const command: CliCommand = {
  name: 'explain',
  summary: 'print what a check does, why, and what each outcome means',
  usage: `Usage: firebook explain [CHECK_ID...] [--all] [--format text|md] [-p PLAYBOOK]... [--lang en|ja]

Without CHECK_ID, lists the checks; --all explains every check. --format md prints Markdown
(docs/checks.md is \`firebook explain --all --format md\`). Default playbooks: ${DEFAULT_PLAYBOOKS.join(', ')}
as shipped with firebook (found from the installed package, whatever the current folder).
`,
  options: OPTIONS,
  choices: { lang: ['en', 'ja'], format: ['text', 'md'] },
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('explain', argv, OPTIONS);
    const lang = parseLang('explain', values.lang);
    const format = parseChoice('explain', '--format', values.format, ['text', 'md'] as const) ?? 'text';
    // The default is the shipped playbook, found from the package, so explain works from any folder.
    const paths = values.playbook ?? DEFAULT_PLAYBOOKS.map((p) => packagePath(p));
    const playbooks = loadPlaybooks(paths.map((p) => resolve(io.cwd, p)), io.cwd);
    const all = playbooks.flatMap((pb) => pb.spec.checks.map((c) => ({ pb, c })));
    if (values.all && positionals.length > 0) {
      throw new UserError({ code: 'cli-usage', message: 'firebook explain: give either --all or check ids, not both', hint: 'e.g. firebook explain --all --format md > docs/checks.md' });
    }
    if (format === 'md') {
      if (!values.all) throw new UserError({ code: 'cli-usage', message: 'firebook explain: --format md needs --all', hint: 'e.g. firebook explain --all --format md > docs/checks.md' });
      io.stdout.write(renderChecksMarkdown(playbooks, io.cwd));
      return 0;
    }
    if (values.all) {
      for (const { pb, c } of all) io.stdout.write(explainCheck(pb, c, lang) + '\n\n');
      return 0;
    }
    if (positionals.length === 0) {
      for (const { c } of all) io.stdout.write(`${c.id.padEnd(26)} ${padColumns(severityWord(c.severity, labelsFor(lang)), 8)} ${localize(c.title, lang)}\n`);
      return 0;
    }
    for (const id of positionals) {
      const hit = all.find((x) => x.c.id === id);
      if (!hit) {
        const guess = suggest(id, all.map((x) => x.c.id));
        throw new UserError({ code: 'unknown-reference', message: `no check '${id}' in ${paths.join(', ')}`, hint: guess ? `did you mean '${guess}'?` : "run 'firebook explain' to list the checks" });
      }
      io.stdout.write(explainCheck(hit.pb, hit.c, lang) + '\n\n');
    }
    return 0;
  },
};
