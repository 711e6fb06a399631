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
  const header = /-+\[\s*([^\]\s]+)\s*\]-+/.exec(output);
  if (header) facts.hostname = header[1];
  const version = /Version ([0-9.]+) \(Build ([0-9]+)\)/.exec(output);
  if (version) {
    facts.version = version[1];
    facts.build = version[2];
  }
  const model = /^Model\s*:\s*(.+?)(?:\s+\(\d+\))?(?:\s+Version\s.*)?$/m.exec(output);
  if (model) facts.model = model[1].trim();
  return facts;
}

/** Parses `/etc/sf/sf-version`, e.g.
 * `Cisco Firepower Management Center for VMWare v6.4.0 (build 102)` (docs/devices.md "FMC login"). */
export function parseSfVersion(output: string): VersionFacts {
  const m = /^(.*?)\s+v([0-9][0-9.]*) \(build ([0-9]+)\)/im.exec(output);
  if (!m) return {};
  return { model: m[1].trim(), version: m[2], build: m[3] };
}

/** The platform a model string names: `… Management Center …` → fmc, `… Threat Defense …` → ftd;
 * undefined when it names neither (docs/devices.md "show version", "FMC login"). */
export function platformFromModel(model: string): 'ftd' | 'fmc' | undefined {
  if (/Management Center|\bFMC\b/i.test(model)) return 'fmc';
  if (/Threat Defense|\bFTD\b/i.test(model)) return 'ftd';
  return undefined;
}
