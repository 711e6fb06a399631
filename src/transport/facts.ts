/** Parsing the outputs used to gather Facts at connect (docs/devices.md "FMC login", "show version"). */

/** Fields found in CLISH `show version`. */
export interface VersionFacts {
  hostname?: string;
  model?: string;
  version?: string;
  build?: string;
}

/** Parses `show version`: the `---[ host ]---` header and
 * `Model : <model> (<n>) Version X (Build N)`; regex from the Greenbone NASL (docs/devices.md "show version"). */
export function parseShowVersion(output: string): VersionFacts {
  const facts: VersionFacts = {};
  // Linear on any output (docs/faults.md "Denial of service"): `(?<!-)` starts a match only at
  // the first dash of a run, and a model is cut with indexOf, never `(.+?)(\s+…)?$`.
  const header = /(?<!-)-+\[\s*([^\]\s]+)\s*\]-/.exec(output);
  if (header) facts.hostname = header[1];
  const version = /Version ([0-9.]+) \(Build ([0-9]+)\)/.exec(output);
  if (version) {
    facts.version = version[1];
    facts.build = version[2];
  }
  const line = /^Model\s*:(.*)$/m.exec(output);
  const model = line ? modelOf(line[1].trim()) : '';
  if (model !== '') facts.model = model;
  return facts;
}

/** `<model> (<n>) Version X (Build N)` → `<model>`: cut at the first ` Version `, then a trailing ` (<n>)`. */
function modelOf(value: string): string {
  const version = /\sVersion\s/.exec(value);
  let model = (version ? value.slice(0, version.index) : value).trimEnd();
  const open = model.lastIndexOf('(');
  if (open > 0 && model.endsWith(')') && /\s/.test(model[open - 1]) && /^\d+$/.test(model.slice(open + 1, -1))) model = model.slice(0, open).trimEnd();
  return model;
}

/** Parses `/etc/sf/sf-version`, e.g.
 * `Cisco Firepower Management Center for VMWare v6.4.0 (build 102)` (docs/devices.md "FMC login"). */
export function parseSfVersion(output: string): VersionFacts {
  // The model runs from its line's start to the whitespace run before `vX (build N)`; `(?<!\s)`
  // starts that run at its first character only (linear).
  const m = /(?<!\s)\s+v([0-9][0-9.]*) \(build ([0-9]+)\)/i.exec(output);
  if (!m) return {};
  return { model: output.slice(output.lastIndexOf('\n', m.index - 1) + 1, m.index).trim(), version: m[1], build: m[2] };
}

/** The platform a model string names: `… Management Center …` → fmc, `… Threat Defense …` → ftd;
 * undefined when it names neither (docs/devices.md "show version", "FMC login"). */
export function platformFromModel(model: string): 'ftd' | 'fmc' | undefined {
  if (/Management Center|\bFMC\b/i.test(model)) return 'fmc';
  if (/Threat Defense|\bFTD\b/i.test(model)) return 'ftd';
  return undefined;
}
