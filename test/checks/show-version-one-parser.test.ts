/** One parser for `show version` and `/etc/sf/sf-version` (issue 18): the facts gathered at login
 * (transport/facts.ts) and the fields of a check (checks/parsers/show-version.ts) read the same
 * text the same way, with one platform rule (docs/devices.md "show version"). */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getParser } from '../../src/checks/index.js';
import { parseSfVersion, parseShowVersion, platformFromModel } from '../../src/transport/facts.js';
import { layout } from './load-fixture.js';

const check = (parser: 'show-version' | 'sf-version', text: string) => getParser(parser)!(text, 0).fields;

/** What login sees: the facts and the platform named by their model. */
function atLogin(parser: 'show-version' | 'sf-version', text: string) {
  const facts = parser === 'show-version' ? parseShowVersion(text) : parseSfVersion(text);
  return { ...facts, platform: facts.model !== undefined ? platformFromModel(facts.model) : undefined };
}

/** What a check sees, reduced to the same keys. */
function inCheck(parser: 'show-version' | 'sf-version', text: string) {
  const f = check(parser, text);
  const pick = (k: string) => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
  return { hostname: pick('hostname'), model: pick('model'), version: pick('version'), build: pick('build'), platform: pick('platform') };
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

// Model strings as devices print them (docs/devices.md "Banners", "show version"; unicon
// fp2k/fp4k mock data; Greenbone NASL) and the 7.x hardware names.
const MODELS: Array<[string, 'ftd' | 'fmc']> = [
  ['Cisco Firepower Threat Defense for VMWare', 'ftd'],
  ['Cisco Secure Firewall Threat Defense for KVM', 'ftd'],
  ['Cisco ASA5516-X Threat Defense', 'ftd'],
  ['Cisco ASA5508-X Threat Defense', 'ftd'],
  ['Cisco Firepower 2110 Threat Defense', 'ftd'],
  ['Cisco Firepower 4145 Threat Defense', 'ftd'],
  ['Cisco Secure Firewall 3110 Threat Defense', 'ftd'],
  ['Cisco Firepower Management Center for VMWare', 'fmc'],
  ['Cisco Secure Firewall Management Center for VMware', 'fmc'],
  ['Cisco Firepower Management Center 2600', 'fmc'],
];

describe('the same model string gives the same platform at login and in a check', () => {
  it.each(MODELS)('show version: %s → %s', (model, platform) => {
    const text = `-------------------[ fw01 ]--------------------\nModel                     : ${model} (75) Version 7.2.4 (Build 165)\nUUID                      : 204173a0-82ca-11f0-84a9-f2dbe0d05857\n`;
    expect(atLogin('show-version', text)).toEqual({ hostname: 'fw01', model, version: '7.2.4', build: '165', platform });
    expect(defined(inCheck('show-version', text))).toEqual(atLogin('show-version', text));
  });

  it.each(MODELS)('sf-version: %s → %s', (model, platform) => {
    const text = `${model} v7.2.4 (build 165)\nCisco Fire Linux OS v7.2.4 (build 2)\n`;
    expect(atLogin('sf-version', text)).toEqual({ model, version: '7.2.4', build: '165', platform });
    expect(defined(inCheck('sf-version', text))).toEqual(atLogin('sf-version', text));
  });

  const fixtures = readdirSync(new URL('./fixtures/', import.meta.url)).filter((f) => /^(show|sf)-version-/.test(f));
  it.each(fixtures)('recorded %s', (file) => {
    const parser = file.startsWith('sf-') ? 'sf-version' : 'show-version';
    const text = layout(file);
    const login = atLogin(parser, text);
    expect(login.platform).toMatch(/^(ftd|fmc)$/);
    expect(defined(inCheck(parser, text))).toEqual(login);
  });
});

describe('texts the two parsers read differently before issue 18 (regressions)', () => {
  it('sf-version with the Fire Linux OS line first: login read "Cisco Fire Linux OS" build 2 and no platform', () => {
    const text = 'Cisco Fire Linux OS v6.4.0 (build 2)\nCisco Firepower Management Center for VMWare v6.4.0 (build 102)\n';
    expect(atLogin('sf-version', text)).toEqual({ model: 'Cisco Firepower Management Center for VMWare', version: '6.4.0', build: '102', platform: 'fmc' });
    expect(defined(inCheck('sf-version', text))).toEqual(atLogin('sf-version', text));
  });

  it('an abbreviation is not a product name: "FMC"/"FTD" alone name no platform on either path', () => {
    for (const model of ['Cisco FMC Lab Appliance', 'Cisco ASA 5508-X with FTD image']) {
      const text = `Model                     : ${model} (75) Version 7.0.1 (Build 84)\n`;
      expect(atLogin('show-version', text).platform).toBeUndefined();
      expect(check('show-version', text).platform).toBeUndefined();
    }
  });

  it('a lower-case "(build N)" in show version is read on both paths', () => {
    const text = 'Model                     : Cisco Secure Firewall Threat Defense for KVM (75) Version 7.1.0 (build 90)\n';
    expect(atLogin('show-version', text)).toEqual({ model: 'Cisco Secure Firewall Threat Defense for KVM', version: '7.1.0', build: '90', platform: 'ftd' });
    expect(defined(inCheck('show-version', text))).toEqual(atLogin('show-version', text));
  });

  it('login facts of a text that is not show version: none (as in a check, which reports the error)', () => {
    expect(parseShowVersion('Syntax error: Illegal parameter')).toEqual({});
    expect(getParser('show-version')!('Syntax error: Illegal parameter', 0).error).toBeDefined();
  });
});
