/** One listening SSH server per simulated host: auth (password, publickey, keyboard-interactive),
 * shell with PTY → TerminalSession, exec → CLISH parser; handshake delay and drop faults. */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import ssh2 from 'ssh2';
import type { Connection, AuthContext, ParsedKey } from 'ssh2';
import type { Device } from './device.js';
import { TerminalSession } from './terminal.js';
import { runExecRequest } from './clish.js';

/** What a host server needs. */
export interface HostServerOptions {
  device: Device;
  hostPrivateKey: string;
  /** Public keys accepted for publickey auth. */
  clientKeys: ParsedKey[];
  lastLogin: Date;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** An SSH endpoint for one device on 127.0.0.1. */
export class HostServer {
  private readonly ssh: ssh2.Server;
  private readonly net: NetServer;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: HostServerOptions) {
    this.ssh = new ssh2.Server({ hostKeys: [opts.hostPrivateKey], ident: 'OpenSSH_7.4' }, (client) => this.onClient(client));
    this.ssh.on('error', () => undefined);
    this.net = createServer((socket) => this.onSocket(socket));
  }

  /** Listens on 127.0.0.1:port (0 = OS-assigned); resolves the port. */
  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.net.once('error', reject);
      this.net.listen(port, '127.0.0.1', () => {
        this.net.off('error', reject);
        resolve((this.net.address() as { port: number }).port);
      });
    });
  }

  /** Stops listening and destroys every open connection. */
  stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.net.close(() => resolve()));
  }

  /** TCP connections open right now. */
  get openConnections(): number {
    return this.sockets.size;
  }

  private onSocket(socket: Socket): void {
    // A rebooting device: the TCP stack answers with a reset until it is back.
    if (Date.now() < this.opts.device.downUntilMs) return void socket.resetAndDestroy();
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    const delayMs = this.opts.device.profile.faults.handshakeDelayMs ?? 0;
    if (delayMs <= 0) return this.ssh.injectSocket(socket);
    // Watch for the client giving up while we stall: 'readable' buffers what it sends (kept for
    // ssh2) and reveals its FIN, so a stalled connection the client closed does not linger.
    const early: Buffer[] = [];
    const onReadable = (): void => {
      for (let chunk: Buffer | null; (chunk = socket.read() as Buffer | null) !== null; ) early.push(chunk);
    };
    const onEnd = (): void => void socket.destroy();
    socket.on('readable', onReadable);
    socket.on('end', onEnd);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      socket.off('readable', onReadable);
      socket.off('end', onEnd);
      if (socket.destroyed) return;
      if (early.length > 0) socket.unshift(Buffer.concat(early));
      this.ssh.injectSocket(socket);
    }, delayMs);
    this.timers.add(timer);
  }

  private onClient(client: Connection): void {
    const device = this.opts.device;
    // ssh2 keeps the TCP socket on the connection; dropOnCommand needs it to cut the link abruptly.
    const socket = (client as unknown as { _sock?: Socket })._sock;
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => this.authenticate(ctx));
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        let rows = 24;
        let hasPty = false;
        session.on('pty', (ok, _reject, info) => {
          hasPty = true;
          rows = info.rows || 24;
          ok?.();
        });
        session.on('window-change', (ok, _reject, info) => {
          rows = info.rows || rows;
          ok?.();
        });
        session.on('env', (ok) => ok?.());
        session.on('shell', (ok) => {
          const channel = ok();
          const term = new TerminalSession(device, channel, {
            rows,
            lastLogin: this.opts.lastLogin,
            dropConnection: () => (socket ? socket.destroy() : client.end()),
          });
          void term.run().catch(() => channel.close());
        });
        session.on('exec', (ok, _reject, info) => {
          const channel = ok();
          void this.runExec(channel, info.command, hasPty, () => (socket ? socket.destroy() : client.end()));
        });
        session.on('subsystem', (_ok, reject) => reject?.());
        session.on('sftp', (_ok, reject) => reject?.());
      });
    });
  }

  private async runExec(channel: ssh2.ServerChannel, command: string, hasPty: boolean, drop: () => void): Promise<void> {
    const device = this.opts.device;
    const faults = device.profile.faults;
    device.record('exec', command);
    if ((faults.dropOnCommand && command.includes(faults.dropOnCommand)) || device.rebootsOn(command)) return drop();
    if (faults.hangOnCommand && command.includes(faults.hangOnCommand)) return;
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
    const { output, exitCode } = runExecRequest(device, command);
    channel.write(hasPty ? output.replace(/\n/g, '\r\n') : output);
    channel.exit(exitCode);
    channel.end();
  }

  private authenticate(ctx: AuthContext): void {
    const device = this.opts.device;
    const methods = device.profile.faults.authMethods ?? ['publickey', 'password', 'keyboard-interactive'];
    if (device.profile.faults.authFail || ctx.username !== device.user || !methods.includes(ctx.method as never)) return ctx.reject(methods);
    switch (ctx.method) {
      case 'password':
        return sameSecret(ctx.password, device.password) ? ctx.accept() : ctx.reject(methods);
      case 'keyboard-interactive':
        return ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => (sameSecret(answers[0] ?? '', device.password) ? ctx.accept() : ctx.reject(methods)));
      case 'publickey': {
        const key = this.opts.clientKeys.find((k) => k.type === ctx.key.algo && k.getPublicSSH().equals(ctx.key.data));
        if (!key) return ctx.reject(methods);
        if (!ctx.signature || !ctx.blob) return ctx.accept();
        return key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true ? ctx.accept() : ctx.reject(methods);
      }
      default:
        return ctx.reject(methods);
    }
  }
}
