/** YAML parsing that remembers where every node stands, so errors can name file:line:col. */
import { isMap, isPair, isScalar, isSeq, visit, type Node } from 'yaml';
import { UserError, type UserIssue } from '../model/errors.js';
import type { SourceLocation } from '../model/playbook.js';
import { parseYamlDocument, yamlToJs } from '../io/input-limits.js';

export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** Where the node at a JSON pointer stands; with `key: true`, where its key stands. Falls
   * back to the nearest existing ancestor. With `offset`, where that character of a string
   * value stands (when the scalar is written on one line without escapes; else its start). */
  locate(pointer: string, opts?: { key?: boolean; offset?: number }): SourceLocation;
}

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Parses YAML text; syntax errors (incl. duplicate keys) and input limits (nesting, aliases:
 * model/input-limits.ts) become UserErrors with positions. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const { doc, lineCounter } = parseYamlDocument(text, file, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues: UserIssue[] = doc.errors.map((e) => {
      const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
      const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return { code: 'yaml-syntax', message: first, location: { file, line: pos.line, col: pos.col }, hint: 'fix the YAML syntax (indentation, quoting, duplicate keys)' };
    });
    throw new UserError(issues);
  }
  const at = (offset: number): SourceLocation => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  // A `!vault` value here would otherwise be used as its ciphertext (e.g. sent as a password).
  const vaulted: UserIssue[] = [];
  if (text.includes('!vault')) {
    visit(doc, {
      Node(_key, node) {
        if ((node as Node).tag === '!vault') {
          vaulted.push({ code: 'vault', message: 'an Ansible Vault value cannot be used here', location: at((node as Node).range?.[0] ?? 0), hint: 'put vaulted values in the inventory (group_vars/, host_vars/) or an -e @file, with --vault-password-file' });
        }
      },
    });
  }
  if (vaulted.length > 0) throw new UserError(vaulted);
  /** The text offset of character `index` of a scalar's value, when its source maps 1:1. */
  const inScalar = (node: unknown, index: number): number | undefined => {
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
    const raw = text.slice(node.range[0], node.range[1]);
    const value = node.value;
    if (raw === value) return node.range[0] + index;
    if ((raw === `"${value}"` && !value.includes('\\')) || raw === `'${value}'`) return node.range[0] + 1 + index;
    return undefined;
  };
  const locate = (pointer: string, opts: { key?: boolean; offset?: number } = {}): SourceLocation => {
    const segs = pointer.split('/').slice(1).map(unescapePointer).filter((s, i, a) => !(s === '' && a.length === 1));
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    for (const seg of segs) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)];
        if (item === undefined) break;
        keyNode = undefined;
        node = item;
      } else break;
    }
    const target = (opts.key && keyNode) || (node as Node | null) || keyNode;
    const inside = opts.offset !== undefined && !opts.key ? inScalar(node, opts.offset) : undefined;
    const offset = inside ?? (target && (target as Node).range ? (target as Node).range![0] : 0);
    return at(offset);
  };
  return { file, value: yamlToJs(doc, file, lineCounter, { maxAliasCount: 100 }), locate };
}
