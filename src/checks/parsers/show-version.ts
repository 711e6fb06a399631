/**
 * CLISH `show version` (FTD and FMC share the boxed header) and the FMC file
 * `/etc/sf/sf-version` (docs/devices.md "show version": naming across releases, LSP vs Rules).
 */
import type { Fields } from '../../model/result.js';
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, unrecognised } from './common.js';

const NAME_HEADER = /^\s*-{3,}\s*\[\s*(.*?)\s*\]\s*-{3,}\s*$/;
const KEY_LINE = /^\s*([A-Za-z][A-Za-z0-9 ]*?)\s*:\s+(.*?)\s*$/;
// `Cisco Firepower Threat Defense for VMWare (75) Version 6.5.0 (Build 115)`; the version regex
// is the one the Greenbone NASL uses for FTD and FMC alike (docs/devices.md "show version").
const MODEL_VALUE = /^(.*?)\s*(?:\((\d+)\)\s*)?Version\s+([0-9][0-9.]*)\s*\(Build\s+(\d+)\)/i;
const LINA_VERSION = /Cisco Adaptive Security Appliance Software Version\s+(\S+)/;

/** Platform implied by a model string: FMC says "Management Center", FTD "Threat Defense". */
export function platformOfModel(model: string): 'ftd' | 'fmc' | undefined {
  if (/Management Center/i.test(model)) return 'fmc';
  if (/Threat Defense/i.test(model)) return 'ftd';
  return undefined;
}

/** Parses `show version`: hostname, model, platform, version, build, uuid, vdb, rules / lsp. */
export function parseShowVersion(output: string): ParseResult {
  const lines = contentLines(output);
  const fields: Fields = {};
  const strange: string[] = [];
  for (const line of lines) {
    if (/^\s*-*\s*$/.test(line)) continue;
    const header = NAME_HEADER.exec(line);
    if (header && fields.hostname === undefined && header[1] !== '') {
      fields.hostname = header[1];
      continue;
    }
    const lina = LINA_VERSION.exec(line);
    if (lina) {
      fields.asa_version = lina[1];
      continue;
    }
    const kv = KEY_LINE.exec(line);
    if (!kv) {
      // Reported, never silently dropped (diagnostic-CLI captures append Lina lines, for one).
      strange.push(line.trim().slice(0, 160));
      continue;
    }
    const key = kv[1].toLowerCase();
    const value = kv[2];
    if (key === 'model') {
      const m = MODEL_VALUE.exec(value);
      if (!m) continue;
      fields.model = m[1];
      if (m[2] !== undefined) fields.model_number = Number(m[2]);
      fields.version = m[3];
      fields.build = m[4];
      const platform = platformOfModel(m[1]);
      if (platform) fields.platform = platform;
    } else if (key === 'uuid') fields.uuid = value;
    else if (key === 'vdb version') fields.vdb = value;
    else if (key === 'rules update version') fields.rules = value;
    else if (key === 'lsp version') fields.lsp = value;
  }
  if (fields.version === undefined) {
    return { fields: {}, error: detectShellError(output) ?? unrecognised('show-version', lines) };
  }
  fields.unrecognised_count = strange.length;
  fields.unrecognised_lines = strange.slice(0, 5);
  return { fields };
}

// `Cisco Firepower Management Center for VMWare v6.4.0 (build 102)`; the OS line is
// `Cisco Fire Linux OS v6.4.0 (build 2)`. The two may share one line joined by ` / `.
const SF_VERSION = /(Cisco[^/\n]*?)\s+v(\d[\d.]*)\s*\(build\s+(\d+)\)/gi;

/** Parses `/etc/sf/sf-version`: model, version, build (+ os_version, os_build of Fire Linux). */
export function parseSfVersion(output: string): ParseResult {
  const lines = contentLines(output);
  const text = lines.join('\n');
  const fields: Fields = {};
  for (const m of text.matchAll(SF_VERSION)) {
    const name = m[1].trim();
    if (/Fire Linux OS/i.test(name)) {
      fields.os_version = m[2];
      fields.os_build = m[3];
    } else if (fields.version === undefined) {
      fields.model = name;
      fields.version = m[2];
      fields.build = m[3];
      const platform = platformOfModel(name);
      if (platform) fields.platform = platform;
    }
  }
  if (fields.version === undefined) {
    return { fields: {}, error: detectShellError(output) ?? unrecognised('sf-version', lines) };
  }
  return { fields };
}
