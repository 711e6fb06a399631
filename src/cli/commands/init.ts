/** `firebook init [DIR]`: scaffolds a working folder (inventory with group_vars, waivers, a
 * playbook stub, a README of the everyday commands) from templates/init/ in the package. */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { EXIT, UserError } from '../../model/errors.js';
import { packagePath } from '../../io/package-files.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';

const USAGE = `Usage: firebook init [DIR] [--fmc]

Creates a working folder in DIR (default: the current folder):
  inventory/hosts.yml, inventory/group_vars/   an Ansible inventory example
  playbooks/site.yml                           a playbook stub with its $schema line
  waivers.yml                                  a waivers example (with expiry dates)
  README.md, .gitignore                        the everyday commands; reports/ left out of git
  .firebook/schemas/                           the schemas the $schema lines name (editor help)
With --fmc, also:
  inventory/fmc.yml                            an inventory read from an FMC (docs/fmc.md)
Existing files are never overwritten: if one of these exists, nothing is written (exit 4).
`;

const OPTIONS = { fmc: { type: 'boolean' } } as const satisfies OptionsSpec;

/** Template files whose name cannot be shipped as is (npm never packs a .gitignore). */
const RENAMED: Record<string, string> = { gitignore: '.gitignore' };
/** A waiver in the example expires this many days after `init`. */
const WAIVER_DAYS = 90;

/** Relative paths of every file under `dir`. */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

/** Where the scaffold keeps its copies of the schemas (the `$schema` lines point there). A path
 * into the installed package would break when the package moves (a Node upgrade, nvm, npx):
 * a copy inside the project survives any upgrade; `firebook validate` always uses its own. */
const SCHEMA_DIR = '.firebook/schemas';
const SCHEMAS = ['playbook', 'waivers'];

/** How a file in `fromDir` names a schema copy of the project in `dir`. */
function schemaRef(dir: string, fromDir: string, name: string): string {
  return relative(fromDir, join(dir, SCHEMA_DIR, `${name}.schema.json`));
}

/** The scaffold as target path → content; pure apart from reading the templates. `fmc` adds
 * templates/init-fmc (inventory/fmc.yml). */
export function scaffoldFiles(dir: string, today: Date, opts: { fmc?: boolean } = {}): Map<string, string> {
  const expires = new Date(today.getTime() + WAIVER_DAYS * 86_400_000).toISOString().slice(0, 10);
  const files = new Map<string, string>();
  const sources = opts.fmc ? ['templates/init', 'templates/init-fmc'] : ['templates/init'];
  const entries = sources.flatMap((s) => listFiles(packagePath(s)).map((rel) => ({ templates: packagePath(s), rel })));
  for (const { templates, rel } of entries.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))) {
    const target = join(dir, dirname(rel), RENAMED[rel.split('/').pop()!] ?? rel.split('/').pop()!);
    const text = readFileSync(join(templates, rel), 'utf8')
      .replaceAll('@@PLAYBOOK_SCHEMA@@', schemaRef(dir, dirname(target), 'playbook'))
      .replaceAll('@@WAIVERS_SCHEMA@@', schemaRef(dir, dirname(target), 'waivers'))
      .replaceAll('@@EXPIRES@@', expires)
      .replaceAll('@@APPROVED@@', today.toISOString().slice(0, 10));
    files.set(target, text);
  }
  for (const name of SCHEMAS) files.set(join(dir, SCHEMA_DIR, `${name}.schema.json`), readFileSync(packagePath(`schemas/${name}.schema.json`), 'utf8'));
  return files;
}

/** The `init` command. */
export const command: CliCommand = {
  name: 'init',
  summary: 'create a working folder: inventory, playbook stub, waivers, README',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('init', argv, OPTIONS);
    if (positionals.length > 1) throw new UserError({ code: 'cli-usage', message: `firebook init: unexpected argument '${positionals[1]}'`, hint: 'usage: firebook init [DIR] [--fmc]' });
    const dirArg = positionals[0] ?? '.';
    const dir = resolve(io.cwd, dirArg);
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError({ code: 'cli-usage', message: `firebook init: ${dirArg} is a file, not a folder` });
    const fmc = values.fmc === true;
    const files = scaffoldFiles(dir, new Date(), { fmc });
    const shown = (p: string) => relative(io.cwd, p) || p;
    // All or nothing: a half-written scaffold over someone's files is worse than none.
    const taken = [...files.keys()].filter((p) => existsSync(p));
    if (taken.length > 0) {
      const what = taken.length === 1 ? `${shown(taken[0])} already exists` : `${shown(taken[0])} and ${taken.length - 1} more of its files already exist`;
      throw new UserError({ code: 'cli-usage', message: `firebook init: ${what}; nothing was written (choose an empty folder: firebook init DIR)` });
    }
    for (const [path, text] of files) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text, { flag: 'wx' });
      io.stdout.write(`created ${shown(path)}\n`);
    }
    const cd = dir === io.cwd ? '' : `cd ${shown(dir)} && `;
    io.stdout.write(`\nnext: ${cd}firebook validate playbooks/site.yml -i inventory/hosts.yml   (README.md lists the everyday commands)\n`);
    if (fmc) io.stdout.write(`FMC: edit inventory/fmc.yml (url, username, ca_file), then ${cd}FMC_PASSWORD=... firebook inventory -i inventory/fmc.yml --graph   (docs/fmc.md)\n`);
    return EXIT.ok;
  },
};
