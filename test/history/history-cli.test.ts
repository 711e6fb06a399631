/** `firebook history` end to end on the known history (known-history.ts): each format's content
 * and escaping, the summary line, the exit codes, and "no database yet" creating nothing. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { main } from '../../src/cli/main.js';
import { migrate } from '../../src/history/db.js';
import { openSqlite } from '../../src/history/sqlite.js';
import { csvCell } from '../../src/history/render-text.js';
import { historyHostAnchor } from '../../src/report/view-format.js';
import { memoryIo } from '../support/memory-io.js';
import { fillKnownHistory, HOSTILE } from './known-history.js';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'fb-hist-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The known history lives in `reports/firebook.db` of `dir`, the default place. */
beforeAll(async () => {
  mkdirSync(join(dir, 'reports'));
  const db = openSqlite(join(dir, 'reports', 'firebook.db'));
  await migrate(db);
  await fillKnownHistory(db);
  await db.close();
});

async function history(args: string[], env: NodeJS.ProcessEnv = {}, cwd = dir) {
  const m = memoryIo(cwd, env);
  const code = await main(['history', ...args], m.io);
  return { code, out: m.out(), err: m.err() };
}

const RANGE = ['--since', '2026-11-01', '--until', '2026-11-05'];
const read = (...p: string[]) => readFileSync(join(dir, ...p), 'utf8');

