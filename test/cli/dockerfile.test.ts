/** The Dockerfile, checked statically (no docker daemon here): it parses, builds in two stages
 * from Node 20, copies everything the package ships, runs as a non-root user and enters firebook. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

const KEYWORDS = new Set(['FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL']);

/** Dockerfile → instructions: comments dropped, backslash continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: Instruction | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (/^\s*#/.test(line) || (!pending && line.trim() === '')) return;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1) : line;
    if (pending) pending.args += ' ' + body.trim();
    else {
      const m = /^(\w+)\s+(.*)$/.exec(body.trim());
      if (!m) throw new Error(`Dockerfile:${i + 1}: not an instruction: ${line}`);
      pending = { keyword: m[1].toUpperCase(), args: m[2], line: i + 1 };
    }
    if (!continued) {
      out.push(pending);
      pending = undefined;
    }
  });
  if (pending) throw new Error('Dockerfile ends inside a continued line');
  return out;
}

/** Instructions grouped by stage (each starts at FROM). */
function stages(instructions: Instruction[]): Instruction[][] {
  const result: Instruction[][] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') result.push([]);
    result[result.length - 1].push(ins);
  }
  return result;
}

const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const [build, final] = stages(dockerfile);

describe('Dockerfile', () => {
  it('uses only known instructions and starts with FROM', () => {
    expect(dockerfile.filter((i) => !KEYWORDS.has(i.keyword))).toEqual([]);
    expect(dockerfile[0].keyword).toBe('FROM');
  });

  it('is two stages on node:20-bookworm-slim: a named build stage and the runtime', () => {
    expect(stages(dockerfile)).toHaveLength(2);
    expect(build[0].args).toBe('node:20-bookworm-slim AS build');
    expect(final[0].args).toBe('node:20-bookworm-slim');
    for (const c of final.filter((i) => i.keyword === 'COPY')) expect(c.args).toMatch(/^--from=build /);
  });

  it('builds with npm ci, packs with npm pack, installs only that tarball', () => {
    const runs = (stage: Instruction[]) => stage.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n');
    expect(runs(build)).toMatch(/npm ci\b/);
    expect(runs(build)).toMatch(/npm run build\b.*npm pack\b/);
    expect(runs(final)).toMatch(/npm install -g .*\/tmp\/pack\/firebook-\*\.tgz/);
    expect(runs(final)).toMatch(/apt-get install -y --no-install-recommends openssh-client/);
  });

  it("copies every file the build needs and everything package.json's files lists", () => {
    const sources = build.filter((i) => i.keyword === 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const s of sources) expect(existsSync(join(ROOT, s)), s).toBe(true);
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(sources.filter((s) => ignored.includes(s.split('/')[0]))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    const needed = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/copy-assets.mjs', 'scripts/build-validators.mjs', 'src', ...pkg.files.filter((f) => !f.startsWith('!') && !f.startsWith('dist/'))];
    for (const n of needed) expect(sources, n).toContain(n);
  });

  it('runs as a non-root user with firebook as the entrypoint', () => {
    const user = final.filter((i) => i.keyword === 'USER').pop();
    expect(user?.args).toBe('node');
    const entry = final.find((i) => i.keyword === 'ENTRYPOINT');
    expect(JSON.parse(entry!.args)).toEqual(['firebook']);
    // USER comes after every RUN (root is only used to install).
    const lastRun = Math.max(...final.filter((i) => i.keyword === 'RUN').map((i) => i.line));
    expect(user!.line).toBeGreaterThan(lastRun);
  });
});
