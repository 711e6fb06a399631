import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MarkedOutputScanner,
  TerminalTextCleaner,
  applyLineEdits,
  buildMarkedCommand,
  stripTerminalNoise,
} from '../../src/transport/index.js';
import { escapeDeviceText } from '../../src/transport/terminal-text.js';
import { CappedCapture, cutToBytes } from '../../src/transport/capture.js';
import {
  CLISH_PROMPT,
  PAGER_PROMPT,
  PASSWORD_CHANGE_PROMPT,
  PASSWORD_PROMPT,
  PROMPT_LIKE_END,
  SUDO_REJECTED,
} from '../../src/transport/prompts.js';
import { buildPinLine, createPromptMarker } from '../../src/transport/pinned-shell.js';
import { parseShowVersion, parseSfVersion, platformFromModel } from '../../src/transport/facts.js';
import { classifyConnectError, isTransientTriage, toConnectError } from '../../src/transport/triage.js';
import { orderHostKeyAlgorithms, createHostVerifier } from '../../src/transport/host-verifier.js';
import {
  appendKnownHost,
  buildHashedHostField,
  checkHostKey,
  entryMatchesHost,
  fingerprintOf,
  formatKnownHostName,
  hashHostName,
  parseKnownHosts,
  readKeyType,
} from '../../src/transport/known-hosts.js';
import { TransportError } from '../../src/model/transport.js';

function feedAll(scanner: MarkedOutputScanner, chunks: string[]): ReturnType<MarkedOutputScanner['push']> {
  let r: ReturnType<MarkedOutputScanner['push']>;
  const cleaner = new TerminalTextCleaner();
  for (const c of chunks) r = scanner.push(cleaner.push(c)) ?? r;
  return r;
}

