/** Reports of apply, resume and rollback (issue 23): their verdict, header, counts and changes
 * section speak of changes, not checks, in en and ja. The fixtures are report.json files of real
 * lab runs (test/fixtures/reports/change/, paths rewritten); plan.json is a real plan. */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChangeRecord, RunReport } from '../../src/model/result.js';
import type { PlanDocument } from '../../src/model/change.js';
import { renderHtml, renderMarkdown } from '../../src/report/index.js';
import { renderPlanHtml, renderPlanMarkdown } from '../../src/report/render-plan.js';
import { labelsFor } from '../../src/report/labels.js';
import { verdictLine } from '../../src/report/view-format.js';
import { paintFor, recapLines } from '../../src/console/recap.js';
import { schemaValidator } from '../../src/validate/schema.js';
import { FIXTURES } from './helpers.js';

const load = (name: string) => JSON.parse(readFileSync(`${FIXTURES}change/${name}`, 'utf8')) as RunReport;
const recap = (r: RunReport, lang: 'en' | 'ja' = 'en', planning = false) => recapLines(r, { lang, l: labelsFor(lang), paint: paintFor(false), max: 50, width: 0, planning });
const en = labelsFor('en');
const ja = labelsFor('ja');

/** The stopped apply turned into one whose window closed after the first host was verified. */
function windowClosed(): RunReport {
  const r = load('stopped-report.json');
  const [first, ...rest] = r.changes!;
  const verified: ChangeRecord = { ...first!, status: 'verified', commands: [first!.commands[0]!], reason: undefined };
  r.changes = [verified, ...rest.map((c) => ({ ...c, reason: 'the change window closed' }))];
  return r;
}

