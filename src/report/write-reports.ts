/** Writes a run's report files atomically, then a SHA256SUMS manifest of the run folder. */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Reporter } from '../model/events.js';
import type { RunReport } from '../model/result.js';
import { renderHtml } from './render-html.js';
import { renderJsonChunks } from './render-json.js';
import { renderJunitChunks } from './render-junit.js';
import { renderMarkdown } from './render-markdown.js';
import { renderMarkdownFull } from './render-markdown-full.js';
import { renderPromChunks } from './render-prom.js';
import type { RenderOptions } from './view-types.js';

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

/** Each format as pieces written one after the other: report.json, junit.xml and firebook.prom
 * one host at a time (they grow with the fleet); the others are bounded in size (docs/scale.md). */
const RENDER: Record<ReportFormat, (r: RunReport, o: RenderOptions) => Iterable<string>> = {
  json: renderJsonChunks,
  html: (r, o) => [renderHtml(r, o)],
  md: (r, o) => [renderMarkdown(r, o)],
  'md-full': (r, o) => [renderMarkdownFull(r, o)],
  junit: renderJunitChunks,
  prom: renderPromChunks,
};

export const TEMP_MARK = '.tmp-';

/** Pieces are gathered up to this size before a write. */
const WRITE_CHUNK = 1 << 20;

/** File modes (docs/secrets.md "File modes"): what may hold more than a report shows (plan.json,
 * journals, events.jsonl, the result store, recordings) is the owner's alone; run folders too;
 * reports follow the umask. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;
export const REPORT_FILE_MODE = 0o666;

/** Writes `text` (or its pieces, in order) to `path` via a temp file in the same folder, fsync,
 * rename: a reader (or a textfile collector) never sees a half-written file. `mode` (default:
 * a report's, the umask decides) is the new file's from its creation. */
export function writeFileAtomic(path: string, text: string | Iterable<string>, mode: number = REPORT_FILE_MODE): void {
  const tmp = `${path}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    let pending = '';
    for (const piece of typeof text === 'string' ? [text] : text) {
      pending += piece;
      if (pending.length >= WRITE_CHUNK) {
        writeSync(fd, pending);
        pending = '';
      }
    }
    writeSync(fd, pending);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
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

/** A file's SHA-256, read a piece at a time (report.json of a large fleet is hundreds of MiB). */
function sha256File(path: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(WRITE_CHUNK);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Writes SHA256SUMS (`sha256sum -c` format) for every file in `dir` except itself. */
export function writeChecksums(dir: string): string {
  const lines = listFiles(dir)
    .map((f) => relative(dir, f).split(sep).join('/'))
    .filter((name) => name !== 'SHA256SUMS')
    .sort()
    .map((name) => `${sha256File(join(dir, name))}  ${name}`);
  const path = join(dir, 'SHA256SUMS');
  writeFileAtomic(path, lines.length ? lines.join('\n') + '\n' : '');
  return path;
}

/** Writes report.json (always) and the requested formats into `dir`, then SHA256SUMS.
 * Returns the paths written, report.json first and SHA256SUMS last. When the report's hosts
 * are summaries, `opts.results` gives their full results. */
export function writeReports(report: RunReport, dir: string, formats: readonly ReportFormat[], opts: RenderOptions): string[] {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
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
    onEnd(report, results) {
      const paths = writeReports(report, opts.dir, opts.formats, { ...opts, results });
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
