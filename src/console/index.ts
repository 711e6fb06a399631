/** The live console: progress lines, the recap, text widths. Reads the model and the report view. */
export { createConsoleReporter, useColor, type ConsoleReporterOptions } from './reporter.js';