describe('change run reports', () => {
  it('the fixtures are valid reports that say which command made them (meta.changeRun)', () => {
    const valid = schemaValidator('report');
    for (const [file, run] of [['apply-report.json', 'apply'], ['rollback-report.json', 'rollback'], ['stopped-report.json', 'apply']]) {
      const r = load(file);
      expect(valid(r), JSON.stringify(valid.errors)).toBe(true);
      expect(r.meta.changeRun).toBe(run);
    }
  });

  it('verdicts are about changes: applied, rolled back, partly applied (with why), not applied; en and ja', () => {
    expect(verdictLine(load('apply-report.json'), en)).toBe('APPLIED: 2 of 2 changes verified (exit 0)');
    expect(verdictLine(load('rollback-report.json'), en)).toBe('ROLLED BACK: 2 changes undone (exit 0)');
    expect(verdictLine(windowClosed(), en)).toBe('PARTLY APPLIED: 1 verified, 2 not started (the change window closed) (exit 2)');
    expect(verdictLine(load('stopped-report.json'), en)).toBe('NOT APPLIED: 1 rolled back, 2 not started (1 of 1 hosts of batch 1 failed (more than --max-fail-percentage 0)) (exit 2)');
    expect(verdictLine(load('apply-report.json'), ja)).toBe('適用完了：2 件中 2 件の変更を検証済み (終了コード 0)');
    expect(verdictLine(load('rollback-report.json'), ja)).toBe('ロールバック完了：2 件の変更を取り消し (終了コード 0)');
    expect(verdictLine(windowClosed(), ja)).toBe('一部のみ適用：検証済み 1 件、未開始 2 件 (the change window closed) (終了コード 2)');
    const interrupted = windowClosed();
    interrupted.exitCode = 130;
    expect(verdictLine(interrupted, en)).toMatch(/^INTERRUPTED: 1 verified, 2 not started/);
    for (const f of ['apply-report.json', 'rollback-report.json', 'stopped-report.json']) {
      for (const text of [renderMarkdown(load(f), { lang: 'en' }), renderHtml(load(f), { lang: 'en' })]) {
        expect(text).not.toMatch(/NOTHING JUDGED|failed checks on|every selected check/);
      }
    }
  });

  it('the header says apply, resume or rollback; the console counts changes, never "0 fixed"', () => {
    const md = (r: RunReport, lang: 'en' | 'ja' = 'en') => renderMarkdown(r, { lang });
    expect(md(load('apply-report.json'))).toContain('Mode: **apply of a signed plan (changes devices)**');
    expect(md(load('rollback-report.json'))).toContain('Mode: **rollback of an applied plan (changes devices)**');
    expect(md(load('rollback-report.json'), 'ja')).toContain('適用済みプランの rollback');
    const resumed = load('apply-report.json');
    resumed.meta.changeRun = 'resume';
    expect(md(resumed)).toContain('Mode: **resume of an interrupted apply (changes devices)**');
    expect(renderHtml(load('rollback-report.json'), { lang: 'en' })).toContain('<td>rollback of an applied plan (changes devices)</td>');
    const lines = recap(load('rollback-report.json'));
    expect(lines[0]).toMatch(/· Changes: 2 of 2 sent · 2 undone · .* · exit 0$/);
    expect(lines.join('\n')).not.toMatch(/fixed/);
    expect(lines.at(-1)).toBe('ROLLED BACK: 2 changes undone (exit 0)');
    // The HTML summary's tiles: the changes by outcome; the checks are their verifications, never "fixed".
    const html = renderHtml(load('apply-report.json'), { lang: 'en' });
    expect(html).toContain('<h3>Changes</h3>');
    expect(html).toContain('<h3>Verification checks</h3>');
    expect(html).not.toContain('<span class="tile-label">fixed</span>');
  });

  it('"Changes made (N)" counts what was sent; not-started rows say "not sent" and why; after shows values', () => {
    const md = renderMarkdown(load('stopped-report.json'), { lang: 'en' });
    expect(md).toContain('## Changes made (1 of 3 sent)');
    expect(md).toContain('| e2 | `fix-dns-servers` | _not sent_ |  |  | – not started: 1 of 1 hosts of batch 1 failed (more than --max-fail-percentage 0) |');
    expect(md).toContain('↺ rolled back: verification failed: dns-resolves-sse fail, sse-api-reachable fail');
    const html = renderHtml(windowClosed(), { lang: 'en' });
    expect(html).toContain('<span class="small reason">the change window closed</span>');
    expect(html).toContain('Changes made (1 of 3 sent)');
    const applied = renderMarkdown(load('apply-report.json'), { lang: 'en' });
    expect(applied).toContain('## Changes made (2)');
    expect(applied).toContain('| `dns_servers: 203.0.113.53` | `dns_servers: 192.0.2.53, 192.0.2.54` | ✓ verified |');
    expect(applied).not.toMatch(/before\.dns_servers/);
    // The rollback's rows: "undone", in the order the run undid them (newest first), not by name.
    const back = renderMarkdown(load('rollback-report.json'), { lang: 'en' });
    expect(back.match(/^\| (a\d) \|/gm)).toEqual(load('rollback-report.json').changes!.map((c) => `| ${c.host} |`));
    expect(back).toContain('↺ undone |');
    expect(back).not.toMatch(/\| undone \|/);
  });

  it('a change an earlier run sent (resume found it applied) never shows an empty "Command sent"', () => {
    const r = load('apply-report.json');
    r.meta.changeRun = 'resume';
    r.changes![0]!.commands = [];
    const md = renderMarkdown(r, { lang: 'en' });
    expect(md).toContain('| a1 | `fix-dns-servers` | _none in this run (an earlier run of this change sent it)_ |');
    expect(md).toContain('## Changes made (1 of 2 sent)');
  });

  it('plan.md and plan.html both say how to apply exactly this plan (signatures, --allowed-signers, --expect-sha256)', () => {
    const text = readFileSync(`${FIXTURES}change/plan.json`, 'utf8');
    const doc = JSON.parse(text) as PlanDocument;
    const sha = createHash('sha256').update(text).digest('hex');
    const apply = `firebook apply chg-42.json --allowed-signers FILE --expect-sha256 ${sha} --ticket ID [--window START/END]`;
    const html = renderPlanHtml(doc, sha, 'chg-42.json');
    expect(html).toContain('Apply exactly this plan:');
    expect(html).toContain(`<code>${apply}</code>`);
    expect(html).toContain(`<code>firebook approve chg-42.json --key ~/.ssh/id_ed25519 --expect-sha256 ${sha}</code>`);
    expect(renderPlanMarkdown(doc, sha, 'chg-42.json')).toContain(`Apply exactly this plan: \`${apply}\``);
    // Stacked cards at narrow width: every cell carries its column's name.
    expect(html).toContain('<td data-label="apply"><code>cli&gt; configure network dns servers 192.0.2.53,192.0.2.54</code></td>');
    expect(html).toContain("content=\"default-src 'none'; style-src 'unsafe-inline'\"");
  });

  it("plan's console: what the plan found, without an exit code that is not plan's", () => {
    const r = load('stopped-report.json');
    r.meta.changeRun = undefined;
    r.changes = undefined;
    const lines = recap(r, 'en', true);
    expect(lines.at(-1)).toBe('What the plan found: FAILED: 2 failed checks on 1 of 3 hosts');
    expect(lines.join('\n')).not.toMatch(/exit 2/);
    expect(recap(r, 'en').at(-1)).toBe('FAILED: 2 failed checks on 1 of 3 hosts (exit 2)');
  });
});
