/** Writes a run's report files atomically, then a SHA256SUMS manifest of the run folder. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, writeFileAtomic } from '../io/atomic-file.js';
import type { Reporter } from '../model/events.js';
import type { RunReport } from '../model/result.js';
import { writeChecksums } from '../store/checksums.js';
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
