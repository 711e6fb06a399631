/** Device output is hostile text and the report is attached to audits: nothing a device or an
 * argv says may become markup, terminal control or a leaked secret. */
import { describe, it, expect, afterEach } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { BUILTIN_TEMPLATES_DIR, renderHtml, renderJson, renderJunit, renderMarkdown, renderMarkdownFull, renderProm, toVisibleText, maskArgv, redactArgv } from '../../src/report/index.js';
import { createConsoleReporter } from '../../src/console/index.js';
import type { CheckResult } from '../../src/model/result.js';
import { isSecretName } from '../../src/model/redact.js';
import { UserError } from '../../src/model/errors.js';
import { CANARY, hostileReport, loadSample, makeTempDir } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const renderers = { json: renderJson, html: renderHtml, md: renderMarkdown, 'md-full': renderMarkdownFull, junit: renderJunit, prom: renderProm };

describe('canary secrets', () => {
  it.each(Object.entries(renderers))('%s never prints the secret placed in meta.argv', (_name, render) => {
    const r = loadSample();
    expect(JSON.stringify(r)).toContain(CANARY); // the canary is really in the input
    for (const lang of ['en', 'ja'] as const) expect(render(r, { lang })).not.toContain(CANARY);
  });

  it('maskArgv masks --flag value, name=value and inline extra-vars', () => {
    expect(maskArgv(['--vault-password', 's3cr3t', '-e', 'api_token=abc', '-e', '{"ssh_pass":"x"}', '-e', 'user=admin password=hunter2', '--limit', 'ftd01'])).toEqual([
      '--vault-password', '********', '-e', 'api_token=********', '-e', '********', '-e', 'user=admin password=********', '--limit', 'ftd01',
    ]);
  });

  it('maskArgv masks --flag=value forms the same way, recursively', () => {
    expect(maskArgv(['--extra-vars=ansible_password=s3cret'])).toEqual(['--extra-vars=ansible_password=********']);
    expect(maskArgv(['--vault-password=s3cret', '--become-password=s3cret'])).toEqual(['--vault-password=********', '--become-password=********']);
    expect(maskArgv(['--extra-vars={"ssh_pass": "x"}', '--extra-vars=user=admin password=hunter2'])).toEqual(['--extra-vars=********', '--extra-vars=user=admin password=********']);
    // A value that is itself name=value under an innocent name, one level or two down.
    expect(maskArgv(['-e', 'opts=ansible_password=v', '--extra-vars=opts=api_key=v'])).toEqual(['-e', 'opts=ansible_password=********', '--extra-vars=opts=api_key=********']);
    // YAML inline extra-vars with a secret-looking key.
    expect(maskArgv(['--extra-vars={ssh_pass: x}', '-e', 'vault_ssh_pass: x'])).toEqual(['--extra-vars=********', '-e', '********']);
    // Nothing secret: untouched, including `=` inside values and Ansible's boolean --ask-* flags.
    const plain = ['run', '--limit=ftd01,ftd02', '-e', 'ntp=10.0.0.1 dns=a=b', '--ask-vault-pass', 'playbooks/securex.yml', '--out=reports/x'];
    expect(maskArgv(plain)).toEqual(plain);
  });

  it('names SECRET_ARG covered are secret names now: credential, vault', () => {
    expect(isSecretName('db_credential')).toBe(true);
    expect(isSecretName('vault_id')).toBe(true);
    expect(maskArgv(['--vault-id', 'prod@prompt', '--api-credential=abc'])).toEqual(['--vault-id', '********', '--api-credential=********']);
  });

  it('redactArgv masks by name, then every given secret value wherever it appears', () => {
    const argv = ['-e', 'note=hunter2', '--extra-vars=x=pw-hunter2-x', '-e', 'ansible_password=other', '--limit', 'ftd01'];
    expect(redactArgv(argv, ['hunter2'])).toEqual(['-e', 'note=********', '--extra-vars=x=pw-********-x', '-e', 'ansible_password=********', '--limit', 'ftd01']);
    expect(redactArgv(argv, [])).toEqual(maskArgv(argv));
  });
});

