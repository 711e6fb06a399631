/** Builds the ReportView (see view-types.ts) from a RunReport: the one place where totals,
 * grouping, sorting and labels are decided for the HTML and Markdown reports. */
import { SEVERITIES } from '../model/playbook.js';
import { CHECK_STATUSES, type RunReport } from '../model/result.js';
import { TRIAGE_CAUSE } from '../model/triage.js';
import { buildChangesView, changesFromReport, changesTitle } from './view-changes.js';
import { buildDriftView } from './drift.js';
import { formatLabel, labelsFor, type Labels } from './labels.js';
import { toOneLine, toVisibleText } from './sanitize.js';
import { formatDurationMs, severityWord, statusView, textOf, verdictLine } from './view-format.js';
import { buildFindings, buildFixed, buildFixFirst, buildRemediations, buildSkipped, buildWaivers } from './view-findings.js';
import { buildMatrix } from './view-matrix.js';
import type { BarView, HeaderRow, RenderOptions, ReportView, ViewLimits } from './view-types.js';

export const DEFAULT_LIMITS: ViewLimits = { evidencePerCheck: 10, passingRows: 200, namesPerList: 40, outputChars: 20_000, rows: 500 };

/** Builds the view model. Pure: the same report gives the same view. */
export function buildReportView(report: RunReport, opts: RenderOptions, limits: ViewLimits = DEFAULT_LIMITS): ReportView {
  const lang = opts.lang;
  const l = labelsFor(lang);
  const { meta, summary } = report;
  const remediations = buildRemediations(report, lang, l, limits);
  const waivers = buildWaivers(report, lang, l, limits);
  const names = meta.playbooks.map((p) => toOneLine(p.name)).join(', ');
  const changeRecords = meta.mode === 'apply' || report.changes ? (report.changes ?? changesFromReport(report)) : [];
  const changeRun = meta.changeRun !== undefined && report.changes !== undefined;
  return {
    lang,
    l,
    title: names ? `${l.reportTitle} — ${names}` : l.reportTitle,
    incomplete: report.incomplete,
    hostKeyOff: meta.hostKeyChecking === 'off',
    applyMode: meta.mode === 'apply',
    changeRun,
    header: buildHeader(report, l),
    playbooks: meta.playbooks.map((p) => ({ name: toOneLine(p.name), path: toOneLine(p.path), sha256: toOneLine(p.sha256) })),
    compliance: summary.compliancePct === null ? '—' : `${summary.compliancePct.toFixed(1)} %`,
    verdict: statusView(report.exitCode === 0 ? 'pass' : report.exitCode === 2 ? 'fail' : 'error', l),
    verdictLine: verdictLine(report, l),
    changes: buildChangesView(changeRecords, l, limits.rows),
    changesTitle: changesTitle(changeRecords, l, meta.mode === 'apply'),
    changeTiles: changeRun ? buildChangeTiles(report, l) : [],
    fixFirst: buildFixFirst(report, lang, l, limits),
    fixed: buildFixed(report, lang, l, limits),
    exitLine: `${l.exitCode} ${report.exitCode}: ${exitMeaning(report.exitCode, l, changeRun)}`,
    // A change run's checks are its verifications: "fixed" is not theirs to say.
    checkTiles: CHECK_STATUSES.filter((s) => !(changeRun && s === 'fixed')).map((s) => ({ label: s === 'fixed' ? l.statusFixed : l[s], count: summary.checks[s] ?? 0, cls: s })),
    hostTiles: [
      { label: l.hosts, count: summary.hosts.total, cls: 'total' },
      { label: l.hostOk, count: summary.hosts.ok, cls: 'pass' },
      { label: l.hostUnreachable, count: summary.hosts.unreachable, cls: 'fail' },
      { label: l.hostError, count: summary.hosts.error, cls: 'error' },
      { label: l.hostNotRun, count: summary.hosts.notRun, cls: 'skipped' },
    ],
    chart: buildChart(report, l),
    problemHosts: report.hosts
      .filter((h) => h.status !== 'ok')
      .map((h) => ({
        host: toOneLine(h.host),
        address: toOneLine(h.address),
        status: statusView(h.status, l),
        triageClass: toOneLine(h.triage?.class ?? ''),
        cause: h.triage ? textOf(TRIAGE_CAUSE[h.triage.class] ?? h.triage.class, lang) : '',
        message: toOneLine(h.triage?.message ?? ''),
        next: textOf(h.triage?.next, lang),
      })),
    matrix: buildMatrix(report, lang, l, limits),
    findings: buildFindings(report, lang, l, limits, opts.results),
    remediations: remediations.rows,
    remediationNote: remediations.note,
    waivers: waivers.rows,
    waiverNote: waivers.note,
    skipped: buildSkipped(report, lang, l, limits),
    notRun: report.notRun.map((h) => toOneLine(h)).join(', '),
    drift: opts.baseline ? buildDriftView(report, opts.baseline, l, limits) : undefined,
    footer: `${l.footer} (firebook ${toOneLine(meta.tool.version)}, ${l.runId} ${toOneLine(meta.runId)})`,
  };
}

/** A change run's tiles: its changes, then by outcome. */
function buildChangeTiles(report: RunReport, l: Labels): ReportView['changeTiles'] {
  const records = report.changes ?? [];
  const view = buildChangesView(records, l, records.length);
  const byStatus = new Map<string, { label: string; count: number; cls: string }>();
  for (const c of view) {
    const t = byStatus.get(c.status.text) ?? { label: c.status.text, count: 0, cls: c.status.cls };
    t.count += 1;
    byStatus.set(c.status.text, t);
  }
  return [{ label: l.changesWord, count: records.length, cls: 'total' }, ...byStatus.values()];
}

