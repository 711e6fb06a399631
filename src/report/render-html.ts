/** The HTML report: one self-contained file (inline CSS and SVG, no scripts, no external
 * assets), rendered from Handlebars templates over the view model. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { UserError } from '../model/errors.js';
import type { RunReport } from '../model/result.js';
import { buildReportView } from './view-model.js';
import type { RenderOptions } from './view-types.js';

/** Where the built-in templates live (src/report/templates, copied to dist by the build). */
export const BUILTIN_TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

/** The main template; every other `*.hbs` file is a partial named after its file. */
export const MAIN_TEMPLATE = 'report.hbs';

/** Triple braces and `{{&` turn escaping off. The built-in templates need neither (the CSS is a
 * partial, whose text is never escaped, and the SVG is built from numbers and escaped labels),
 * so they are rejected everywhere, including in user templates. */
const UNESCAPED = /\{\{\{|\{\{~?\s*&/;

type Compiled = { main: HandlebarsTemplateDelegate; env: typeof Handlebars };
const builtinCache = new Map<string, Compiled>();

function readTemplates(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) if (name.endsWith('.hbs')) out.set(name, readFileSync(join(dir, name), 'utf8'));
  return out;
}

function compileTemplates(templatesDir?: string): Compiled {
  const cached = templatesDir === undefined ? builtinCache.get(BUILTIN_TEMPLATES_DIR) : undefined;
  if (cached) return cached;
  const files = readTemplates(BUILTIN_TEMPLATES_DIR);
  if (templatesDir !== undefined) {
    if (!existsSync(templatesDir)) {
      throw new UserError({ code: 'file-not-found', message: `templates folder ${templatesDir} does not exist`, hint: 'pass a folder holding report.hbs and/or partials (see src/report/templates/README.md)' });
    }
    for (const [name, text] of readTemplates(templatesDir)) files.set(name, text);
  }
  const env = Handlebars.create();
  const options = { knownHelpersOnly: true, preventIndent: true, strict: false } as const;
  for (const [name, text] of files) {
    if (UNESCAPED.test(text)) {
      throw new UserError({
        code: 'template',
        message: `template ${name} turns HTML escaping off ({{{ }}} or {{& }}), which would let device output inject markup`,
        location: { file: join(templatesDir ?? BUILTIN_TEMPLATES_DIR, name), line: text.slice(0, text.search(UNESCAPED)).split('\n').length, col: 1 },
        hint: 'use {{ }}; every value in the view model is plain text',
      });
    }
    if (name !== MAIN_TEMPLATE) env.registerPartial(name.slice(0, -'.hbs'.length), env.compile(text, options));
  }
  const mainText = files.get(MAIN_TEMPLATE);
  if (mainText === undefined) throw new UserError({ code: 'template', message: `no ${MAIN_TEMPLATE} template found` });
  const compiled = { main: env.compile(mainText, options), env };
  if (templatesDir === undefined) builtinCache.set(BUILTIN_TEMPLATES_DIR, compiled);
  return compiled;
}

/** Renders report.html. Pure apart from reading the template files. */
export function renderHtml(report: RunReport, opts: RenderOptions): string {
  const { main } = compileTemplates(opts.templatesDir);
  const view = buildReportView(report, opts);
  // The view is plain data (no prototypes with getters), so no prototype access is needed.
  return main(view);
}
