/** What `npm pack` ships is exactly what runs, and the installed package works from any folder. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** `npm pack` without lifecycle scripts: `npm test` has built dist/ already. */
const PACK = ['pack', '--ignore-scripts', '--json'];

describe('npm pack', () => {
  it('ships dist/src, schemas, playbooks, templates, README, LICENSE — no tests, bench, fixtures or source maps', () => {
    const [pack] = JSON.parse(execFileSync(NPM, [...PACK, '--dry-run'], { cwd: ROOT, encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>;
    const files = pack.files.map((f) => f.path).sort();
    const allowed = [/^dist\/src\/.+\.js$/, /^dist\/src\/validate\/compiled\/[\w-]+\.cjs$/, /^dist\/src\/report\/templates\/[\w.-]+\.(hbs|md)$/, /^schemas\/[\w-]+\.schema\.json$/, /^playbooks\/[\w-]+\.yml$/, /^templates\/init(-fmc)?\//, /^(package\.json|README\.md|LICENSE|bundle-map\.yml)$/];
    expect(files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
    for (const needed of ['dist/src/cli/main.js', 'dist/src/validate/compiled/playbook.cjs', 'dist/src/report/templates/report.hbs', 'schemas/playbook.schema.json', 'schemas/report.schema.json', 'schemas/waivers.schema.json', 'schemas/bundle-map.schema.json', 'bundle-map.yml', 'playbooks/securex.yml', 'templates/init/playbooks/site.yml', 'templates/init/gitignore', 'templates/init-fmc/inventory/fmc.yml', 'LICENSE', 'README.md']) {
      expect(files).toContain(needed);
    }
    // Every compiled module of src/ is shipped (nothing that runs is left behind).
    const built = (dir: string): string[] => readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? built(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
    expect(built('dist/src').filter((f) => !files.includes(f))).toEqual([]);
  });

  it('installs with npm install -g and runs from an unrelated folder (explain, init, validate)', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'fb-install-'));
    const [pack] = JSON.parse(execFileSync(NPM, [...PACK, '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8' })) as Array<{ filename: string }>;
    const prefix = join(tmp, 'prefix');
    // Dependencies come from the npm cache that `npm ci` filled (the registry only for what is missing).
    // better-sqlite3 (the results database) is a native addon: with no prebuilt binary reachable
    // it is compiled here by node-gyp, which takes minutes on a busy 2-core machine.
    const install = spawnSync(NPM, ['install', '-g', '--prefix', prefix, join(tmp, pack.filename), '--prefer-offline', '--no-audit', '--no-fund'], { cwd: tmp, encoding: 'utf8', timeout: 570_000 });
    expect(install.status, install.stderr).toBe(0);
    const bin = join(prefix, 'bin', 'firebook');
    expect(existsSync(bin)).toBe(true);
    const cwd = join(tmp, 'elsewhere');
    mkdirSync(cwd);
    const fb = (args: string[], dir = cwd) => spawnSync(bin, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });

    const explain = fb(['explain', 'dns-resolves-sse']);
    expect(explain.stderr).toBe('');
    expect(explain.status).toBe(0);
    expect(explain.stdout).toMatch(/^dns-resolves-sse — /);
    expect(explain.stdout).toContain(join(prefix, 'lib/node_modules/firebook/playbooks/securex.yml'));

    expect(fb(['--version']).stdout).toMatch(/^firebook \d+\.\d+\.\d+\n$/);
    expect(fb(['init', 'site']).status).toBe(0);
    const validate = fb(['validate', 'playbooks/site.yml', '-i', 'inventory/hosts.yml'], join(cwd, 'site'));
    expect(validate.stderr).toBe('');
    expect(validate.status).toBe(0);
  }, 600_000);
});
