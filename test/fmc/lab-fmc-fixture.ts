/** The lab with its FMC emulator, started once per test file, and what the end-to-end tests of
 * the FMC share: the environment the CLI needs and a walk over the files a run wrote. */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { startLabFmc, type LabFmc } from '../../src/lab/fmc-lab.js';

export interface LabFmcFixture {
  lab: Lab;
  fmc: LabFmc;
  /** A temp folder for the file's outputs, removed after the file. */
  out: string;
  /** FMC_PASSWORD for fmc.yml, and a cache folder of the test's own. */
  env(): NodeJS.ProcessEnv;
}

/** Starts a lab of `hosts` devices and its FMC before the file's tests; stops both after. */
export function useLabFmc(hosts: number, prefix: string): LabFmcFixture {
  const f = { out: mkdtempSync(join(tmpdir(), prefix)) } as LabFmcFixture;
  f.env = () => ({ FMC_PASSWORD: f.fmc.password, XDG_CACHE_HOME: join(f.out, 'cache') });
  beforeAll(async () => {
    f.lab = await startLab({ hosts });
    f.fmc = await startLabFmc(f.lab);
  });
  afterAll(async () => {
    await f.fmc?.stop();
    await f.lab?.stop();
    rmSync(f.out, { recursive: true, force: true });
  });
  return f;
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}
