/** The error of a template a playbook wrote: a command template refused by the command
 * language or the gate (command/), or a message template (checks/template-ast.ts). */

/** A problem found in a template, with a 1-based position when known. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly col?: number,
  ) {
    super(line !== undefined ? `${message} (template line ${line}, column ${col ?? 1})` : message);
    this.name = 'TemplateError';
  }
}