function exitMeaning(code: number, l: Labels, changeRun: boolean): string {
  if (code === 130) return l.exit130;
  if (code === 0) return changeRun ? l.exit0Change : l.exit0;
  if (code === 2) return changeRun ? l.exit2Change : l.exit2;
  return changeRun ? l.exit3Change : l.exit3;
}

function buildHeader(report: RunReport, l: Labels): HeaderRow[] {
  const m = report.meta;
  // meta.argv is deliberately never shown: it can carry `-e password=...` (see maskArgv).
  const rows: HeaderRow[] = [
    { label: l.inventory, value: toOneLine(m.inventory) },
    { label: l.mode, value: m.changeRun ? { apply: l.modeChangeApply, resume: l.modeChangeResume, rollback: l.modeChangeRollback }[m.changeRun] : m.mode === 'apply' ? l.modeApply : m.mode === 'plan' ? l.modePlan : l.modeCheck, loud: m.mode === 'apply' },
    { label: l.operator, value: toOneLine(m.operator) },
    { label: l.started, value: toOneLine(m.startedAt) },
    { label: l.ended, value: m.endedAt ? toOneLine(m.endedAt) : l.notRecorded },
    { label: l.duration, value: formatDurationMs(m.durationMs) },
    { label: l.toolVersion, value: `${toOneLine(m.tool.name)} ${toOneLine(m.tool.version)}` },
    { label: l.hostKeyPolicy, value: toOneLine(m.hostKeyChecking), loud: m.hostKeyChecking === 'off' },
    { label: l.runId, value: toOneLine(m.runId) },
  ];
  if (m.limit) rows.push({ label: l.limit, value: toOneLine(m.limit) });
  const selections = summarizeSelections(report);
  if (selections) rows.push({ label: l.selections, value: selections });
  if (m.tags?.length) rows.push({ label: l.tags, value: toOneLine(m.tags.join(', ')) });
  if (m.skipTags?.length) rows.push({ label: l.skipTags, value: toOneLine(m.skipTags.join(', ')) });
  if (m.replay) rows.push({ label: l.replay, value: toVisibleText(m.replay) });
  // Check mode's read-only guarantee holds only for the built-in list: say what a playbook added.
  const extended = m.playbooks.flatMap((p) => [...(p.readonlyCommands?.cli ?? []).map((c) => `cli: ${c}`), ...(p.readonlyCommands?.shell ?? []).map((c) => `shell: ${c}`)].map((c) => `${c} (${p.name})`));
  if (extended.length) rows.push({ label: l.readonlyExtended, value: toOneLine(extended.join(', ')), loud: true });
  // The device's platform judged the host; the inventory said otherwise: show both.
  const mismatched = report.hosts.filter((h) => h.facts?.inventoryPlatform).map((h) => `${h.host}: ${formatLabel(l.platformMismatch, { inventory: h.facts!.inventoryPlatform!, device: h.facts!.platform })}`);
  if (mismatched.length) rows.push({ label: l.platformMismatchHeader, value: toOneLine(mismatched.join('; ')), loud: true });
  // Where each bundle host's evidence came from (docs/bundles.md "Provenance in the report").
  const bundles = report.hosts.filter((h) => h.bundle).map((h) => {
    const b = h.bundle!;
    const from = b.generatedFrom === 'member-mtime' ? l.bundleFromMember : b.generatedFrom === 'archive-mtime' ? l.bundleFromArchive : l.notRecorded;
    return formatLabel(l.bundleSource, { host: h.host, file: b.file, sha256: b.sha256, time: b.generatedAt ?? l.notRecorded, from, device: b.device ?? '?', version: b.version ?? '?' });
  });
  if (bundles.length) rows.push({ label: l.bundleSourceHeader, value: toOneLine(bundles.join('; ')) });
  return rows;
}

/** `sse_region: apj ×1, us ×8` — which endpoint set the hosts were checked against. */
function summarizeSelections(report: RunReport): string | undefined {
  const counts = new Map<string, Map<string, number>>();
  for (const h of report.hosts) {
    for (const [input, value] of Object.entries(h.selections ?? {})) {
      const byValue = counts.get(input) ?? new Map<string, number>();
      byValue.set(value, (byValue.get(value) ?? 0) + 1);
      counts.set(input, byValue);
    }
  }
  if (counts.size === 0) return undefined;
  const parts = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([input, byValue]) =>
    `${input}: ${[...byValue].sort(([a], [b]) => a.localeCompare(b)).map(([v, n]) => `${v} ×${n}`).join(', ')}`);
  return toOneLine(parts.join('; '));
}

const BAR_HEIGHT = 20;
const BAR_GAP = 8;
const LABEL_WIDTH = 80;
const BAR_MAX_WIDTH = 240;

/** Failures by severity, most severe first, as SVG geometry. */
function buildChart(report: RunReport, l: Labels): ReportView['chart'] {
  const sevs = [...SEVERITIES].reverse();
  const counts = sevs.map((s) => report.summary.failedBySeverity[s] ?? 0);
  const max = Math.max(1, ...counts);
  const bars: BarView[] = sevs.map((s, i) => {
    const width = counts[i] === 0 ? 0 : Math.max(2, Math.round((counts[i] / max) * BAR_MAX_WIDTH));
    const y = i * (BAR_HEIGHT + BAR_GAP);
    return { label: severityWord(s, l), count: counts[i], cls: `sev-${s}`, y, textY: y + 15, width, countX: LABEL_WIDTH + width + 6 };
  });
  return { bars, height: sevs.length * (BAR_HEIGHT + BAR_GAP), width: LABEL_WIDTH + BAR_MAX_WIDTH + 60, total: counts.reduce((a, b) => a + b, 0) };
}

/** Re-exported for renderers that need the label format helper. */
export { formatLabel };
