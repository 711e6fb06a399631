import { describe, expect, it } from 'vitest';
import { renderCommand, renderText, TemplateError, templateVariables } from '../../src/checks/index.js';

const HOSTILE = ['; rm -rf /', '$(reboot)', '`reboot`', 'a\nreboot', "x' ; reboot; '", '| nc evil 1', '&& halt', '> /etc/passwd'];

describe('renderCommand at cli level', () => {
  it('renders plain values and comma-joined lists', () => {
    const ctx = { vars: { dns: ['10.1.1.11', '10.1.1.12'], fqdn: 'api-sse.cisco.com', port: 8989 } };
    expect(renderCommand('configure network dns servers {{vars.dns}}', ctx, 'cli')).toBe('configure network dns servers 10.1.1.11,10.1.1.12');
    expect(renderCommand('configure network dns servers {{join vars.dns ","}}', ctx, 'cli')).toBe('configure network dns servers 10.1.1.11,10.1.1.12');
    expect(renderCommand('x {{vars.fqdn}}:{{vars.port}}', ctx, 'cli')).toBe('x api-sse.cisco.com:8989');
  });

  it.each(HOSTILE)('refuses %j (CLISH has no quoting)', (value) => {
    expect(() => renderCommand('configure network dns servers {{vars.dns}}', { vars: { dns: value } }, 'cli')).toThrow(TemplateError);
    expect(() => renderCommand('configure network dns servers {{vars.dns}}', { vars: { dns: ['10.0.0.1', value] } }, 'cli')).toThrow(TemplateError);
    expect(() => renderCommand('configure network dns servers {{join vars.dns " "}}', { vars: { dns: ['10.0.0.1', value] } }, 'cli')).toThrow(TemplateError);
  });

  it('names the variable and its position, not the value', () => {
    try {
      renderCommand('show network\nconfigure network dns servers {{vars.dns}}', { vars: { dns: 's3cret; reboot' } }, 'cli');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      const err = e as TemplateError;
      expect(err.message).toMatch(/vars\.dns contains characters/);
      expect(err.message).not.toMatch(/s3cret/);
      expect([err.line, err.col]).toEqual([2, 33]); // the variable name, inside the braces
    }
  });

  it('quote helper is refused at cli level', () => {
    expect(() => renderCommand('x {{quote vars.a}}', { vars: { a: 'b' } }, 'cli')).toThrow(/no quoting/);
  });
});