describe('firebook history', () => {
  it('writes every format into reports/history and prints one summary line', async () => {
    const r = await history(RANGE);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'history: 60% on 2026-11-05 (4 host(s), per day since 2026-11-01); 2 failing now, 1 waiver(s) expiring within 30d, 2 change step(s) → reports/history/ ' +
        '(history.html, history.md, history.json, history-trend.csv, history-failing.csv, history-waivers.csv, history-changes.csv, history-hosts.csv)\n',
    );
    expect(readdirSync(join(dir, 'reports/history')).sort()).toEqual([
      'history-changes.csv', 'history-failing.csv', 'history-hosts.csv', 'history-trend.csv', 'history-waivers.csv', 'history.html', 'history.json', 'history.md',
    ]);
  });

  it('history.json: versioned, valid against schemas/history.schema.json, the numbers of the views', async () => {
    const doc = JSON.parse(read('reports/history/history.json')) as Record<string, unknown> & { trend: Array<{ pct: number | null }>; failingNow: Array<{ host: string; firstRunId: string }> };
    expect(doc.$schema).toBe('https://firebook.dev/schemas/history.schema.json');
    expect(doc.historyVersion).toBe(1);
    expect(doc.trend.map((p) => p.pct)).toEqual([85.7, 66.7, 100, 83.3, 60]);
    expect(doc.failingNow.map((f) => [f.host, f.firstRunId])).toEqual([['fw-b', 'r4'], ['fw-c', 'r5-merged']]);
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/history.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('history.html: self-contained, the chart, an anchor per host, every database string escaped', async () => {
    const html = read('reports/history/history.html');
    expect(html).not.toMatch(/<script|https?:\/\/(?!firebook)/i);
    expect(html).toContain('<svg class="trend" id="trend-chart"');
    expect(html).toMatch(/<polyline class="line" points="[\d., ]+"\/>/);
    for (const host of ['fw-a', 'fw-b', 'fw-c', HOSTILE]) expect(html).toContain(`id="${historyHostAnchor(host)}"`);
    expect(historyHostAnchor(HOSTILE)).toBe('host-fw-d_3cscript_3ealert_281_29_3c_2fscript_3e_26_22_27');
    expect(html).toContain('fw-d&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&apos;');
    expect(html).not.toContain('<script>alert(1)');
    // The labelled points of the chart are the trend's values.
    expect([...html.matchAll(/<text class="lbl"[^>]*>([\d.]+)<\/text>/g)].map((m) => m[1])).toEqual(['85.7', '66.7', '100', '83.3', '60']);
  });

  it('history.md and the CSV files: escaped, formula-safe, one table per file', async () => {
    const md = read('reports/history/history.md');
    expect(md).toContain('| 2026-11-05 | 3 | 3 | 2 | 0 | 60% |');
    expect(md).toContain('fw-d\\<script\\>alert(1)\\</script\\>\\&"\'');
    expect(md).not.toContain('<script>');
    expect(read('reports/history/history-trend.csv')).toBe(
      'bucket,hosts,pass,fail,error,compliance_pct\r\n2026-11-01,4,6,0,1,85.7\r\n2026-11-02,3,4,2,0,66.7\r\n2026-11-03,3,6,0,0,100\r\n2026-11-04,3,5,1,0,83.3\r\n2026-11-05,3,3,2,0,60\r\n',
    );
    expect(read('reports/history/history-changes.csv')).toBe(
      'at,host,step,run,mode,operator,approved_by,ticket,outcome\r\n' +
        '2026-11-03T12:00:00.000Z,fw-b,ssh-fix,a1,apply,carol,bob,CHG-42,verified\r\n2026-11-04T12:00:00.000Z,fw-b,ssh-fix,rb1,rollback,carol,,CHG-42,rolled-back\r\n',
    );
    expect(read('reports/history/history-hosts.csv')).toContain(`"fw-d<script>alert(1)</script>&""'",2026-11-01T10:00:00.000Z,100\r\n`);
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell(-3)).toBe('-3');
  });

  it('--host: the host timeline in each format; --by week; --format and --out', async () => {
    const r = await history([...RANGE, '--host', 'fw-b', '--by', 'week', '--format', 'md,csv', '--out', 'out-b']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^history: 60% on 2026-11-02 \(4 host\(s\), per week since 2026-11-01\); 1 failing now, 1 waiver\(s\) expiring within 30d, 2 change step\(s\) → out-b\/ \(history\.md, .*history-timeline\.csv\)\n$/);
    const md = read('out-b/history.md');
    expect(md).toContain('## Timeline of fw-b');
    expect(md).toContain('| ssh | 5 | 2026-11-02 10:00Z | 2026-11-03 10:00Z | 2026-11-02 10:00Z → 2026-11-03 10:00Z (24 h)<br>2026-11-04 10:00Z → still failing | 24 h | 3 |');
    expect(read('out-b/history-timeline.csv').split('\r\n').slice(0, 3)).toEqual(['host,check,at,status,run', 'fw-b,ntp,2026-11-01T10:00:00.000Z,pass,r1', 'fw-b,ntp,2026-11-02T10:00:00.000Z,pass,r2']);
    expect(existsSync(join(dir, 'out-b/history.html'))).toBe(false);
    const h = await history([...RANGE, '--host', 'fw-a', '--check', 'ssh', '--format', 'html', '--out', 'out-a']);
    expect(h.code).toBe(0);
    const html = read('out-a/history.html');
    expect(html).toContain('<h2 id="sec-timeline">Timeline of fw-a</h2>');
    expect(html).toContain('2026-11-02 10:00Z → 2026-11-03 15:00Z (29 h)');
  });

  it('FIREBOOK_DB and --db name the database; a missing one is one line, exit 4, nothing created', async () => {
    const env = { FIREBOOK_DB: join(dir, 'reports', 'firebook.db') };
    const elsewhere = mkdtempSync(join(tmpdir(), 'fb-hist-cli-empty-'));
    try {
      expect((await history([...RANGE, '--format', 'json'], env, elsewhere)).code).toBe(0);
      expect(existsSync(join(elsewhere, 'reports/history/history.json'))).toBe(true);
      rmSync(join(elsewhere, 'reports'), { recursive: true });
      const r = await history([], {}, elsewhere);
      expect(r.code).toBe(4);
      expect(r.out).toBe('');
      expect(r.err).toBe('error[history]: firebook history: no results database at reports/firebook.db: no runs recorded yet\n  hint: record run folders with: firebook history import reports/*/\n');
      expect(readdirSync(elsewhere)).toEqual([]);
      const d = await history(['--db', 'nowhere/x.db'], {}, elsewhere);
      expect(d.code).toBe(4);
      expect(d.err).toContain('no results database at nowhere/x.db');
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('bad flags are usage errors (exit 4), never a stack trace', async () => {
    for (const [args, text] of [
      [['--by', 'month'], "--by must be one of day, week, not 'month'"],
      [['--since', 'yesterday'], "--since must be a duration longer than zero"],
      [['--until', '11/05/2026'], "--until must be a date (2026-11-30) or an ISO time with its zone"],
      [['--expiring', '0d'], '--expiring must be a duration longer than zero'],
      [['--format', 'pdf'], "--format must be one of html, md, json, csv, not 'pdf'"],
      [['--since', '2026-12-01', '--until', '2026-11-01'], '--since (2026-12-01T00:00:00.000Z) must be before --until'],
      [['stray'], "unknown command 'history stray'"],
    ] as const) {
      const r = await history([...args]);
      expect(r.code, args.join(' ')).toBe(4);
      expect(r.err).toContain(text);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
});
