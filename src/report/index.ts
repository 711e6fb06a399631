/** Reports: the view model and its renderers, and writing a run's report files. */
export { buildReport } from './build-report.js';
export { renderHtml, BUILTIN_TEMPLATES_DIR } from './render-html.js';
export { renderJson } from './render-json.js';
export { renderMarkdown, escapeMarkdown, markdownFence, MARKDOWN_MAX_ITEMS, SUMMARY_MAX_ITEMS } from './render-markdown.js';
export { renderMarkdownFull } from './render-markdown-full.js';
export { renderJunit } from './render-junit.js';
export { renderProm, escapePromLabel } from './render-prom.js';
export { writeReports, createFileReporter, REPORT_FILE, REPORT_FORMATS, type ReportFormat, type FileReporterOptions } from './write-reports.js';
export { buildReportView } from './view-model.js';
export type { RenderOptions, ViewLimits } from './view-types.js';
export { computeDrift, type Drift } from './drift.js';
export { toVisibleText, maskArgv, redactArgv } from './sanitize.js';
export { labelsFor, type Labels } from './labels.js';
