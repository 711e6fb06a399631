/** Read-only steps (docs/commands.md "What the shell receives"): one reading into words, judged
 * at validate and again after filling, sent single-quoted; remediation holes where the shell
 * parses text again; the apply-mode plain-word rule; vars_by_input types. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkCommandTemplate, CommandSyntaxError, fillHole, stepHoleTypes, variableHoleTypes } from '../../src/command/index.js';
import type { PlaybookSpec } from '../../src/model/playbook.js';
import { prepareReadOnly, readOnlyProblems, renderReadOnly } from '../../src/command/read-only.js';

const ROOT = join(import.meta.dirname, '../..');

describe('what the shell receives', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['curl -v -k --connect-timeout 10 -m 20 https://{{h}} 2>&1 | grep -i "HTTP/"', { h: 'api-sse.cisco.com' }, "'curl' '-v' '-k' '--connect-timeout' '10' '-m' '20' 'https://api-sse.cisco.com' 2>&1 | 'grep' '-i' 'HTTP/'"],
    ["grep -c 'a b'{{x}} < /etc/hosts 2> /dev/null || echo 0", { x: "it's" }, "'grep' '-c' 'a bit'\\''s' <'/etc/hosts' 2>/dev/null || 'echo' '0'"],
    ['[ -f /etc/x ] && cat /etc/x ; uname -a >/dev/null', {}, "'[' '-f' '/etc/x' ']' && 'cat' '/etc/x' ; 'uname' '-a' >/dev/null"],
    ['ls {{v}}', { v: '=ls' }, "'ls' '=ls'"],
    ['ls {{v}}', { v: '*$(touch x)#' }, "'ls' '*$(touch x)#'"],
    ["find /var/log -name '*.log' -mtime -1", {}, "'find' '/var/log' '-name' '*.log' '-mtime' '-1'"],
  ])('%s', (template, values, line) => {
    expect(readOnlyProblems(template, 'root')).toEqual([]);
    expect(renderReadOnly(template, values, 'root')).toBe(line);
  });

  it('gives the argv it judged: the words of the line, one per quoted word', () => {
    expect(prepareReadOnly('sort -k 2 {{f}} | uniq -c', { f: 'a b' }, 'expert').argv).toEqual([['sort', '-k', '2', 'a b'], ['uniq', '-c']]);
  });

  it('reads a file: path as one word, its holes as paths', () => {
    expect(renderReadOnly('{{d}}/connector.properties', { d: '/ngfw/etc/sf' }, 'root', undefined, undefined, true)).toBe("'cat' '/ngfw/etc/sf/connector.properties'");
    expect(() => renderReadOnly('{{d}}', { d: '/etc/a b' }, 'root', undefined, undefined, true)).toThrow(/not a file path/);
    expect(readOnlyProblems('-n', 'root', undefined, true)[0].message).toMatch(/may not start with '-'/);
    expect(readOnlyProblems('/etc/hostname', 'cli', undefined, true)[0].message).toMatch(/needs level expert or root/);
  });

  it.each<[string, RegExp]>([
    ['cat a | ', /may not end with '\|'/],
    ['| cat a', /'\|' needs a command before it/],
    ['cat "a$b"', /'\$' inside double quotes/],
    ['cat a\\', /backslash/],
    ['cat a >& /tmp/x', /redirection/],
    ['cat a 1>&2', /writes a file/],
    ['cat a 2>/dev/nullx', /writes a file/],
    ['cat <<EOF', /here-documents/],
    ['cat <(id)', /process substitution/],
    ['cat ~/x', /tilde/],
    ['cat a;; cat b', /';;'/],
    ["printf '%d' 1", /printf conversion '%d'/],
    ['printf {{f}} x', /printf format must be written in the playbook/],
    ['test 1 -eq x', /must be a number/],
    ['[ -R x ]', /test -R is refused/],
    ['lsof +m /x', /lsof option '\+m'/],
    ['lsof -D b', /lsof option '-D'/],
    ['ss -K', /ss option '-K'/],
    ['ss --kill', /ss option '--kill'/],
    ['ss -N ns', /ss option '-N'/],
    ['curl --ur https://a.example', /curl option '--ur'/],
    ['curl -x socks5://p:1 https://a.example', /curl -x value 'socks5:\/\/p:1' must be an http/],
    ['curl --proxy=gopher://p https://a.example', /curl --proxy value/],
    ['curl -H @/etc/shadow https://a.example', /-H @file sends a file/],
    ['cat --max-count={{n}} a', /inside an option word/],
    ['find . -{{p}}', /inside an option word/],
  ])('refuses %s', (template, message) => {
    expect(readOnlyProblems(template, 'root')[0]?.message).toMatch(message);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['curl -s {{u}}', { u: 'file:///etc/shadow' }, /curl URL operand '\{\{u\}\}' must be an http/],
    ['curl -s --url {{u}}', { u: 'gopher://127.0.0.1:6379/_FLUSHALL' }, /curl --url value '\{\{u\}\}'/],
    ['curl -s -x {{u}} https://a.example', { u: 'dict://x' }, /curl -x value/],
    ['curl -s https://{{h}}', { h: 'a b' }, /curl URL operand/],
    ['curl -H {{h}} https://a.example', { h: '@/etc/shadow' }, /-H @file/],
    ['test {{n}} -gt 1', { n: 'a[$(id)]' }, /must be a number/],
    ['ls {{v}}', { v: '-la' }, /starts with '-'/],
  ])('judges %s again after filling (the hole named, never the value)', (template, values, message) => {
    expect(readOnlyProblems(template, 'root')).toEqual([]);
    let error: Error | undefined;
    try {
      renderReadOnly(template, values, 'root');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    for (const v of Object.values(values)) expect(error?.message).not.toContain(String(v));
  });

  it('keeps CLISH as it was: plain values, the verb list', () => {
    expect(renderReadOnly('show {{x}}', { x: 'network' }, 'cli')).toBe('show network');
    expect(() => renderReadOnly('show {{x}}', { x: 'a b' }, 'cli')).toThrow(/FTD CLI cannot take/);
    expect(() => renderReadOnly('configure {{x}}', { x: 'a' }, 'cli')).toThrow(/not a read-only CLI command/);
  });
});

describe('remediations: no hole where the shell parses text again', () => {
  it.each([
    ['echo $(cat {{x}})', '$('],
    ['echo $(cat "a" {{x}})', '$('],
    ['echo `cat {{x}}`', '$('],
    ['echo $(( {{x}} + 1 ))', '$('],
    ['(( n = {{x}} ))', '$('],
    ['diff <(cat {{x}}) b', '$('],
    ['sh -c {{x}}', 'sh -c'],
    ['bash -xc {{x}}', 'bash -c'],
    ['sudo /bin/bash -c {{x}}', 'bash -c'],
    ['su - root -c {{x}}', 'su -c'],
    ['eval {{x}}', 'eval'],
    ['source {{x}}', 'source'],
    ['. {{x}}', '.'],
    ['xargs -n1 {{x}}', 'xargs'],
    ['ssh host {{x}}', 'ssh'],
    ['let n={{x}}', 'let'],
    ['test -v {{x}}', 'test -v'],
    ['[ -v {{x}} ]', 'test -v'],
    ['[[ {{x}} -eq 1 ]]', '[[ arithmetic'],
    ['declare -i n={{x}}', 'declare -i'],
  ])('%s', (template, what) => {
    let err: unknown;
    try {
      checkCommandTemplate(template, 'root');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CommandSyntaxError);
    expect((err as Error).message).toMatch(/where the shell parses text again/);
    expect((err as Error).message).toContain(what === '$(' ? 'inside $(…)' : `as the text of ${what}`);
  });

  it.each(['configure network dns servers {{x}}', 'pmtool restartbyid {{x}}', 'sh -c "exit 1" {{x}}', 'grep ssh {{x}}', 'echo a#b {{x}}'])('accepts %s', (template) => {
    expect(() => checkCommandTemplate(template, template.startsWith('configure') ? 'cli' : 'root')).not.toThrow();
  });

  it('refuses what would leave the shell waiting for more lines', () => {
    expect(() => checkCommandTemplate("echo {{x}} 'unclosed", 'root')).toThrow(/unterminated quote/);
    expect(() => checkCommandTemplate('cat <<EOF', 'root')).toThrow(/here-documents/);
  });

  it('refuses an unquoted # starting a word at POSIX levels', () => {
    expect(() => checkCommandTemplate('echo {{x}} #c', 'root')).toThrow(/'#' starting a word comments out/);
    expect(() => checkCommandTemplate("echo '#' {{x}}", 'root')).not.toThrow();
  });

  it('quotes a value zsh would expand: a leading = and ^', () => {
    expect(fillHole('=ls', 'value', 'root', 'x')).toBe("'=ls'");
    expect(fillHole('^x', 'value', 'root', 'x')).toBe("'^x'");
    expect(fillHole('a=b', 'value', 'root', 'x')).toBe('a=b');
  });
});

describe('vars_by_input variables have the type of their choices', () => {
  const spec = parse(readFileSync(join(ROOT, 'playbooks/securex.yml'), 'utf8')) as PlaybookSpec;
  it('sse_endpoints is a url-list, its loop item a url; sse_api_host a hostname', () => {
    expect(variableHoleTypes(spec)('sse_endpoints')).toBe('url-list');
    expect(stepHoleTypes(spec, { loop: 'sse_endpoints' })('item')).toBe('url');
    expect(variableHoleTypes(spec)('sse_api_host')).toBe('hostname');
  });
});
