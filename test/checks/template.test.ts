import { describe, expect, it } from 'vitest';
/** Message templates (diagnoses, skip reasons): Handlebars. Commands: command-language.test.ts. */
import { renderText, templateVariables } from '../../src/checks/index.js';
import { TemplateError } from '../../src/command/index.js';

describe('strictness and safety', () => {
  it('a missing variable is an error with its position', () => {
    try {
      renderText('curl\n  {{vars.nope}}', { vars: {} });
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
    ['{{join vars.dns ","}} {{facts.hostname}}', ['vars.dns', 'facts.hostname']],
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

describe('lenient message rendering', () => {
  it('fills missing variables with (unknown) and renders both languages', async () => {
    const { renderLocalized, renderTextLenient } = await import('../../src/checks/index.js');
    expect(renderTextLenient('servers: {{steps.network.fields.dns_servers}}', { steps: {} })).toBe('servers: (unknown)');
    expect(renderLocalized({ en: 'a {{x}}', ja: 'あ {{x}}' }, { x: 1 })).toEqual({ en: 'a 1', ja: 'あ 1' });
    expect(renderTextLenient('{{#if}}', {})).toBe('{{#if}}');
  });
});