describe('renderCommand at expert/root level', () => {
  it.each(HOSTILE.filter((v) => !v.includes('\n')))('single-quotes %j', (value) => {
    const out = renderCommand('nslookup {{vars.host}}', { vars: { host: value } }, 'root');
    expect(out).toBe(`nslookup '${value.replace(/'/g, `'\\''`)}'`);
  });

  it('leaves plain values unquoted and quotes list elements one by one', () => {
    const ctx = { vars: { url: 'https://api-sse.cisco.com', files: ['/a b', '/c'] }, item: 'https://est.sco.cisco.com' };
    expect(renderCommand('curl -v {{vars.url}} {{item}}', ctx, 'expert')).toBe('curl -v https://api-sse.cisco.com https://est.sco.cisco.com');
    expect(renderCommand('ls {{join vars.files " "}}', ctx, 'root')).toBe("ls '/a b' /c");
    expect(renderCommand('ls {{vars.files}}', ctx, 'root')).toBe("ls '/a b',/c");
    expect(renderCommand('{{#each vars.files}}[{{this}}]{{/each}}', ctx, 'root')).toBe("['/a b'][/c]");
    expect(renderCommand('echo {{quote vars.url}}', ctx, 'root')).toBe("echo 'https://api-sse.cisco.com'");
  });

  it('refuses control characters even quoted (the PTY would submit at the newline)', () => {
    expect(() => renderCommand('nslookup {{vars.h}}', { vars: { h: 'a\nreboot' } }, 'root')).toThrow(/control character/);
    expect(() => renderCommand('nslookup {{quote vars.h}}', { vars: { h: 'a\rb' } }, 'root')).toThrow(/control character/);
  });
});

describe('strictness and safety', () => {
  it('a missing variable is an error with its position', () => {
    try {
      renderCommand('curl\n  {{vars.nope}}', { vars: {} }, 'root');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as TemplateError).line).toBe(2);
      expect((e as TemplateError).message).toMatch(/"nope" not defined/);
    }
  });

  it('syntax errors carry line and column', () => {
    try {
      renderText('ok\n{{foo bar}', {});
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as TemplateError).line).toBe(2);
    }
  });

  it('no prototype access, no HTML escaping', () => {
    expect(() => renderText('{{vars.constructor}}', { vars: {} })).toThrow(TemplateError);
    expect(() => renderText('{{vars.__proto__}}', { vars: {} })).toThrow(TemplateError);
    expect(renderText('{{a}}', { a: '<b>&"' })).toBe('<b>&"');
  });

  it('text lists read naturally', () => {
    expect(renderText('DNS: {{s}} / {{e}}', { s: ['1.1.1.1', '8.8.8.8'], e: [] })).toBe('DNS: 1.1.1.1, 8.8.8.8 / (none)');
  });
});

describe('templateVariables', () => {
  it.each<[string, string[]]>([
    ['curl -v https://{{vars.fqdn}}/{{item}}', ['vars.fqdn']],
    ['{{join vars.dns ","}} {{quote facts.hostname}}', ['vars.dns', 'facts.hostname']],
    ['{{#each vars.files as |f|}}{{f}} {{this}} {{name}} {{../vars.sep}}{{@index}}{{/each}}', ['vars.files', 'vars.sep']],
    ['{{#if vars.proxy}}{{vars.proxy}}{{else}}none{{/if}}', ['vars.proxy']],
    ['{{#with vars.obj}}{{inner}}{{/with}} {{@root.facts.version}}', ['vars.obj', 'facts.version']],
    ['{{lookup vars.map item}} {{join (lookup vars.lists "a") ","}}', ['vars.map', 'vars.lists']],
    ['{{steps.network.fields.dns_servers}} {{vars.a}} {{vars.a}}', ['steps.network.fields.dns_servers', 'vars.a']],
    ['{{item.name}} {{item}} {{vars.b}}', ['vars.b']],
  ])('%s', (template, vars) => {
    expect(templateVariables(template)).toEqual(vars);
  });

  it('syntax errors throw TemplateError', () => {
    expect(() => templateVariables('{{#if x}}')).toThrow(TemplateError);
  });
});

describe('no way around the sanitiser', () => {
  it.each([
    ['triple-stash', '{{{vars.x}}}'],
    ['lookup', '{{lookup vars "x"}}'],
    ['with/this', '{{#with vars.x}}{{this}}{{/with}}'],
    ['each over a list', '{{#each vars.list}}{{this}} {{/each}}'],
    ['loop item', 'configure network dns servers {{item}}'],
    ['join with a variable separator', '{{join vars.list vars.x}}'],
    ['a property of the wrapper', '{{vars.x.raw}}'],
  ])('%s at cli level refuses a hostile value', (_n, template) => {
    const ctx = { vars: { x: '$(reboot)', list: ['ok', '; reboot'] }, item: '`reboot`' };
    expect(() => renderCommand(template, ctx, 'cli')).toThrow(TemplateError);
  });

  it('iterating a string value prints nothing of it', () => {
    const out = renderCommand('x{{#each vars.x}}{{this}}{{/each}}', { vars: { x: '$(reboot)' } }, 'cli');
    expect(out).toBe('x');
    // `lookup` is not strict: an unknown property renders empty, never the raw value.
    expect(renderCommand('x{{lookup vars.x "raw"}}', { vars: { x: '$(reboot)' } }, 'cli')).toBe('x');
  });

  it('@key prints object keys, so they are checked too', () => {
    expect(renderCommand('{{#each vars.m}}{{@key}}={{this}} {{/each}}', { vars: { m: { a: 1 } } }, 'cli')).toBe('a=1 ');
    expect(() => renderCommand('{{#each vars.m}}{{@key}} {{/each}}', { vars: { m: { 'a;reboot': 1 } } }, 'root')).toThrow(TemplateError);
  });

  it('triple-stash and each at root level are quoted', () => {
    const ctx = { vars: { x: '$(reboot)', list: ['ok', '; reboot'] } };
    expect(renderCommand('echo {{{vars.x}}}', ctx, 'root')).toBe("echo '$(reboot)'");
    expect(renderCommand('{{#each vars.list}}{{this}} {{/each}}', ctx, 'root')).toBe("ok '; reboot' ");
  });
});

describe('lenient message rendering', () => {
  it('fills missing variables with (unknown) and renders both languages', async () => {
    const { renderLocalized, renderTextLenient } = await import('../../src/checks/index.js');
    expect(renderTextLenient('servers: {{steps.network.fields.dns_servers}}', { steps: {} })).toBe('servers: (unknown)');
    expect(renderLocalized({ en: 'a {{x}}', ja: 'あ {{x}}' }, { x: 1 })).toEqual({ en: 'a 1', ja: 'あ 1' });
    expect(renderTextLenient('{{#if}}', {})).toBe('{{#if}}');
  });
});

describe('option injection', () => {
  it.each(['cli', 'expert', 'root'] as const)('a value starting with - is refused at %s', (level) => {
    expect(() => renderCommand('nslookup {{h}}', { h: '-debug' }, level)).toThrow(/starts with '-'/);
    expect(() => renderCommand('curl {{#each u}}{{this}} {{/each}}', { u: ['https://a.example', '-o/etc/passwd'] }, level)).toThrow(/starts with '-'/);
  });
  it('a dash inside a value is fine', () => {
    expect(renderCommand('nslookup {{h}}', { h: 'api-sse.cisco.com' }, 'root')).toBe('nslookup api-sse.cisco.com');
  });
});
