/** Writes a run's report files atomically, then a SHA256SUMS manifest of the run folder. */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Reporter } from '../model/events.js';
import type { RunReport } from '../model/result.js';
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';
import { renderJunit } from './render-junit.js';
import { renderMarkdown } from './render-markdown.js';
import { renderMarkdownFull } from './render-markdown-full.js';
import { renderProm } from './render-prom.js';
import type { RenderOptions } from './view-model.js';

/** A report format. */
export type ReportFormat = 'json' | 'html' | 'md' | 'md-full' | 'junit' | 'prom';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'html', 'md', 'md-full', 'junit', 'prom'];

/** File name of each format in the run folder. */
export const REPORT_FILE: Record<ReportFormat, string> = {
  json: 'report.json',
  html: 'report.html',
  md: 'report.md',
  'md-full': 'report.full.md',
  junit: 'junit.xml',
  prom: 'firebook.prom',
};

const RENDER: Record<ReportFormat, (r: RunReport, o: RenderOptions) => string> = {
  json: renderJson,
  html: renderHtml,
  md: renderMarkdown,
  'md-full': renderMarkdownFull,
  junit: renderJunit,
  prom: renderProm,
};

const TEMP_MARK = '.tmp-';

/** Writes `text` to `path` via a temp file in the same folder, fsync, rename: a reader (or a
 * textfile collector) never sees a half-written file. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile() && !entry.name.includes(TEMP_MARK)) out.push(full);
  }
  return out;
}

/** Writes SHA256SUMS (`sha256sum -c` format) for every file in `dir` except itself. */
export function writeChecksums(dir: string): string {
  const lines = listFiles(dir)
    .map((f) => relative(dir, f).split(sep).join('/'))
    .filter((name) => name !== 'SHA256SUMS')
    .sort()
    .map((name) => `${createHash('sha256').update(readFileSync(join(dir, name))).digest('hex')}  ${name}`);
  const path = join(dir, 'SHA256SUMS');
  writeFileAtomic(path, lines.length ? lines.join('\n') + '\n' : '');
  return path;
}

/** Writes report.json (always) and the requested formats into `dir`, then SHA256SUMS.
 * Returns the paths written, report.json first and SHA256SUMS last. */
export function writeReports(report: RunReport, dir: string, formats: readonly ReportFormat[], opts: RenderOptions): string[] {
  mkdirSync(dir, { recursive: true });
  const wanted = ['json', ...formats.filter((f) => f !== 'json')] as ReportFormat[];
  const written: string[] = [];
  for (const f of [...new Set(wanted)]) {
    const path = join(dir, REPORT_FILE[f]);
    writeFileAtomic(path, RENDER[f](report, opts));
    written.push(path);
  }
  written.push(writeChecksums(dir));
  return written;
}

/** Options of the file reporter. */
export interface FileReporterOptions extends RenderOptions {
  /** The run folder. */
  dir: string;
  formats: readonly ReportFormat[];
  /** Called with the paths written (e.g. to tell the console where the reports are). */
  onWritten?: (paths: string[]) => void;
}

/** A Reporter that writes the report files when the run ends (also an interrupted run). */
export function createFileReporter(opts: FileReporterOptions): Reporter {
  return {
    onEnd(report) {
      const paths = writeReports(report, opts.dir, opts.formats, opts);
      opts.onWritten?.(paths);
    },
  };
}

/** True when `path` is an existing folder. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
