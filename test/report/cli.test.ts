import { describe, it, expect, afterEach } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { command } from '../../src/cli/commands/report.js';
import type { CliIO } from '../../src/cli/command.js';
import { UserError } from '../../src/model/errors.js';
import { createFileReporter, maskArgv, writeReports } from '../../src/report/index.js';
import { FIXTURES, loadSample, makeTempDir, partialEventLines } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function memoryIO(cwd: string): CliIO & { out: () => string; err: () => string } {
  const o: string[] = [];
  const e: string[] = [];
  const w = (into: string[]) => new Writable({ write(c, _x, cb) { into.push(String(c)); cb(); } });
  return { stdout: w(o), stderr: w(e), cwd, env: {}, out: () => o.join(''), err: () => e.join('') };
}

function tempDir(): string {
  const { dir, cleanup } = makeTempDir('cli');
  cleanups.push(cleanup);
  return dir;
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
    expect.unreachable();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).issues[0].code).toBe(code);
  }
}

describe('writeReports', () => {
  it('writes every format atomically and a SHA256SUMS that sha256sum -c accepts (events.jsonl included)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.jsonl'), partialEventLines().slice(0, -1).join('\n') + '\n');
    const written = writeReports(loadSample(), dir, ['html', 'md', 'junit', 'prom'], { lang: 'en' });
    expect(written.map((p) => p.slice(dir.length + 1))).toEqual(['report.json', 'report.html', 'report.md', 'junit.xml', 'firebook.prom', 'SHA256SUMS']);
    const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8');
    expect(sums.split('\n').filter(Boolean).map((l) => l.split('  ')[1])).toEqual(['events.jsonl', 'firebook.prom', 'junit.xml', 'report.html', 'report.json', 'report.md']);
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toContain('report.html: OK');
  });

  it('createFileReporter writes the reports in onEnd and says where', async () => {
    const dir = tempDir();
    let paths: string[] = [];
    await createFileReporter({ dir, formats: ['md'], lang: 'en', onWritten: (p) => (paths = p) }).onEnd?.(loadSample());
    expect(existsSync(join(dir, 'report.json'))).toBe(true);
    expect(existsSync(join(dir, 'report.md'))).toBe(true);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
    expect(paths).toHaveLength(3);
  });
});

describe('firebook report render', () => {
  it('renders from a report.json into --out', async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'sample-report.json'), join(dir, 'in.json'));
    const io = memoryIO(dir);
    expect(await command.run(['render', 'in.json', '--format', 'html,junit', '--out', 'out', '--lang', 'ja'], io)).toBe(0);
    expect(readFileSync(join(dir, 'out', 'report.html'), 'utf8')).toContain('準拠率');
    expect(existsSync(join(dir, 'out', 'junit.xml'))).toBe(true);
    expect(io.out()).toContain(join(dir, 'out', 'SHA256SUMS'));
  });

  it('renders a killed run from its events.jsonl (incomplete), next to the log by default', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.jsonl'), partialEventLines().join('\n'));
    const io = memoryIO(dir);
    expect(await command.run(['render', join(dir, 'events.jsonl'), '--baseline', join(FIXTURES, 'sample-report.json')], io)).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('class="banner banner-incomplete"');
    expect(html).toContain('Drift since baseline');
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).incomplete).toBe(true);
    expect(io.err()).toMatch(/incomplete/);
  });

  it('bad input is a report-input error; bad flags are cli-usage', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), '{"schemaVersion": 1, "hosts": "nope"}');
    writeFileSync(join(dir, 'junk.txt'), 'hello');
    writeFileSync(join(dir, 'nobegin.jsonl'), '{"type":"host-begin","time":"t","host":"a"}\n');
    const io = memoryIO(dir);
    await expectCode(command.run(['render', 'bad.json'], io), 'report-input');
    await expectCode(command.run(['render', 'junk.txt'], io), 'report-input');
    await expectCode(command.run(['render', 'nobegin.jsonl'], io), 'report-input');
    await expectCode(command.run(['render', 'missing.json'], io), 'report-input');
    await expectCode(command.run(['render', 'bad.json', '--format', 'pdf'], io), 'cli-usage');
    await expectCode(command.run(['render', 'bad.json', '--lang', 'fr'], io), 'cli-usage');
    await expectCode(command.run(['draw', 'bad.json'], io), 'cli-usage');
    // A wrong input creates no folder (the result store is opened at the first host read).
    await expectCode(command.run(['render', 'nowhere/report.json'], io), 'report-input');
    await expectCode(command.run(['render', 'junk.txt', '--out', 'never'], io), 'report-input');
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('renders from the output folder without leaving its result store behind', async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'sample-report.json'), join(dir, 'report.json'));
    const io = memoryIO(dir);
    expect(await command.run(['render', 'report.json', '--format', 'json'], io)).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['SHA256SUMS', 'report.json']);
    // The same report (its command line masked), written back a host at a time from the store.
    const sample = loadSample();
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual({ ...sample, meta: { ...sample.meta, argv: maskArgv(sample.meta.argv ?? []) } });
  });

  it('--format and --lang parse as in `firebook run`: same forms, same error texts', async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'sample-report.json'), join(dir, 'in.json'));
    const io = memoryIO(dir);
    const messageOf = async (argv: string[]) => {
      try {
        await command.run(argv, io);
      } catch (err) {
        return (err as UserError).issues[0].message;
      }
      return expect.unreachable();
    };
    expect(await messageOf(['render', 'in.json', '--format', 'html,pdf'])).toBe("firebook report: --format must be one of json, html, md, md-full, junit, prom, not 'pdf'");
    expect(await messageOf(['render', 'in.json', '--lang', 'fr'])).toBe("firebook report: --lang must be one of en, ja, not 'fr'");
    // Repeated --format, as `firebook run` accepts it.
    expect(await command.run(['render', 'in.json', '--format', 'md', '--format', 'prom', '--out', 'o'], io)).toBe(0);
    expect(existsSync(join(dir, 'o', 'report.md'))).toBe(true);
    expect(existsSync(join(dir, 'o', 'firebook.prom'))).toBe(true);
    expect(existsSync(join(dir, 'o', 'report.html'))).toBe(false);
  });
});
