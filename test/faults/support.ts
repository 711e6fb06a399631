/** Shared set-up of the fault suites: loopback endpoints that misbehave below SSH, an inventory
 * writer, and a wait for sockets to close. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Lab } from '../../src/lab/index.js';

/** A loopback port with nothing listening: connection refused. */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A loopback listener that accepts and never says a word (no SSH banner): connect timeout. */
export async function silentListener(): Promise<{ port: number; open(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const srv: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.resume(); // read (and drop) what the client sends, so its FIN is seen
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as { port: number }).port,
    open: () => sockets.size,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => srv.close(() => r()));
    },
  };
}

/** Host entry of a fault inventory. */
export interface FaultHost {
  name: string;
  host?: string;
  port: number;
  vars?: Record<string, unknown>;
}

/** Writes an inventory of lab hosts (+ extras) with per-host vars; returns its path. */
export function writeFaultInventory(lab: Lab, extra: FaultHost[], varsFor: Record<string, Record<string, unknown>> = {}): string {
  const hosts: Record<string, unknown> = {};
  for (const h of lab.hosts) hosts[h.name] = { ansible_host: '127.0.0.1', ansible_port: h.port, platform: h.platform, ...varsFor[h.name] };
  for (const h of extra) hosts[h.name] = { ansible_host: h.host ?? '127.0.0.1', ansible_port: h.port, platform: 'ftd', ...h.vars };
  const dir = mkdtempSync(join(tmpdir(), 'fb-faults-'));
  const path = join(dir, 'inventory.yml');
  writeFileSync(path, stringify({ all: { vars: { ansible_user: 'admin', ansible_password: lab.password, fault: 'none' }, hosts } }));
  return path;
}

/** known_hosts where `host`'s entry carries `donor`'s key: a changed host key. */
export function knownHostsWithChangedKey(lab: Lab, host: string, donor: string): string {
  const lines = readFileSync(lab.knownHostsPath, 'utf8').trim().split('\n');
  const port = (n: string) => lab.hosts.find((h) => h.name === n)!.port;
  const keyOf = (n: string) => lines.find((l) => l.startsWith(`[127.0.0.1]:${port(n)} `))!.split(' ').slice(1).join(' ');
  const path = join(mkdtempSync(join(tmpdir(), 'fb-kh-')), 'known_hosts');
  writeFileSync(path, lines.map((l) => (l.startsWith(`[127.0.0.1]:${port(host)} `) ? `[127.0.0.1]:${port(host)} ${keyOf(donor)}` : l)).join('\n') + '\n');
  return path;
}

/** Resolves once `count()` is 0: closing a TCP connection takes a few event-loop turns on
 * both ends. Polls; fails (returns the last count) after `tries` turns of 20 ms. */
export async function settledCount(count: () => number, tries = 250): Promise<number> {
  for (let i = 0; i < tries && count() > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return count();
}
