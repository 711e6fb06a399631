/** Errors a user can cause. Each carries a stable code, a location and a fix hint. */
import type { SourceLocation } from './playbook.js';

export type UserErrorCode =
  | 'yaml-syntax'
  | 'schema'
  | 'unknown-key'
  | 'duplicate-id'
  | 'unknown-reference'
  | 'template'
  | 'read-only'
  | 'undefined-variable'
  | 'invalid-variable'
  | 'file-not-found'
  | 'inventory'
  | 'vault'
  | 'history'
  | 'bundle'
  | 'cli-usage'
  | 'waiver'
  | 'report-input'
  | 'limit';

export interface UserIssue {
  code: UserErrorCode;
  message: string;
  location?: SourceLocation;
  hint?: string;
}

/** Thrown when input is invalid; the CLI prints every issue and exits 4. */
export class UserError extends Error {
  readonly issues: UserIssue[];
  constructor(issues: UserIssue[] | UserIssue) {
    const list = Array.isArray(issues) ? issues : [issues];
    super(list.map(formatIssue).join('\n'));
    this.name = 'UserError';
    this.issues = list;
  }
}

/** `file:line:col: message (hint)` — the one format for every user error. */
export function formatIssue(issue: UserIssue): string {
  const where = issue.location ? `${issue.location.file}:${issue.location.line}:${issue.location.col}: ` : '';
  const hint = issue.hint ? `\n  hint: ${issue.hint}` : '';
  return `${where}error[${issue.code}]: ${issue.message}${hint}`;
}

/** The CLI's exit-code contract (README). One place. */
export const EXIT = {
  ok: 0,
  /** firebook itself failed (a bug), not the devices or the input. */
  internal: 1,
  checkFailed: 2,
  hostFailed: 3,
  invalidInput: 4,
  interrupted: 130,
} as const;
