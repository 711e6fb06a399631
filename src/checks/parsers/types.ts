/** Shared shapes of the parsers: pure functions from captured text to flat fields. */
import type { Fields } from '../../model/result.js';

/** What a parser returns. `error` set = the output was not recognised; the check becomes `error`. */
export interface ParseResult {
  fields: Fields;
  error?: string;
}

/** A parser: captured output (may start with an echoed command line) + exit code (`null` in CLISH). */
export type Parser = (output: string, exitCode: number | null, options?: Record<string, unknown>) => ParseResult;
