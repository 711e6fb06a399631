/** A CliIO whose stdout and stderr are kept in memory, for running `main()` in the test process. */
import { Writable } from 'node:stream';
import type { CliIO } from '../../src/cli/command.js';

export function memoryIo(cwd: string, env: NodeJS.ProcessEnv = {}): { io: CliIO; out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (buf: string[]) => new Writable({ write(chunk, _enc, cb) { buf.push(String(chunk)); cb(); } });
  const io: CliIO = { stdout: sink(out), stderr: sink(err), cwd, env };
  return { io, out: () => out.join(''), err: () => err.join('') };
}
