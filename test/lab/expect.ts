/** A tiny expect-style driver over ssh2's Client, for the lab tests. */
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';

/** Strips ANSI/OSC escapes, BEL and NUL, and turns CRLF into LF. */
export function clean(text: string): string {
  return text
    .replace(/\x1b\][^\x07]*\x07/g, '')
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/[\x07\x00]/g, '')
    .replace(/\r\n/g, '\n');
}

export const CLI_PROMPT = /\n> $/;
export const BASH_PROMPT = /[\w.-]+@[\w.-]+:[^\n]*[$#] $/;

/** An interactive PTY shell. */
export class ShellDriver {
  buffer = '';
  closed = false;
  private waiter: (() => void) | null = null;

  constructor(
    readonly client: Client,
    readonly stream: ClientChannel,
  ) {
    stream.on('data', (d: Buffer) => {
      this.buffer += d.toString('utf8');
      this.waiter?.();
    });
    stream.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  send(text: string): void {
    this.stream.write(text);
  }

  /** Waits until the (cleaned) buffer matches; returns and consumes the text up to the match end. */
  async expect(pattern: RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = clean(this.buffer);
      const m = pattern.exec(text);
      if (m) {
        this.buffer = '';
        return text.slice(0, m.index + m[0].length);
      }
      if (this.closed) throw new Error(`channel closed while waiting for ${pattern}; got ${JSON.stringify(text)}`);
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${pattern}; got ${JSON.stringify(text)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** Sends a command and returns its output: without the echoed command line and the prompt. */
  async run(command: string, prompt: RegExp = BASH_PROMPT, timeoutMs = 5000): Promise<string> {
    this.send(command + '\r');
    const text = await this.expect(prompt, timeoutMs);
    const body = text.replace(prompt, '');
    if (body === command) return '';
    const afterEcho = body.startsWith(command + '\n') ? body.slice(command.length + 1) : body;
    return afterEcho.replace(/\n$/, '');
  }

  close(): void {
    this.client.end();
  }
}

/** Connects with the given auth settings. */
export function connect(port: number, auth: Partial<ConnectConfig>): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.on('ready', () => resolve(client));
    client.on('error', reject);
    client.connect({ host: '127.0.0.1', port, username: 'admin', readyTimeout: 10_000, ...auth });
  });
}

/** Opens a PTY shell and waits for the first prompt (`> ` or a bash prompt). */
export async function openShell(port: number, auth: Partial<ConnectConfig>, firstPrompt: RegExp = CLI_PROMPT): Promise<{ shell: ShellDriver; banner: string }> {
  const client = await connect(port, auth);
  const stream = await new Promise<ClientChannel>((resolve, reject) =>
    client.shell({ term: 'xterm', rows: 200, cols: 80 }, (err, s) => (err ? reject(err) : resolve(s))),
  );
  const shell = new ShellDriver(client, stream);
  const banner = await shell.expect(firstPrompt);
  return { shell, banner };
}

/** Runs an exec request; resolves output and exit code. */
export function execCommand(client: Client, command: string): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      let output = '';
      let code: number | null = null;
      stream.on('data', (d: Buffer) => (output += d.toString()));
      stream.stderr.on('data', (d: Buffer) => (output += d.toString()));
      stream.on('exit', (c: number) => (code = c));
      stream.on('close', () => resolve({ output, code }));
    });
  });
}
