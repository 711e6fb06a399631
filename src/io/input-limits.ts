/** Limits every input file obeys (playbooks, inventories, vars files, waivers).
 *
 * Input files come from many hands; a hostile or broken one must end in one clear user error
 * (exit 4) with a position, never a crash, a hang or an exhausted heap. The limits are generous
 * for real files and documented in docs/faults.md:
 * - size: a file larger than `maxFileBytes` is refused before it is read;
 * - nesting: YAML deeper than `maxDepth` collections is refused before it is composed (the
 *   `yaml` package composes recursively, and deep input overflowed the stack); so is `-e` JSON
 *   before it is parsed (jsonNestingOverflow);
 * - host ranges: one entry (`fw[0:99999999]`) expands to at most `maxHostsPerRange` hosts;
 * - aliases: a YAML alias bomb (`&a [*b, *b, …]` chains) is refused when its expansion passes
 *   the alias budget the caller gives `toJS` (the `yaml` package's `maxAliasCount`). */
import { statSync } from 'node:fs';
import { Composer, isAlias, isScalar, LineCounter, Parser, visit, YAMLParseError, type CST, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { UserError } from '../model/errors.js';

export const INPUT_LIMITS = {
  /** 16 MiB: an inventory of tens of thousands of hosts fits; a mistaken log file does not. */
  maxFileBytes: 16 * 1024 * 1024,
  /** Collections inside collections. Real playbooks stay under 10; 64 leaves room. */
  maxDepth: 64,
  /** Hosts one inventory entry's ranges (`fw[0001:9999]`) may expand to. */
  maxHostsPerRange: 100_000,
} as const;

/** Refuses a file larger than the size limit (called before reading it). */
export function checkFileSize(file: string, maxBytes: number = INPUT_LIMITS.maxFileBytes): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return; // the reader reports a missing file in its own words
  }
  if (size > maxBytes) {
    throw new UserError({
      code: 'limit',
      message: `${file} is ${size} bytes, over the ${maxBytes}-byte limit for an input file`,
      location: { file, line: 1, col: 1 },
      hint: 'is this the right file? split a very large inventory into a folder of files',
    });
  }
}

/** Where JSON text first nests deeper than `maxDepth` arrays/objects (a character offset), or
 * undefined. One linear pass that skips strings, run BEFORE JSON.parse: what reads the parsed
 * value afterwards (merging, secret search, schema checks) recurses, and 100,000 nested `[`
 * overflowed the stack. Invalid JSON is left to JSON.parse to report. */
export function jsonNestingOverflow(text: string, maxDepth: number = INPUT_LIMITS.maxDepth): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return undefined;
}

type Item = { key?: CST.Token | null; value?: CST.Token | null; sep?: unknown };

/** Parses one YAML document as the `yaml` package's parseDocument does (a second document is
 * a MULTIPLE_DOCS error), after refusing nesting deeper than the limit: both from one
 * tokenisation. Errors carry `pos`; `lineCounter` turns it into line and column. */
export function parseYamlDocument(text: string, file: string, options: ParseOptions & DocumentOptions & SchemaOptions, maxDepth: number = INPUT_LIMITS.maxDepth): { doc: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  checkYamlNesting(tokens, lineCounter, file, maxDepth);
  let doc: Document | undefined;
  for (const next of new Composer(options).compose(tokens, true, text.length)) {
    if (doc) {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
    doc = next;
  }
  return { doc: doc!, lineCounter };
}

/** Refuses YAML nested deeper than the depth limit, with the position where it goes too deep.
 * Walks the parser's concrete syntax tree with an explicit stack, so depth itself cannot
 * overflow anything (the `yaml` package composes recursively). */
function checkYamlNesting(tokens: readonly CST.Token[], lineCounter: LineCounter, file: string, maxDepth: number): void {
  const stack: Array<[CST.Token, number]> = tokens.map((token) => [token, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    let items: Item[] = [];
    let next = depth;
    if (token.type === 'document') items = [{ value: token.value }];
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      next = depth + 1;
      if (next > maxDepth) {
        const p = lineCounter.linePos(token.offset);
        throw new UserError({
          code: 'limit',
          message: `the YAML is nested more than ${maxDepth} levels deep`,
          location: { file, line: p.line, col: p.col },
          hint: 'flatten the structure; no firebook input needs this depth',
        });
      }
      items = token.items as Item[];
    }
    for (const it of items) {
      if (it.key && typeof it.key === 'object') stack.push([it.key, next]);
      if (it.value && typeof it.value === 'object') stack.push([it.value, next]);
    }
  }
}

/** `doc.toJS()` with an alias budget; an alias bomb becomes a `limit` UserError at the first alias. */
export function yamlToJs(doc: Document, file: string, lineCounter: LineCounter, opts: { maxAliasCount: number; mapAsMap?: boolean }): unknown {
  try {
    return doc.toJS(opts);
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    if (!(err instanceof ReferenceError) || !/alias/i.test(err.message)) {
      // The `yaml` package throws a plain Error for a few semantic faults found while building
      // values (a `<<` merge of a non-map): a YAML error, at the first merge key if any.
      let offset = 0;
      visit(doc, {
        Pair(_, pair) {
          if (isScalar(pair.key) && pair.key.value === '<<' && pair.key.range) {
            offset = pair.key.range[0];
            return visit.BREAK;
          }
        },
      });
      const p = lineCounter.linePos(offset);
      throw new UserError({ code: 'yaml-syntax', message: err.message, location: { file, line: p.line, col: p.col }, hint: 'fix the YAML (a << merge takes a mapping or an alias of one)' });
    }
    let offset = 0;
    visit(doc, {
      Alias(_, node) {
        if (isAlias(node) && node.range) offset = node.range[0];
        return visit.BREAK;
      },
    });
    const p = lineCounter.linePos(offset);
    throw new UserError({
      code: 'limit',
      message: `YAML aliases expand to too many nodes (over ${opts.maxAliasCount} alias expansions): a resource-exhaustion pattern`,
      location: { file, line: p.line, col: p.col },
      hint: 'write the values out, or use fewer nested aliases',
    });
  }
}