/** Splits text into chunks of `size` characters. */
function chunked(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

describe('marker framing', () => {
  const id = 'abc123';
  const cmdLine = buildMarkedCommand('cat /etc/x', id);
  const stream =
    `${cmdLine}\r\n\x1b[?2004l\rFBS_${id}\r\nline one\r\nadmin@x:~$ looks like a prompt\r\n` +
    `FBE_${id} 2\r\n\x1b[?2004hadmin@ftd:~$ `;

  it('never puts the joined marker in the echoed command line', () => {
    expect(cmdLine).not.toContain(`FBS_${id}`);
    expect(cmdLine).not.toContain(`FBE_${id}`);
    expect(cmdLine).toBe(`printf '%s\\n' "FB""S_${id}"; eval 'cat /etc/x'; printf '%s %d\\n' "FB""E_${id}" $?`);
  });

  it.each([1, 2, 3, 5, 7, 1000])('parses output and exit code from %i-char chunks', (size) => {
    const r = feedAll(new MarkedOutputScanner(id, 1 << 20), chunked(stream, size));
    expect(r).toMatchObject({ output: 'line one\nadmin@x:~$ looks like a prompt\n', exitCode: 2, truncated: false });
    // Only what arrived in the same chunk; later chunks go to the next waiter (the prompt reader).
    expect('admin@ftd:~$ '.startsWith(r?.rest ?? 'missing')).toBe(true);
  });

  it('keeps output without a trailing newline exactly', () => {
    const r = feedAll(new MarkedOutputScanner(id, 1000), [`FBS_${id}\r\nno-newlineFBE_${id} 0\r\n$ `]);
    expect(r).toMatchObject({ output: 'no-newline', exitCode: 0 });
  });

  it('ignores a stale end marker of another id and handles background jobs', () => {
    const r = feedAll(new MarkedOutputScanner(id, 1000), [`FBE_other 1\nFBS_${id}\nok\nFBE_${id} 0\n`]);
    expect(r?.output).toBe('ok\n');
    expect(buildMarkedCommand('sleep 1 &', 'z')).toContain("eval 'sleep 1 &'; printf");
    expect(buildMarkedCommand('echo a;', 'z')).toContain("eval 'echo a;'; printf");
    // The command is one quoted eval word: a '#' or a quote in it cannot reach the end marker.
    expect(buildMarkedCommand("echo it's # x", 'z')).toContain(`eval 'echo it'\\''s # x'; printf`);
  });

  it('takes the end marker only with a whole exit code line', () => {
    // An incomplete or malformed end line is not the end; the next complete one is.
    const r = feedAll(new MarkedOutputScanner(id, 1000), [`FBS_${id}\nFBE_${id} x\nFBE_${id} \nFBE_${id} -`, `1\n$ `]);
    expect(r).toMatchObject({ output: `FBE_${id} x\nFBE_${id} \n`, exitCode: -1, rest: '$ ' });
    const scanner = new MarkedOutputScanner(id, 1000);
    expect(scanner.push(`FBS_${id}\nok\nFBE_${id} 12`)).toBeUndefined();
    expect(scanner.push(`7\n`)).toMatchObject({ output: 'ok\n', exitCode: 127 });
  });

  it('truncates at the cap, keeps draining and still finds the end marker', () => {
    const big = 'x'.repeat(100_000) + '\n';
    const scanner = new MarkedOutputScanner(id, 1000);
    const r = feedAll(scanner, [`FBS_${id}\n`, ...chunked(big, 4096), `FBE_${id} 0\n`]);
    expect(r?.truncated).toBe(true);
    expect(r?.output).toBe('x'.repeat(1000));
    expect(r?.exitCode).toBe(0);
  });

  it('reports partial output before the end marker arrives', () => {
    const scanner = new MarkedOutputScanner(id, 1000);
    expect(scanner.push(`FBS_${id}\nstarted\n`)).toBeUndefined();
    expect(scanner.partial()).toEqual({ output: 'started\n', truncated: false });
  });
});

describe('terminal text cleaning', () => {
  it('strips ANSI CSI/OSC sequences, BEL and NUL; normalises CRLF', () => {
    expect(stripTerminalNoise('\x1b[1mBold\x1b[0m\x07 \x1b]0;title\x07ok\x00\r\n')).toBe('Bold ok\n');
    expect(stripTerminalNoise('a\r\r\nb')).toBe('a\nb');
  });

  it('holds back an escape sequence and CR split across chunks', () => {
    const c = new TerminalTextCleaner();
    expect(c.push('red \x1b[3')).toBe('red ');
    expect(c.push('1mtext\r')).toBe('text');
    expect(c.push('\nnext')).toBe('\nnext');
    expect(c.flush()).toBe('');
  });

  it('removes the payload of DCS/OSC/APC/PM control strings, not just their introducer', () => {
    expect(stripTerminalNoise('a\x1bPq#0;2;0;0;0#1~~\x1b\\b\x1b]0;title\x07c\x1b_apc\x1b\\d\x1b^pm\x1b\\e\x1bXsos\x1b\\f')).toBe('abcdef');
    expect(stripTerminalNoise('ok\u0090dcs payload\u009c!')).toBe('ok!');
    expect(stripTerminalNoise('cut\x1b]0;never ended')).toBe('cut');
  });

  it('skips a control string split over many chunks, however long', () => {
    const c = new TerminalTextCleaner();
    const parts = ['x\x1bP', 'payload'.repeat(40), 'more\x1b', '\\y', '\x1b]2;t', 'itle\x07z\x1b[1;3', '2mG'];
    expect(parts.map((p) => c.push(p)).join('') + c.flush()).toBe('xyzG');
  });

  it('cleans any chunking of mixed text as it cleans the whole (plain chunks take a shorter path)', () => {
    // A CR right before a control string that ends in a later chunk is kept by the streaming cleaner
    // (it cannot know yet), so these pieces hold no unterminated control string.
    const pieces = ['ab', ' ', '\n', '\r', '\r\n', '\t', 'x\by', '\x1b[1;32m', '\x1b]0;title\x07', '\x07', '\x00', 'é東', '\x1b[', 'K'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let round = 0; round < 300; round++) {
      const whole = Array.from({ length: 1 + rand(30) }, () => pieces[rand(pieces.length)]).join('');
      const c = new TerminalTextCleaner();
      let out = '';
      for (let at = 0; at < whole.length; ) {
        const size = 1 + rand(8);
        out += c.push(whole.slice(at, at + size));
        at += size;
      }
      expect(out + c.flush(), JSON.stringify(whole)).toBe(stripTerminalNoise(whole).replace(/\r+$/, ''));
    }
  });

  it('escapes device text for messages (controls visible, non-ASCII kept)', () => {
    expect(escapeDeviceText('\x1b[1;32madmin@fw-東京<b>:~$\x1b[0m \r\n\\')).toBe('\\x1b[1;32madmin@fw-東京<b>:~$\\x1b[0m \\r\\n\\\\');
  });

  it('applies bare CR (pager erase) and backspace as a terminal would', () => {
    expect(applyLineEdits('done\n', '<--- More --->\r              \rline 11\n')).toBe('done\nline 11\n');
    expect(applyLineEdits('', 'shw\b\bhow')).toBe('show');
    expect(applyLineEdits('a\n', '\b')).toBe('a\n');
  });
});

describe('prompt patterns (only what has no PS1 to pin)', () => {
  it.each(['banner\n\n> ', 'output\n>'])('%j is the CLISH prompt', (text) => {
    expect(CLISH_PROMPT.test(text)).toBe(true);
  });

  it('does not mistake output for the CLISH prompt', () => {
    expect(CLISH_PROMPT.test('a > b')).toBe(false);
    expect(CLISH_PROMPT.test('Firepower-module1>')).toBe(false);
  });

  it('hints at a waiting shell without ever deciding, ignoring the sudo lecture', () => {
    for (const line of ['$ ', '# ', 'host% ', 'admin@fw-東京<b>:~$ ', 'user@box> ']) expect(PROMPT_LIKE_END.test(line)).toBe(true);
    for (const line of ['    #', '    #1) Respect the privacy of others.', 'Password: ', 'costs 5$ now']) expect(PROMPT_LIKE_END.test(line)).toBe(false);
  });

  it('recognises sudo, password-change and pager texts', () => {
    expect(PASSWORD_PROMPT.test('lecture\n\nPassword:')).toBe(true);
    expect(PASSWORD_PROMPT.test('[sudo] password for admin: ')).toBe(true);
    expect(SUDO_REJECTED.test('Sorry, try again.\n')).toBe(true);
    expect(SUDO_REJECTED.test('sudo: 3 incorrect password attempts')).toBe(true);
    expect(PASSWORD_CHANGE_PROMPT.test('Hello testuser. You must change your password.\nEnter new password: ')).toBe(true);
    expect(PAGER_PROMPT.test('row\n--More--')).toBe(true);
    expect(PAGER_PROMPT.test('row\n<--- More ---> ')).toBe(true);
  });
});

describe('pinning', () => {
  it('uses a prompt marker no shell expands, written split so its echo never holds it', () => {
    const a = createPromptMarker();
    expect(a).toMatch(/^FBQ_[0-9a-z]+:$/);
    expect(createPromptMarker()).not.toBe(a);
    const line = buildPinLine(a);
    expect(line).not.toContain(a);
    expect(line.startsWith(`PS1='FBQ''${a.slice(3)}'; `)).toBe(true);
    // Shell-specific syntax only inside eval strings: dash and ash never parse it.
    expect(line.replace(/eval '[^']*'/g, '')).not.toMatch(/\(\)|unsetopt|set \+o|trap/);
  });
});

describe('facts parsing', () => {
  it('parses CLISH show version (FTD 6.5, FMC 6.6.1)', () => {
    const ftd = `-------------------[ fdm65 ]--------------------
Model                     : Cisco Firepower Threat Defense for VMWare (75) Version 6.5.0 (Build 115)
UUID                      : 9d4b06f4-f4d2-11e9-8c86-eb98e807d9d8
----------------------------------------------------
`;
    expect(parseShowVersion(ftd)).toEqual({
      hostname: 'fdm65',
      model: 'Cisco Firepower Threat Defense for VMWare',
      version: '6.5.0',
      build: '115',
    });
    expect(parseShowVersion('Syntax error: Illegal parameter')).toEqual({});
  });

  it('names the platform from the model the device reports', () => {
    expect(platformFromModel('Cisco Firepower Threat Defense for VMWare')).toBe('ftd');
    expect(platformFromModel('Cisco ASA5516-X Threat Defense')).toBe('ftd');
    expect(platformFromModel('Cisco Firepower Management Center for VMWare')).toBe('fmc');
    expect(platformFromModel('Cisco Secure Firewall Management Center for VMware')).toBe('fmc');
    expect(platformFromModel('Debian GNU/Linux')).toBeUndefined();
  });

  it('parses /etc/sf/sf-version', () => {
    expect(parseSfVersion('Cisco Firepower Management Center for VMWare v6.4.0 (build 102)\n')).toEqual({
      model: 'Cisco Firepower Management Center for VMWare',
      version: '6.4.0',
      build: '102',
    });
  });
});

describe('known_hosts', () => {
  const keyB64 = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
  const otherB64 = 'AAAAC3NzaC1lZDI1NTE5AAAAIBl0aW9uIG9mIGEgZGlmZmVyZW50IGtleSBmb3IgdGVzdA';

  it('parses plain, comma lists, markers and comments', () => {
    const entries = parseKnownHosts(
      `# comment\n\nftd1,10.0.0.1 ssh-ed25519 ${keyB64}\n@cert-authority *.corp ssh-ed25519 ${otherB64}\n@revoked * ssh-rsa AAAAB3Nz\nbroken-line\n`,
    );
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({ line: 3, hostField: 'ftd1,10.0.0.1', keyType: 'ssh-ed25519' });
    expect(entries[1].marker).toBe('cert-authority');
    expect(entries[2].marker).toBe('revoked');
  });

  it('matches [host]:port, port 22 names, wildcards and negations', () => {
    const [bracket, plain, wild] = parseKnownHosts(
      `[127.0.0.1]:2222 ssh-ed25519 ${keyB64}\nftd1,10.0.0.1 ssh-ed25519 ${keyB64}\n*.lab,!bad.lab ssh-ed25519 ${keyB64}\n`,
    );
    expect(entryMatchesHost(bracket, '127.0.0.1', 2222)).toBe(true);
    expect(entryMatchesHost(bracket, '127.0.0.1', 22)).toBe(false);
    expect(entryMatchesHost(plain, '10.0.0.1', 22)).toBe(true);
    expect(entryMatchesHost(plain, '10.0.0.1', 2222)).toBe(false);
    expect(entryMatchesHost(wild, 'a.lab', 22)).toBe(true);
    expect(entryMatchesHost(wild, 'bad.lab', 22)).toBe(false);
    expect(formatKnownHostName('h', 22)).toBe('h');
  });

  it('matches hashed |1|salt|hmac entries (OpenSSH HMAC-SHA1 vector)', () => {
    // From `ssh-keygen -H`: salt and hash for "[127.0.0.1]:2222" computed independently.
    const salt = Buffer.alloc(20, 7).toString('base64');
    const field = buildHashedHostField('[127.0.0.1]:2222', salt);
    expect(field).toBe(`|1|${salt}|${hashHostName('[127.0.0.1]:2222', salt)}`);
    const [entry] = parseKnownHosts(`${field} ssh-ed25519 ${keyB64}`);
    expect(entryMatchesHost(entry, '127.0.0.1', 2222)).toBe(true);
    expect(entryMatchesHost(entry, '127.0.0.1', 2223)).toBe(false);
  });

  it('gives match / mismatch / unknown / revoked verdicts', () => {
    const entries = parseKnownHosts(`h1 ssh-ed25519 ${keyB64}\n@revoked * ssh-ed25519 ${otherB64}\nh3 ssh-rsa AAAAB3Nz\n`);
    expect(checkHostKey(entries, 'h1', 22, 'ssh-ed25519', keyB64).kind).toBe('match');
    expect(checkHostKey(entries, 'h2', 22, 'ssh-ed25519', keyB64).kind).toBe('unknown');
    expect(checkHostKey(entries, 'h1', 22, 'ssh-ed25519', otherB64).kind).toBe('revoked');
    expect(checkHostKey(entries, 'h3', 22, 'ssh-ed25519', keyB64)).toMatchObject({ kind: 'mismatch', knownType: 'ssh-rsa' });
  });

  it('reads key type and SHA256 fingerprint from a key blob', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const type = Buffer.from('ssh-ed25519');
    const blob = Buffer.concat([u32(type.length), type, u32(raw.length), raw]);
    expect(readKeyType(blob)).toBe('ssh-ed25519');
    expect(fingerprintOf(blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('accept-new appends a line; strict refuses unknown; off accepts anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-kh-'));
    try {
      const file = join(dir, 'sub', 'known_hosts');
      const blob = Buffer.from(keyB64, 'base64');
      const strict = createHostVerifier(file, 'strict', '10.1.1.1', 2222);
      expect(strict.verify(blob)).toBe(false);
      expect(strict.error()?.triage).toBe('host-key-unknown');
      expect(strict.error()?.message).toContain('--accept-new-host-keys');
      expect(createHostVerifier(file, 'accept-new', '10.1.1.1', 2222).verify(blob)).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(`[10.1.1.1]:2222 ssh-ed25519 ${keyB64}\n`);
      appendKnownHost(file, 'ftd9', 22, 'ssh-ed25519', keyB64);
      expect(readFileSync(file, 'utf8')).toContain(`\nftd9 ssh-ed25519 ${keyB64}\n`);
      const changed = createHostVerifier(file, 'accept-new', '10.1.1.1', 2222);
      expect(changed.verify(Buffer.from(otherB64, 'base64'))).toBe(false);
      expect(changed.error()?.triage).toBe('host-key-mismatch');
      expect(createHostVerifier(file, 'off', '10.1.1.1', 2222).verify(Buffer.from(otherB64, 'base64'))).toBe(true);
      writeFileSync(file, 'no-newline-at-end ssh-ed25519 AAAA');
      appendKnownHost(file, 'h', 22, 'ssh-ed25519', keyB64);
      expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('orders host key algorithms with known types first', () => {
    expect(orderHostKeyAlgorithms(['ssh-rsa']).slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(orderHostKeyAlgorithms(['ecdsa-sha2-nistp256'])[0]).toBe('ecdsa-sha2-nistp256');
  });
});

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

describe('triage mapping', () => {
  it.each([
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND x' }, 'dns'],
    [{ code: 'EAI_AGAIN' }, 'dns'],
    [{ code: 'ECONNREFUSED' }, 'refused'],
    [{ code: 'ECONNRESET' }, 'disconnected'],
    [{ level: 'client-timeout', message: 'Timed out while waiting for handshake' }, 'connect-timeout'],
    [{ code: 'EHOSTUNREACH' }, 'connect-timeout'],
    [{ level: 'client-authentication', message: 'All configured authentication methods failed' }, 'auth'],
    [new Error('Encrypted private key detected, but no passphrase given'), 'auth'],
    [new TransportError('host-key-unknown', 'x'), 'host-key-unknown'],
    [new Error('something odd'), 'internal'],
  ] as const)('%j → %s', (err, triage) => {
    expect(classifyConnectError(err)).toBe(triage);
  });

  it('retries only transient classes and redacts secrets from messages', () => {
    expect(isTransientTriage('refused')).toBe(true);
    expect(isTransientTriage('auth')).toBe(false);
    expect(isTransientTriage('host-key-mismatch')).toBe(false);
    const e = toConnectError(new Error('bad passphrase hunter22 given'), 'ftd1', ['hunter22']);
    expect(e.message).not.toContain('hunter22');
    expect(e.triage).toBe('auth');
  });
});

describe('capped capture', () => {
  it('keeps at most capBytes, UTF-8 safe', () => {
    expect(cutToBytes('héllo', 2)).toBe('h');
    const c = new CappedCapture(10, 16);
    for (let i = 0; i < 100; i++) c.append('0123456789');
    expect(c.isFrozen()).toBe(true);
    expect(c.finish(c.text())).toEqual({ output: '0123456789', truncated: true });
    expect(c.recent(4)).toBe('6789');
  });
});
