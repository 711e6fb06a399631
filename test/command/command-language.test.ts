/** The command language (docs/commands.md): plain holes only, typed values, one gate per level. */
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/command/index.js';
import { checkCommandTemplate, CommandSyntaxError, commandVariables, fillHole, inferHoleType, parseCommandTemplate, renderCommand, stepHoleTypes, type HoleType } from '../../src/command/index.js';
import type { Level, PlaybookSpec } from '../../src/model/playbook.js';

/** The syntax error of a template: [message pattern, column]. */
function syntaxError(template: string, level: Level = 'root'): { message: string; line?: number; col?: number; offset: number } {
  try {
    checkCommandTemplate(template, level);
  } catch (e) {
    expect(e).toBeInstanceOf(CommandSyntaxError);
    const err = e as CommandSyntaxError;
    return { message: err.message, line: err.line, col: err.col, offset: err.offset };
  }
  throw new Error(`accepted: ${template}`);
}

describe('parsing: literal text and holes', () => {
  it.each<[string, string[]]>([
    ['show network', []],
    ['curl -v -k https://{{sse_api_host}}', ['sse_api_host']],
    ['curl --cacert {{ connector_ca }} {{item}}', ['connector_ca', 'item']],
    ['configure network dns servers {{captured.before.dns_servers}}', ['captured.before.dns_servers']],
    ['echo model={{checks.cli-only.version}} {{vars.a}} {{vars.a}}', ['checks.cli-only.version', 'vars.a']],
    ["awk '{print $1}' }} x", []],
  ])('%s', (template, vars) => {
    expect(commandVariables(template)).toEqual(vars);
  });

  it('keeps the literal text and the hole positions', () => {
    const t = parseCommandTemplate('nslookup {{h}} x');
    expect(t.parts.map((p) => (p.kind === 'text' ? p.text : `<${p.hole.path}>`))).toEqual(['nslookup ', '<h>', ' x']);
    expect(t.holes[0]).toMatchObject({ offset: 9, line: 1, col: 10 });
  });
});

describe('everything but a plain hole is refused, with its position', () => {
  it.each<[string, string, RegExp, number]>([
    ['the exploit: #each with block params', 'echo {{#each vars.m as |v k|}}{{k}}{{/each}}', /block helper '\{\{#each' .*loop:/, 6],
    ['#if', 'curl {{#if x}} https://example', /block helper '\{\{#if'/, 6],
    ['closing tag', 'a {{/each}}', /block syntax/, 3],
    ['inverse', 'a {{^x}}b{{/x}}', /block syntax/, 3],
    ['else', 'a {{else}}', /block syntax/, 3],
    ['partial', 'show {{> evil}}', /partials/, 6],
    ['comment', 'show {{! hi }}', /comments/, 6],
    ['triple braces', 'echo {{{vars.x}}}', /triple braces/, 6],
    ['unescaped &', 'echo {{& vars.x}}', /unescaped/, 6],
    ['whitespace control', 'echo {{~x}}', /whitespace control/, 6],
    ['@key', 'echo {{@key}}', /data variable/, 6],
    ['@root', 'echo {{@root.vars.x}}', /data variable/, 6],
    ['this', 'echo {{this}}', /loop:/, 6],
    ['parent path', 'echo {{../x}}', /loop:/, 6],
    ['helper call', 'echo {{join vars.dns ","}}', /helper call/, 6],
    ['lookup', 'echo {{lookup vars "x"}}', /helper call/, 6],
    ['sub-expression', 'echo {{(lookup vars "x")}}', /sub-expressions/, 6],
    ['block params alone', 'echo {{x as |y|}}', /block parameters/, 6],
    ['segment literal', 'echo {{vars.[a b]}}', /not a variable path/, 6],
    ['prototype', 'echo {{vars.__proto__}}', /cannot be used/, 6],
    ['empty', 'echo {{ }}', /empty/, 6],
    ['unclosed', 'echo {{x', /unclosed/, 6],
    ['newline', 'show network\nexpert', /one line/, 13],
    ['hole in single quotes', "grep '{{x}}' /etc/hosts", /inside quotes/, 7],
    ['hole in double quotes', 'grep "a {{x}}" /etc/hosts', /inside quotes/, 9],
    ['hole after $', 'echo ${{x}}', /after '\$'/, 7],
    ['hole after backslash', 'echo \\{{x}}', /after '\\'/, 7],
    ['hole after an escaped backslash and $', 'echo \\\\${{x}}', /after '\$'/, 9],
  ])('%s', (_name, template, message, col) => {
    const err = syntaxError(template);
    expect(err.message).toMatch(message);
    expect(err.col).toBe(col);
    expect(err.offset).toBe(col - 1 + (template.slice(0, col - 1).lastIndexOf('\n') + 1));
  });

  it('a hole is fine next to literal text and outside quotes', () => {
    expect(() => checkCommandTemplate("curl -H 'X: 1' https://{{h}}/x", 'root')).not.toThrow();
    expect(() => checkCommandTemplate('configure network dns servers {{dns_servers}}', 'cli')).not.toThrow();
    expect(() => checkCommandTemplate('echo \\${{x}}', 'root')).not.toThrow(); // `\$` is a literal dollar
  });
});

