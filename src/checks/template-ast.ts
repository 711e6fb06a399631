/** Static reading of Handlebars templates: which variables a template references, and where. */
import Handlebars from 'handlebars';
import { TemplateError } from '../command/template-error.js';

/** Helpers known to every firebook template environment (built-ins + ours). */
export const KNOWN_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log', 'blockHelperMissing', 'helperMissing', 'join', 'add']);
const CONTEXT_CHANGING = new Set(['each', 'with']);

/** Converts a Handlebars exception (parse or strict-lookup) into a TemplateError with its position. */
export function toTemplateError(e: unknown): TemplateError {
  if (e instanceof TemplateError) return e;
  const err = e as { message?: string; lineNumber?: number; column?: number };
  const message = String(err?.message ?? e);
  const parse = /^Parse error on line (\d+):\n.*\n(-*)\^/.exec(message);
  if (parse) {
    const detail = message.split('\n').slice(3).join(' ').trim();
    return new TemplateError(`template syntax error: ${detail}`, Number(parse[1]), parse[2].length + 1);
  }
  const clean = message.replace(/ - \d+:\d+$/, '');
  if (typeof err?.lineNumber === 'number') return new TemplateError(clean, err.lineNumber, (err.column ?? 0) + 1);
  return new TemplateError(clean);
}

/** Parses a template; syntax errors become TemplateError. */
export function parseTemplate(template: string): hbs.AST.Program {
  try {
    return Handlebars.parse(template);
  } catch (e) {
    throw toTemplateError(e);
  }
}

interface PathRef {
  path: string;
  line: number;
  col: number;
}

type AnyNode = { type: string } & Record<string, unknown>;

/** Walks the AST and lists references to top-level variables (not helpers, `this`, `item`, @data,
 * block params, or paths relative to an `each`/`with` element). */
function collectRefs(program: hbs.AST.Program): PathRef[] {
  const refs: PathRef[] = [];
  const visitPath = (p: hbs.AST.PathExpression, contextDepth: number, blockParams: string[][]) => {
    const loc = { line: p.loc?.start.line ?? 1, col: (p.loc?.start.column ?? 0) + 1 };
    if (p.data) {
      if (p.parts[0] === 'root' && p.parts.length > 1) refs.push({ path: p.parts.slice(1).join('.'), ...loc });
      return;
    }
    if (p.parts.length === 0 || /^(this([./]|$)|\.\/|\.$)/.test(p.original)) return;
    if (p.depth === 0 && blockParams.some((bp) => bp.includes(p.parts[0]))) return;
    if (p.depth < contextDepth) return;
    if (p.parts[0] === 'item') return;
    refs.push({ path: p.parts.join('.'), ...loc });
  };
  const visitExpr = (n: AnyNode | undefined, depth: number, bp: string[][]) => {
    if (!n) return;
    if (n.type === 'PathExpression') visitPath(n as unknown as hbs.AST.PathExpression, depth, bp);
    else if (n.type === 'SubExpression') visitCall(n as unknown as hbs.AST.SubExpression, depth, bp);
  };
  const visitCall = (n: { path: hbs.AST.PathExpression | hbs.AST.Literal; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }, depth: number, bp: string[][]) => {
    const isCall = n.params.length > 0 || (n.hash?.pairs.length ?? 0) > 0;
    const path = n.path as hbs.AST.PathExpression;
    const isHelper = isCall || (path.type === 'PathExpression' && !path.data && path.parts.length === 1 && KNOWN_HELPERS.has(path.parts[0]));
    if (!isHelper) visitExpr(n.path as unknown as AnyNode, depth, bp);
    for (const p of n.params) visitExpr(p as unknown as AnyNode, depth, bp);
    for (const pair of n.hash?.pairs ?? []) visitExpr(pair.value as unknown as AnyNode, depth, bp);
  };
  const visitProgram = (prog: hbs.AST.Program | undefined, depth: number, bp: string[][]) => {
    if (!prog) return;
    const inner = prog.blockParams?.length ? [...bp, prog.blockParams] : bp;
    for (const stmt of prog.body) {
      const s = stmt as unknown as AnyNode;
      if (s.type === 'MustacheStatement') visitCall(stmt as hbs.AST.MustacheStatement, depth, inner);
      else if (s.type === 'BlockStatement') {
        const b = stmt as hbs.AST.BlockStatement;
        visitCall(b, depth, inner);
        const name = b.path.type === 'PathExpression' ? (b.path as hbs.AST.PathExpression).parts.join('.') : '';
        // `each`/`with` (and a bare section `{{#list}}`) evaluate their body against the element.
        const changes = CONTEXT_CHANGING.has(name) || (b.params.length === 0 && !KNOWN_HELPERS.has(name));
        visitProgram(b.program, changes ? depth + 1 : depth, inner);
        visitProgram(b.inverse, depth, inner);
      }
    }
  };
  visitProgram(program, 0, []);
  return refs;
}

/** The dotted variable paths a template references (unique, in order), e.g. `vars.dns_servers`. */
export function templateVariables(template: string): string[] {
  return [...new Set(collectRefs(parseTemplate(template)).map((r) => r.path))];
}
