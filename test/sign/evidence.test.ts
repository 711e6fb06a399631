/**
 * Issue 21 "Signed evidence" on the device lab (real SSH, real files, the real ssh-keygen):
 * `--sign-key` signs a run folder's SHA256SUMS into SHA256SUMS.sig (namespace firebook), OpenSSH
 * verifies it, and `firebook verify` finds every change to the folder and names the signer.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { parseSignature } from '../../src/sign/sshsig.js';
import { signEvidence } from '../../src/cli/sign-options.js';
import { loadSigningKey } from '../../src/sign/sshsig.js';
import { checkChecksums, writeChecksums } from '../../src/store/checksums.js';
import { memoryIo } from '../support/memory-io.js';
import { approve, fb, GOOD_DNS, makeApprover, workspace, type Approver } from '../change/helpers.js';

describe('signed run folders and firebook verify', () => {
  let lab: Lab;
  let ws: ReturnType<typeof workspace>;
  let alice: Approver;
  let mallory: string;
  let signed: string;
  let n = 0;
  const fresh = (name: string) => join(ws.dir, `${name}-${++n}`);
  const conn = () => ['--known-hosts', lab.knownHostsPath];
  const runArgs = (out: string, more: string[] = []) => ['run', ws.playbook, '-i', ws.inventory, '--limit', 's1,s2', '--out', out, '--format', 'json,html', '-q', ...conn(), ...more];
  const verify = (dir: string, more: string[] = ['--allowed-signers', alice.allowedSigners]) => fb(['verify', dir, ...more], ws.dir);
  /** A copy of the signed folder to tamper with. */
  const copy = (name: string) => {
    const to = fresh(name);
    cpSync(signed, to, { recursive: true });
    return to;
  };
  const keygenVerify = (dir: string, namespace = 'firebook', principal = alice.principal, signers = alice.allowedSigners) =>
    spawnSync('ssh-keygen', ['-Y', 'verify', '-n', namespace, '-f', signers, '-I', principal, '-s', join(dir, 'SHA256SUMS.sig')], { input: readFileSync(join(dir, 'SHA256SUMS')), encoding: 'utf8' });
  const fingerprint = (pub: string) => String(execFileSync('ssh-keygen', ['-l', '-f', pub])).split(' ')[1]!;
  const listed = (dir: string) => readFileSync(join(dir, 'SHA256SUMS'), 'utf8').split('\n').filter(Boolean).map((l) => l.slice(66));

  beforeAll(async () => {
    lab = await startLab({ hosts: ['s1', 's2', 's3'].map((name) => ({ name, platform: 'ftd' as const, scenario: 'dns-broken' as const })) });
    ws = workspace(lab);
    alice = makeApprover(ws.dir, 'alice@example.com');
    mallory = join(ws.dir, 'mallory');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mallory', '-f', mallory]);
    signed = fresh('signed');
    // A run whose checks fail (dns-broken: exit 2) is signed all the same: evidence of a failure.
    const r = await fb(runArgs(signed, ['--sign-key', alice.key]), ws.dir);
    expect([r.code, r.stderr]).toEqual([2, '']);
  }, 120_000);
  afterAll(() => {
    lab?.stop();
    if (ws) rmSync(ws.dir, { recursive: true, force: true });
  });

  it('run --sign-key: SHA256SUMS.sig verifies with the real ssh-keygen (namespace firebook) and with firebook verify, naming the signer', async () => {
    expect(existsSync(join(signed, 'SHA256SUMS.sig'))).toBe(true);
    expect(listed(signed)).toEqual(['events.jsonl', 'report.html', 'report.json']);
    const k = keygenVerify(signed);
    expect([k.status, k.stdout]).toEqual([0, expect.stringMatching(/^Good "firebook" signature for alice@example\.com with ED25519 key SHA256:/)]);
    // The namespace is part of what is signed: the same signature is no plan approval.
    expect(keygenVerify(signed, 'firebook-plan').status).not.toBe(0);
    const fp = fingerprint(`${alice.key}.pub`);
    // What the results database records as the signer.
    expect(parseSignature(readFileSync(join(signed, 'SHA256SUMS.sig'), 'utf8')).publicKey.fingerprint).toBe(fp);
    const v = await verify(signed);
    expect([v.code, v.stderr]).toEqual([0, '']);
    expect(v.stdout).toBe(`SHA256SUMS.sig: good signature of SHA256SUMS by alice@example.com (ssh-ed25519 ${fp})\nverified: ${signed}: 3 files match SHA256SUMS; signed by alice@example.com (ssh-ed25519 ${fp})\n`);
    // The same from $FIREBOOK_ALLOWED_SIGNERS, and as JSON.
    const m = memoryIo(ws.dir, { FIREBOOK_ALLOWED_SIGNERS: alice.allowedSigners });
    const { main } = await import('../../src/cli/main.js');
    expect(await main(['verify', signed, '--json'], m.io)).toBe(0);
    const json = JSON.parse(m.out()) as { verified: boolean; files: number; signature: { status: string; principals: string[]; fingerprint: string } };
    expect([json.verified, json.files, json.signature.status, json.signature.principals, json.signature.fingerprint]).toEqual([true, 3, 'good', ['alice@example.com'], fp]);
  });

  it('one byte of report.json changed: NOT VERIFIED, exit 2, naming report.json', async () => {
    const dir = copy('tampered');
    const file = join(dir, 'report.json');
    const bytes = readFileSync(file);
    bytes[10] = bytes[10]! ^ 0x01;
    writeFileSync(file, bytes);
    const v = await verify(dir);
    expect(v.code).toBe(2);
    expect(v.stdout).toMatch(/^report\.json: changed since SHA256SUMS was written \(sha256 [0-9a-f]{64}, SHA256SUMS says [0-9a-f]{64}\)\n/);
    expect(v.stdout).toMatch(/\nNOT VERIFIED: .*: 1 problem\n$/);
    // The attacker who also rewrites SHA256SUMS breaks the signature instead.
    writeChecksums(dir);
    const again = await verify(dir);
    expect(again.code).toBe(2);
    expect(again.stdout).toMatch(/^SHA256SUMS\.sig: does not match SHA256SUMS \(signed by ssh-ed25519 SHA256:\S+\): SHA256SUMS changed after it was signed\n/);
    expect(keygenVerify(dir).status).not.toBe(0);
  });

  it('a file added and a file removed: each named on its own line', async () => {
    const dir = copy('added-removed');
    writeFileSync(join(dir, 'notes.txt'), 'added later\n');
    rmSync(join(dir, 'report.html'));
    const v = await verify(dir);
    expect(v.code).toBe(2);
    expect(v.stdout.split('\n')).toEqual([
      'report.html: missing (SHA256SUMS lists it)',
      'notes.txt: not listed in SHA256SUMS (added after the run)',
      expect.stringMatching(/^SHA256SUMS\.sig: good signature/),
      expect.stringMatching(/^NOT VERIFIED: .*: 2 problems$/),
      '',
    ]);
  });

  it('a listed file replaced by a FIFO is reported, never read (verify does not hang); bad manifest lines are named', async () => {
    const dir = copy('fifo');
    rmSync(join(dir, 'events.jsonl'));
    execFileSync('mkfifo', [join(dir, 'events.jsonl')]);
    const v = await verify(dir);
    expect(v.code).toBe(2);
    expect(v.stdout).toMatch(/^events\.jsonl: cannot be read \(not a regular file\)\n/);
    const sums = Buffer.from(`${'0'.repeat(64)}  ../outside\n${'0'.repeat(64)}  SHA256SUMS.sig\nnonsense\n`);
    expect(checkChecksums(dir, sums).findings.filter((f) => f.problem === 'bad-line').map((f) => f.file)).toEqual(['SHA256SUMS:1', 'SHA256SUMS:2', 'SHA256SUMS:3']);
  });

  it('signed by a key allowed_signers does not list: refused, naming its fingerprint; ssh-keygen agrees', async () => {
    const dir = copy('wrong-key');
    rmSync(join(dir, 'SHA256SUMS.sig'));
    execFileSync('ssh-keygen', ['-Y', 'sign', '-q', '-f', mallory, '-n', 'firebook', join(dir, 'SHA256SUMS')]);
    const v = await verify(dir);
    expect(v.code).toBe(2);
    expect(v.stdout).toContain(`SHA256SUMS.sig: signed by ssh-ed25519 ${fingerprint(`${mallory}.pub`)}, which is not a trusted signer: ${alice.allowedSigners} does not list the key\n`);
    expect(keygenVerify(dir).status).not.toBe(0);
    // Without any allowed_signers, even a good signature names no trusted signer.
    const none = await fb(['verify', copy('no-signers')], ws.dir);
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/not a trusted signer: no allowed_signers file was given/);
  });

  it('a line whose namespaces= leaves out "firebook" does not trust the key for run folders', async () => {
    const plansOnly = join(ws.dir, 'plans_only_signers');
    writeFileSync(plansOnly, readFileSync(alice.allowedSigners, 'utf8').replace('alice@example.com ', 'alice@example.com namespaces="firebook-plan" '));
    const v = await verify(signed, ['--allowed-signers', plansOnly]);
    expect(v.code).toBe(2);
    expect(v.stdout).toMatch(/lists the key, but not for namespace "firebook" now/);
    expect(keygenVerify(signed, 'firebook', alice.principal, plansOnly).status).not.toBe(0);
  });

  it('a signature of another namespace (ssh-keygen -n firebook-plan) is refused', async () => {
    const dir = copy('namespace');
    rmSync(join(dir, 'SHA256SUMS.sig'));
    execFileSync('ssh-keygen', ['-Y', 'sign', '-q', '-f', alice.key, '-n', 'firebook-plan', join(dir, 'SHA256SUMS')]);
    const v = await verify(dir);
    expect(v.code).toBe(2);
    expect(v.stdout).toMatch(/^SHA256SUMS\.sig: signed for namespace "firebook-plan", not "firebook", by ssh-ed25519 SHA256:\S+: refused/m);
  });

  it('a truncated or garbled SHA256SUMS.sig: a clear line, exit 2, no stack trace', async () => {
    const cut = copy('truncated');
    const sig = join(cut, 'SHA256SUMS.sig');
    truncateSync(sig, Math.floor(readFileSync(sig).length / 2));
    appendFileSync(sig, '\n-----END SSH SIGNATURE-----\n');
    const garbled = copy('garbled');
    writeFileSync(join(garbled, 'SHA256SUMS.sig'), 'not a signature at all\n');
    for (const dir of [cut, garbled]) {
      const v = await verify(dir);
      expect([v.code, v.stderr]).toEqual([2, '']);
      expect(v.stdout).toMatch(/^SHA256SUMS\.sig: not a readable SSH signature \([^\n]+\)\nNOT VERIFIED: .*: 1 problem\n$/);
      expect(v.stdout).not.toMatch(/\n\s+at /);
    }
  });

  it('an unsigned folder: digests verified, "not signed" said plainly, exit 0', async () => {
    const dir = fresh('unsigned');
    expect((await fb(runArgs(dir), ws.dir)).code).toBe(2);
    expect(existsSync(join(dir, 'SHA256SUMS.sig'))).toBe(false);
    const v = await verify(dir, []);
    expect([v.code, v.stdout]).toEqual([0, `SHA256SUMS.sig: none: the folder is not signed (digests only)\nverified: ${dir}: 3 files match SHA256SUMS; not signed (digests only: whoever can write the folder can also rewrite SHA256SUMS)\n`]);
    // Allowed signers given: a signature is expected, so a removed one is not "digests only".
    const expected = await verify(dir);
    expect([expected.code, expected.stdout.split('\n')[0]]).toEqual([2, 'SHA256SUMS.sig: missing: allowed signers were given, so a signature is expected (a folder whose signature was removed is not verified)']);
    rmSync(join(dir, 'events.jsonl'));
    expect((await verify(dir, [])).code).toBe(2);
  });

  it('SHA256SUMS never lists SHA256SUMS.sig, also when report render writes it again into a signed folder', async () => {
    const dir = copy('render');
    const r = await fb(['report', 'render', join(dir, 'report.json'), '--format', 'md'], ws.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^firebook report: warning: \S+SHA256SUMS\.sig signed the folder's earlier SHA256SUMS and no longer matches it/);
    expect(listed(dir)).toEqual(['events.jsonl', 'report.html', 'report.json', 'report.md']);
    // The folder changed after signing, and verify says so.
    expect((await verify(dir)).stdout).toMatch(/does not match SHA256SUMS/);
  });

  it('a wrong --sign-key path or passphrase is a usage error (exit 4) naming the flag; nothing runs', async () => {
    const before = lab.commandLog('s1').length;
    const enc = join(ws.dir, 'enc');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pass phrase', '-f', enc]);
    const pass = join(ws.dir, 'pass');
    writeFileSync(pass, 'wrong\n');
    for (const [more, message] of [
      [['--sign-key', join(ws.dir, 'no-such-key')], /^error\[file-not-found\]: --sign-key \S+no-such-key: /],
      [['--sign-key', enc], /^error\[cli-usage\]: --sign-key \S+enc: the key is encrypted\n {2}hint: give the passphrase with --sign-key-passphrase-file FILE or the environment variable FIREBOOK_SIGN_KEY_PASSPHRASE/],
      [['--sign-key', enc, '--sign-key-passphrase-file', pass], /^error\[cli-usage\]: --sign-key \S+enc: wrong passphrase/],
      [['--sign-key', `${alice.key}.pub`], /^error\[cli-usage\]: --sign-key \S+\.pub: /],
    ] as const) {
      const out = fresh('bad-key');
      const r = await fb(runArgs(out, [...more]), ws.dir);
      expect([r.code, r.stderr]).toEqual([4, expect.stringMatching(message)]);
      expect(existsSync(out)).toBe(false);
    }
    expect(lab.commandLog('s1').length).toBe(before);
    // The right passphrase, from the file or from the environment, signs.
    writeFileSync(pass, 'pass phrase\n');
    const out = fresh('enc-signed');
    expect((await fb(runArgs(out, ['--sign-key', enc, '--sign-key-passphrase-file', pass]), ws.dir)).code).toBe(2);
    expect(parseSignature(readFileSync(join(out, 'SHA256SUMS.sig'), 'utf8')).publicKey.fingerprint).toBe(fingerprint(`${enc}.pub`));
    const fromEnv = fresh('enc-env');
    process.env.FIREBOOK_SIGN_KEY_PASSPHRASE = 'pass phrase';
    try {
      expect((await fb(runArgs(fromEnv, ['--sign-key', enc]), ws.dir)).code).toBe(2);
    } finally {
      delete process.env.FIREBOOK_SIGN_KEY_PASSPHRASE;
    }
    expect(existsSync(join(fromEnv, 'SHA256SUMS.sig'))).toBe(true);
  });

  it('a signing failure at the end is one warning line, never the reports or the exit code', () => {
    const m = memoryIo(ws.dir);
    const dir = fresh('no-sums');
    cpSync(signed, dir, { recursive: true });
    rmSync(join(dir, 'SHA256SUMS'));
    expect(signEvidence('run', dir, loadSigningKey(alice.key, undefined, '--sign-key'), m.io)).toBeUndefined();
    expect(m.err()).toMatch(/^firebook run: warning: --sign-key: the run folder was not signed \(ENOENT[^\n]*\); its reports and SHA256SUMS are written\n$/);
  });

  it('verify: no such folder or a bad allowed_signers file is a usage error (exit 4)', async () => {
    const none = await verify(join(ws.dir, 'nope'));
    expect([none.code, none.stderr]).toEqual([4, expect.stringMatching(/^error\[file-not-found\]: firebook verify: \S+nope: no such folder/)]);
    const bad = join(ws.dir, 'bad_signers');
    writeFileSync(bad, 'alice@example.com ssh-ed25519 !!!\n');
    const r = await verify(signed, ['--allowed-signers', bad]);
    expect([r.code, r.stderr]).toEqual([4, expect.stringMatching(/bad_signers:1:1: error\[schema\]: allowed signers: the key cannot be read/)]);
  });

  it('report merge --sign-key signs the merged folder; ssh-keygen verifies it', async () => {
    const shards = [1, 2].map((i) => fresh(`shard${i}`));
    // A shard may hold no host (exit 0) or both; the merged run has both hosts failing DNS.
    for (const [i, dir] of shards.entries()) expect([0, 2]).toContain((await fb(runArgs(dir, ['--shard', `${i + 1}/2`]), ws.dir)).code);
    const merged = fresh('merged');
    const r = await fb(['report', 'merge', ...shards, '--out', merged, '--format', 'json', '--sign-key', alice.key], ws.dir);
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(join(merged, 'SHA256SUMS.sig'));
    expect(listed(merged)).not.toContain('SHA256SUMS.sig');
    expect(keygenVerify(merged).status).toBe(0);
    expect((await verify(merged)).code).toBe(0);
  }, 120_000);

  it('apply and rollback --sign-key sign the change run folders', async () => {
    const plan = join(ws.dir, 'plan.json');
    const p = await fb(['plan', ws.playbook, '-i', ws.inventory, '--limit', 's3', '-e', GOOD_DNS, '-o', plan, '--out', fresh('plan'), ...conn()], ws.dir);
    expect(p.code).toBe(0);
    await approve(plan, alice, ws.dir);
    const out = fresh('apply');
    const r = await fb(['apply', plan, '--allowed-signers', alice.allowedSigners, '--out', out, '--sign-key', alice.key, ...conn()], ws.dir);
    expect([r.code, r.stderr]).toEqual([0, expect.any(String)]);
    expect(listed(out)).toContain('journal.jsonl');
    expect(keygenVerify(out).status).toBe(0);
    expect((await verify(out)).stdout).toMatch(/^verified: .*; signed by alice@example\.com/m);
    // rollback takes the same path (resume too: change-options.ts, cli/execute.ts).
    const back = fresh('rollback');
    const rb = await fb(['rollback', join(out, 'journal.jsonl'), '--allowed-signers', alice.allowedSigners, '--out', back, '--sign-key', alice.key, ...conn()], ws.dir);
    expect([rb.code, rb.stderr]).toEqual([0, expect.any(String)]);
    expect(keygenVerify(back).status).toBe(0);
  }, 120_000);
});
