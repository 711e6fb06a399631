/**
 * CLISH `show version` (FTD and FMC share the boxed header) and the FMC file
 * `/etc/sf/sf-version` (docs/devices.md "show version": naming across releases, LSP vs Rules).
 */
import type { Fields } from '../../model/result.js';
import type { ParseResult } from './types.js';
import { boxedTitle, contentLines, detectShellError, labelledValue, unrecognised } from './common.js';

// Linear by construction (docs/faults.md "Denial of service"): titles, labels and values are
// cut with indexOf and trim; each regex starts with a literal or is anchored.
const NAME_EDGE = /^-{3,}$/;
const LABEL = /^[A-Za-z][A-Za-z0-9 ]*$/;
// `Cisco Firepower Threat Defense for VMWare (75) Version 6.5.0 (Build 115)`: the version and
// build as the Greenbone NASL reads them for FTD and FMC alike (docs/devices.md "show version");
// the model is the text before `Version`, less a trailing `(75)`, the model number.
const VERSION_BUILD = /Version\s+([0-9][0-9.]*)\s*\(Build\s+(\d+)\)/i;
const LINA_VERSION = /Cisco Adaptive Security Appliance Software Version\s+(\S+)/;

/** Platform implied by a model string: FMC says "Management Center", FTD "Threat Defense". */
export function platformOfModel(model: string): 'ftd' | 'fmc' | undefined {
  if (/Management Center/i.test(model)) return 'fmc';
  if (/Threat Defense/i.test(model)) return 'ftd';
  return undefined;
}

/** Reads a `Model :` value: model, model number, version and build. */
function readModel(value: string): { model: string; number?: number; version: string; build: string } | undefined {
  const m = VERSION_BUILD.exec(value);
  if (!m) return undefined;
  let model = value.slice(0, m.index).trimEnd();
  let number: number | undefined;
  const open = model.lastIndexOf('(');
  if (model.endsWith(')') && open >= 0 && /^\d+$/.test(model.slice(open + 1, -1))) {
    number = Number(model.slice(open + 1, -1));
    model = model.slice(0, open).trimEnd();
  }
  return { model, number, version: m[1], build: m[2] };
}

/** Parses `show version`: hostname, model, platform, version, build, uuid, vdb, rules / lsp. */
export function parseShowVersion(output: string): ParseResult {
  const lines = contentLines(output);
  const fields: Fields = {};
  const strange: string[] = [];
  for (const line of lines) {
    if (/^-*$/.test(line.trim())) continue;
    const title = boxedTitle(line, NAME_EDGE);
    if (title !== undefined && fields.hostname === undefined && title !== '') {
      fields.hostname = title;
      continue;
    }
    const lina = LINA_VERSION.exec(line);
    if (lina) {
      fields.asa_version = lina[1];
      continue;
    }
    const kv = labelledValue(line, LABEL, { allowBare: false });
    if (!kv) {
      // Reported, never silently dropped (diagnostic-CLI captures append Lina lines, for one).
      strange.push(line.trim().slice(0, 160));
      continue;
    }
    const key = kv.label.toLowerCase();
    const value = kv.value;
    if (key === 'model') {
      const m = readModel(value);
      if (!m) continue;
      fields.model = m.model;
      if (m.number !== undefined) fields.model_number = m.number;
      fields.version = m.version;
      fields.build = m.build;
      const platform = platformOfModel(m.model);
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
// `Cisco Fire Linux OS v6.4.0 (build 2)`. The two may share one line joined by ` / `. A name
// runs from `Cisco` to the whitespace before `vN (build N)`; `(?<!\s)` starts that whitespace
// at its first character only, so a long run of spaces is read once (linear).
const SF_TAIL = '(?<!\\s)\\s+v(\\d[\\d.]*)\\s*\\(build\\s+(\\d+)\\)';

/** `[name, version, build]` of every `Cisco … vX (build N)` in a segment without `/`. */
function sfVersions(segment: string): Array<[string, string, string]> {
  const found: Array<[string, string, string]> = [];
  const cisco = /cisco/gi;
  const tail = new RegExp(SF_TAIL, 'gi');
  for (let c = cisco.exec(segment); c; c = cisco.exec(segment)) {
    tail.lastIndex = c.index + c[0].length;
    const t = tail.exec(segment);
    if (!t) break;
    found.push([segment.slice(c.index, t.index), t[1], t[2]]);
    cisco.lastIndex = t.index + t[0].length;
  }
  return found;
}

/** Parses `/etc/sf/sf-version`: model, version, build (+ os_version, os_build of Fire Linux). */
export function parseSfVersion(output: string): ParseResult {
  const lines = contentLines(output);
  const fields: Fields = {};
  for (const m of lines.flatMap((l) => l.split('/')).flatMap(sfVersions)) {
    const name = m[0].trim();
    if (/Fire Linux OS/i.test(name)) {
      fields.os_version = m[1];
      fields.os_build = m[2];
    } else if (fields.version === undefined) {
      fields.model = name;
      fields.version = m[1];
      fields.build = m[2];
      const platform = platformOfModel(name);
      if (platform) fields.platform = platform;
    }
  }
  if (fields.version === undefined) {
    return { fields: {}, error: detectShellError(output) ?? unrecognised('sf-version', lines) };
  }
  return { fields };
}