describe('holes have types', () => {
  const spec = {
    name: 't',
    inputs: { dns_servers: { type: 'ip-list' }, port: { type: 'port' } },
    vars: { sse_api_host: 'api-sse.cisco.com', sse_endpoints: ['https://a.example', 'https://b.example'], n: 3, mode: 'fast', note: 'two words' },
    platform_vars: { ftd: { connector_log: '/ngfw/var/log/connector/connector.log' }, fmc: { connector_log: '/var/log/connector/connector.log' } },
    checks: [],
  } as unknown as PlaybookSpec;

  it.each<[string, HoleType, ({ loop?: string } | undefined)?]>([
    ['dns_servers', 'ip-list'],
    ['vars.dns_servers', 'ip-list'],
    ['port', 'port'],
    ['sse_api_host', 'hostname'],
    ['connector_log', 'path'],
    ['sse_endpoints', 'url-list'],
    ['item', 'url', { loop: 'sse_endpoints' }],
    ['item', 'ip', { loop: '{{dns_servers}}' }],
    ['n', 'integer'],
    ['mode', 'word'],
    ['note', 'string'],
    ['site', 'value'],
    ['facts.version', 'value'],
    ['captured.before.dns_servers', 'value'],
  ])('%s → %s', (path, type, step) => {
    expect(stepHoleTypes(spec, step)(path)).toBe(type);
  });

  it.each<[unknown, HoleType]>([
    ['192.0.2.1', 'ip'], ['2001:db8::1', 'ip'], ['https://x.example/a', 'url'], ['/etc/x', 'path'], ['a.example', 'hostname'],
    ['word', 'word'], ['two words', 'string'], [8989, 'integer'], [-1, 'value'], [1.5, 'value'], [true, 'value'], [{ a: 1 }, 'value'],
    [['192.0.2.1', '192.0.2.2'], 'ip-list'], [['a.example', '192.0.2.1'], 'value'], [[], 'value'],
  ])('inferred from %j: %s', (value, type) => expect(inferHoleType(value)).toBe(type));
});