describe('hostile device output shows as text', () => {
  const r = hostileReport();

  it('HTML: no markup from the device, control characters visible, Japanese intact', () => {
    const html = renderHtml(r, { lang: 'en' });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img');
    // The only links are the hosts' to their history (a fixed relative file, an escaped anchor).
    expect([...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]).filter((h) => !/^\.\.\/history\/history\.html#host-[A-Za-z0-9._-]+$/.test(h))).toEqual([]);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;/details&gt;&lt;/pre&gt;');
    expect(html).toContain('{{x}} {{{y}}}');
    expect(html).toContain('␛[31mRED␛[0m bell␇');
    expect(html).not.toContain('\x1b');
    expect(html).toContain('日本語の出力：接続できません');
    // Every <details> we open is closed by us: the count of opens equals closes.
    expect(html.match(/<details/g)?.length).toBe(html.match(/<\/details>/g)?.length);
  });

  it.each([['md', renderMarkdown], ['md-full', renderMarkdownFull]] as const)('Markdown (%s): inline text escaped, no raw HTML', (_n, render) => {
    const md = render(r, { lang: 'en' });
    const prose = md.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '').replace(/(`+)[^`]*?\1/g, '');
    expect(prose).not.toMatch(/(?<!\\)<(script|img|a )/i);
    expect(md).toContain('\\<script\\>alert(1)\\</script\\>'); // the diagnosis, escaped inline
    expect(md).not.toContain('\x1b');
  });

  it('Markdown (md-full): evidence fenced safely, inline text escaped, no raw HTML', () => {
    const md = renderMarkdownFull(r, { lang: 'en' });
    // Inside fenced blocks and code spans text is literal; everywhere else no raw tag may remain.
    const prose = md.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '').replace(/(`+)[^`]*?\1/g, '');
    expect(prose).not.toMatch(/(?<!\\)<(script|img|a )/i);
    expect(md).toContain('\\<script\\>alert(1)\\</script\\>'); // the diagnosis, escaped inline
    expect(md).not.toContain('\x1b');
    // The output contains a run of 4 backticks, so its fence is at least 5 long.
    expect(md).toMatch(/^`{5,}text\n<script>alert\(1\)<\/script>/m);
    expect(md).toContain('日本語の出力：接続できません');
  });

  it('JUnit XML and Prometheus text: escaped, no raw control characters', () => {
    const xml = renderJunit(r, { lang: 'en' });
    expect(xml).not.toContain('<script');
    expect(xml).toContain(']]&gt;');
    expect(xml).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    const prom = renderProm(r);
    expect(prom).not.toMatch(/[\x00-\x08\x0b-\x1f]/);
  });

  it('toVisibleText keeps text and newlines, shows controls', () => {
    expect(toVisibleText('a\r\nb\x1b[0m\x00\x7f\x9b日本')).toBe('a\nb␛[0m␀␡<U+009B>日本');
  });
});

describe('bidirectional and zero-width characters ("Trojan Source") are shown, never applied', () => {
  // A host name that an RLO reverses on screen, and device output with zero-width and isolate
  // characters: what an auditor reads must be what is there.
  const HOST = 'fw-\u202eevil-\u2066x\u2069';
  const OUTPUT = 'status: ok\u200b\u200d\u2060\ufeff\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u2067\u2068';
  const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;
  const trojan = () => {
    const r = loadSample();
    r.hosts[1].host = HOST;
    const fail = r.hosts[1].checks.find((c) => c.status === 'fail') as CheckResult;
    fail.evidence[0].output = OUTPUT;
    fail.reason = `reason ${HOST}`;
    return r;
  };

  // `<U+202E>` as each format writes a `<` (HTML and XML escape it, Markdown text may too).
  const shown = (code: string) => new RegExp(`(?:<|&lt;|\\\\<)U\\+${code}(?:>|&gt;|\\\\>)`);

  it.each(Object.entries(renderers).filter(([n]) => n !== 'json'))('%s shows each as <U+XXXX>', (_name, render) => {
    const out = render(trojan(), { lang: 'en' });
    expect(out).not.toMatch(INVISIBLE);
    expect(out).toMatch(shown('202E'));
  });

  it('md-full and HTML show the zero-width characters of the evidence too', () => {
    const all = '<U+200B><U+200D><U+2060><U+FEFF><U+061C><U+200E><U+200F><U+202A><U+202B><U+202C><U+202D><U+2067><U+2068>';
    expect(renderMarkdownFull(trojan(), { lang: 'en' })).toContain(all);
    expect(renderHtml(trojan(), { lang: 'en' })).toContain(all.replaceAll('<', '&lt;').replaceAll('>', '&gt;'));
  });

  it('JSON keeps the data: \\u escapes that parse back to the same characters', () => {
    const json = renderJson(trojan(), { lang: 'en' });
    expect(json).not.toMatch(INVISIBLE);
    expect(json).toContain('fw-\\u202eevil-\\u2066x\\u2069');
    const back = JSON.parse(json);
    expect(back.hosts[1].host).toBe(HOST);
    expect(JSON.stringify(back)).toContain(OUTPUT);
  });

  it('the console shows them', async () => {
    let out = '';
    const stream = new Writable({ write: (c, _e, done) => ((out += String(c)), done()) });
    const r = trojan();
    const reporter = createConsoleReporter({ mode: 'plain', stream, lang: 'en' });
    await reporter.onBegin?.({ type: 'run-begin', time: r.meta.startedAt, meta: r.meta, hosts: r.hosts.map((h) => h.host), checks: r.checks });
    for (const c of r.hosts[1].checks) await reporter.onCheckEnd?.({ type: 'check-end', time: c.startedAt, host: HOST, result: c });
    await reporter.onHostEnd?.({ type: 'host-end', time: r.hosts[1].startedAt, result: r.hosts[1] });
    await reporter.onEnd?.(r);
    expect(out).toContain('fw-<U+202E>evil-<U+2066>x<U+2069>');
    expect(out).not.toMatch(INVISIBLE);
  });

  it('toVisibleText is idempotent on them', () => {
    const once = toVisibleText(OUTPUT);
    expect(toVisibleText(once)).toBe(once);
  });
});

describe('templates', () => {
  it('built-in templates never turn escaping off', () => {
    for (const f of readdirSync(BUILTIN_TEMPLATES_DIR).filter((n) => n.endsWith('.hbs'))) {
      const text = readFileSync(join(BUILTIN_TEMPLATES_DIR, f), 'utf8');
      expect(text, f).not.toMatch(/\{\{\{|\{\{~?\s*&/);
    }
  });

  it('a user template folder overrides a partial by file name', () => {
    const { dir, cleanup } = makeTempDir('tpl');
    cleanups.push(cleanup);
    writeFileSync(join(dir, 'summary.hbs'), '<section class="custom-summary">{{compliance}} / {{l.compliance}}</section>\n');
    const html = renderHtml(loadSample(), { lang: 'en', templatesDir: dir });
    expect(html).toContain('<section class="custom-summary">77.8 % / Compliance</section>');
    expect(html).toContain('id="sec-findings"'); // other partials still built-in
  });

  it('a user template with triple braces is refused with code template', () => {
    const { dir, cleanup } = makeTempDir('tpl');
    cleanups.push(cleanup);
    writeFileSync(join(dir, 'findings.hbs'), '{{#each findings}}{{{title}}}{{/each}}\n');
    try {
      renderHtml(loadSample(), { lang: 'en', templatesDir: dir });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).issues[0]).toMatchObject({ code: 'template', location: { line: 1 } });
    }
  });
});

describe('language', () => {
  it('ja renders Japanese labels and the Japanese variants of playbook text', () => {
    const html = renderHtml(loadSample(), { lang: 'ja' });
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('準拠率');
    expect(html).toContain('DNS の名前解決に失敗（curl 終了コード 6）');
    expect(renderMarkdownFull(loadSample(), { lang: 'ja' })).toContain('## 不合格・判定不能のチェック');
    const md = renderMarkdown(loadSample(), { lang: 'ja' });
    expect(md).toContain('## 根本原因 (2)');
    // One word for remediation throughout (the playbook's 修復), severities in Japanese.
    expect(md).toContain('| ホスト | 修復 | 送信したコマンド |');
    expect(md).toContain('— 高');
    expect(md).not.toMatch(/修正|\bhigh\b|\bmedium\b/);
    expect(md).toContain('**SSH 接続に応答がない (タイムアウト)** `connect-timeout`');
  });
});
