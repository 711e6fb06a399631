/** The facts gathered at connect (docs/devices.md "FMC login", "show version"), read by the one
 * `show version` / `sf-version` parser that checks use (checks/parsers/show-version.ts), so the
 * facts at login and the fields of a check never disagree on the same text. */
import { parseSfVersion as sfVersionFields, parseShowVersion as showVersionFields, platformOfModel } from '../checks/parsers/show-version.js';
import type { Fields } from '../model/result.js';

/** Fields found in CLISH `show version` or `/etc/sf/sf-version`. */
export interface VersionFacts {
  hostname?: string;
  model?: string;
  version?: string;
  build?: string;
}

function versionFacts(fields: Fields): VersionFacts {
  const facts: VersionFacts = {};
  for (const key of ['hostname', 'model', 'version', 'build'] as const) {
    const v = fields[key];
    if (typeof v === 'string' && v !== '') facts[key] = v;
  }
  return facts;
}

/** Parses `show version`: the `---[ host ]---` header and
 * `Model : <model> (<n>) Version X (Build N)`; {} when the output is not one. */
export function parseShowVersion(output: string): VersionFacts {
  return versionFacts(showVersionFields(output).fields);
}

/** Parses `/etc/sf/sf-version`, e.g.
 * `Cisco Firepower Management Center for VMWare v6.4.0 (build 102)` (docs/devices.md "FMC login"). */
export function parseSfVersion(output: string): VersionFacts {
  return versionFacts(sfVersionFields(output).fields);
}

/** The platform a model string names: the one rule of checks/parsers/show-version.ts. */
export const platformFromModel = platformOfModel;