describe('the gate: type, then the level quoting rule', () => {
  it.each<[unknown, HoleType, Level, string]>([
    [['10.1.1.11', '10.1.1.12'], 'ip-list', 'cli', '10.1.1.11,10.1.1.12'],
    ['10.1.1.11, 10.1.1.12', 'ip-list', 'cli', '10.1.1.11,10.1.1.12'],
    [8989, 'port', 'cli', '8989'],
    ['8989', 'integer', 'root', '8989'],
    ['api-sse.cisco.com', 'hostname', 'root', 'api-sse.cisco.com'],
    ['/ngfw/etc/sf/connector.properties', 'path', 'root', '/ngfw/etc/sf/connector.properties'],
    ['https://est.sco.cisco.com', 'url', 'root', 'https://est.sco.cisco.com'],
    ['https://x.example/a?b=1&c=2', 'url', 'root', "'https://x.example/a?b=1&c=2'"],
    ['two words', 'string', 'expert', "'two words'"],
    ["it's", 'value', 'root', `'it'\\''s'`],
    [['/a b', '/c'], 'value', 'root', "'/a b,/c'"],
    [['a', 'b'], 'value', 'root', "'a,b'"], // a comma is quoted: no brace expansion
    [true, 'value', 'cli', 'true'],
  ])('%j as %s at %s → %s', (value, type, level, out) => {
    expect(fillHole(value, type, level, 'x')).toBe(out);
  });

  const HOSTILE = ['; rm -rf /', '$(reboot)', '`reboot`', "x' ; reboot; '", '| nc evil 1', '&& halt', '> /etc/passwd', 'a b'];
  it.each(HOSTILE)('CLISH has no quoting: %j is refused', (value) => {
    expect(() => fillHole(value, 'value', 'cli', 'vars.dns')).toThrow(/vars\.dns contains characters the FTD CLI cannot take/);
    expect(() => fillHole(['10.0.0.1', value], 'value', 'cli', 'vars.dns')).toThrow(TemplateError);
  });
  it.each(HOSTILE)('POSIX shells single-quote %j', (value) => {
    expect(fillHole(value, 'value', 'root', 'h')).toBe(`'${value.replace(/'/g, `'\\''`)}'`);
  });

  it.each<[unknown, HoleType, Level, RegExp]>([
    ['not-an-ip', 'ip', 'cli', /x is not an IPv4 or IPv6 address/],
    [['192.0.2.1', 'nope'], 'ip-list', 'cli', /x item 2 is not an IPv4/],
    ['a;b', 'hostname', 'root', /not a host name/],
    ['/etc/x y', 'path', 'root', /not a file path/],
    ['file:///etc/shadow', 'url', 'root', /not an http:\/\/ or https:\/\/ URL/],
    ['70000', 'port', 'cli', /not a port number/],
    [1.5, 'integer', 'cli', /not a whole number/],
    [-1, 'value', 'root', /starts with '-'/], // numbers pass the same gate
    ['-o/etc/passwd', 'value', 'root', /starts with '-'/],
    [['https://a.example', '-o/etc/passwd'], 'value', 'expert', /item 2 starts with '-'/],
    ['a\nreboot', 'value', 'root', /control character/],
    ['a\rb', 'string', 'expert', /control character/],
    ['', 'value', 'root', /is empty/],
    [[], 'ip-list', 'cli', /is empty/],
    [null, 'value', 'cli', /has no value/],
    [{ 'a;reboot': 1 }, 'value', 'root', /is a mapping/],
    [[{ 'a;reboot': 1 }], 'value', 'root', /is a mapping/],
    [['a'], 'ip', 'cli', /is a list; expected an IPv4/],
    [Number.NaN, 'value', 'cli', /not a finite number/],
  ])('%j as %s at %s is refused', (value, type, level, message) => {
    expect(() => fillHole(value, type, level, 'x')).toThrow(message);
  });

  it('never repeats the value in the error (it may be a secret)', () => {
    try {
      fillHole('s3cret; reboot', 'value', 'cli', 'vars.dns');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toMatch(/s3cret/);
    }
  });
});

describe('renderCommand', () => {
  it('fills holes through the gate with the types given', () => {
    const types = (p: string): HoleType => (p === 'dns_servers' ? 'ip-list' : 'value');
    expect(renderCommand('configure network dns servers {{dns_servers}}', { dns_servers: ['192.0.2.1', '192.0.2.2'] }, 'cli', types)).toBe('configure network dns servers 192.0.2.1,192.0.2.2');
    expect(() => renderCommand('configure network dns servers {{dns_servers}}', { dns_servers: ['x.example'] }, 'cli', types)).toThrow(/not an IPv4/);
    expect(renderCommand('curl -v {{vars.url}} {{item}}', { vars: { url: 'https://a.example' }, item: 'https://b.example' }, 'expert')).toBe('curl -v https://a.example https://b.example');
  });

  it('a missing variable is an error with its position', () => {
    try {
      renderCommand('curl   {{vars.nope}}', { vars: {} }, 'root');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as TemplateError).col).toBe(8);
      expect((e as TemplateError).message).toMatch(/"vars\.nope" not defined/);
    }
  });

  it('reads only own properties (no prototype access)', () => {
    expect(() => renderCommand('echo {{vars.toString}}', { vars: {} }, 'root')).toThrow(/not defined/);
  });

  it('an object key never reaches a command: mappings are refused, not iterated', () => {
    const ctx = { vars: { m: { 'a;reboot': 1 } } };
    expect(() => renderCommand('echo {{vars.m}}', ctx, 'root')).toThrow(/is a mapping/);
    expect(() => renderCommand('echo {{#each vars.m as |v k|}}{{k}}{{/each}}', ctx, 'root')).toThrow(CommandSyntaxError);
  });
});
