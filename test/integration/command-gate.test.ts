/** Issue 9 §2 end to end: nothing reaches a device that the playbook author did not write. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { writeInventory } from './helpers.js';
import { fbAsync } from '../cli/helpers.js';

const fb = (args: string[]) => fbAsync(args);

const dir = mkdtempSync(join(tmpdir(), 'fb-gate-'));
function playbook(name: string, command: string): string {
  const path = join(dir, name);
  writeFileSync(path, ['name: gate', 'checks:', '  - id: a', '    title: A', '    severity: low', '    collect:', '      - level: root', `        command: ${JSON.stringify(command)}`, '    expect:', '      - { of: exit, equals: 0 }', ''].join('\n'));
  return path;
}

describe('the block-parameter exploit is closed', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ hosts: 2 });
  });
  afterAll(() => lab?.stop());

  const sentNothing = () => {
    for (const h of lab.hosts) expect(lab.commandLog(h.name)).toEqual([]);
  };

  it('validate refuses the template with its file:line:col, exit 4', async () => {
    const pb = playbook('exploit.yml', 'nslookup x {{#each vars.m as |v k|}}{{k}}{{/each}}');
    const r = await fb(['validate', pb]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/exploit\.yml:8:30: error\[template\]: block helper '\{\{#each' is not allowed in a command/);
  });

  it('validate without an inventory checks -e values against the holes they fill', async () => {
    const pb = playbook('hole.yml', 'nslookup {{m}}');
    const r = await fb(['validate', pb, '-e', '{"m": {"a;reboot": 1}}']);
    expect(r.status).toBe(4);
    expect(r.stderr.trim().split('\n')).toEqual([`error[invalid-variable]: -e {"m": {"a;reboot": 1}}: m is a mapping; a command takes a single value or a list (in a root command)`]);
  });

  it('run refuses it too, and the devices receive nothing', async () => {
    const pb = playbook('exploit.yml', 'nslookup x {{#each vars.m as |v k|}}{{k}}{{/each}}');
    const r = await fb(['run', pb, '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '-e', '{"m": {"a;reboot": 1}}', '--out', join(dir, 'out1')]);
    expect(r.status).toBe(4);
    sentNothing();
  });

  it('the same key through a plain hole is refused before any host is touched', async () => {
    const pb = playbook('hole.yml', 'nslookup {{m}}');
    const r = await fb(['run', pb, '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '-e', '{"m": {"a;reboot": 1}}', '--out', join(dir, 'out2')]);
    expect(r.status).toBe(4);
    expect(r.stderr.trim().split('\n')).toEqual([`error[invalid-variable]: -e {"m": {"a;reboot": 1}}: m is a mapping; a command takes a single value or a list (in a root command)`]);
    sentNothing();
  });

  it('a read-only violation is refused before any host is touched', async () => {
    const pb = playbook('sudo.yml', 'sudo rm -rf /ngfw/var/log');
    const r = await fb(['run', pb, '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '--out', join(dir, 'out3')]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/sudo\.yml:8:19: error\[read-only\]: 'sudo' runs another program/);
    sentNothing();
  });

  it('control: the same playbook with a plain value reaches the device (the log above could fail)', async () => {
    const pb = playbook('hole.yml', 'nslookup {{m}}');
    const r = await fb(['run', pb, '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '-e', 'm=api-sse.cisco.com', '--out', join(dir, 'out5')]);
    expect(r.stderr).toBe('');
    expect(lab.commandLog(lab.hosts[0].name).map((e) => e.line).join('\n')).toMatch(/'nslookup'\\'' '\\''api-sse\.cisco\.com'/);
  });
});

describe('a user error is said once', () => {
  const inventory = join(dir, 'fleet.yml');
  const hosts = Array.from({ length: 25 }, (_, i) => `        fw${i + 1}: { ansible_host: 192.0.2.${i + 1} }`);
  writeFileSync(inventory, ['all:', '  children:', '    ftd:', '      vars: { platform: ftd, ansible_user: admin, ansible_password: x }', '      hosts:', ...hosts].join('\n') + '\n');

  it.each(['validate', 'run'])('%s -e dns_servers=not-an-ip on 25 hosts: one line naming the -e argument, exit 4', async (command) => {
    const r = await fb([command, 'playbooks/securex.yml', '-i', inventory, '-e', 'dns_servers=not-an-ip', ...(command === 'run' ? ['--out', join(dir, 'out4')] : [])]);
    expect(r.status).toBe(4);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`error[invalid-variable]: -e dns_servers=not-an-ip: input 'dns_servers' must be ip-list: item 1: "not-an-ip" is not an IPv4 or IPv6 address`);
  });
});

/** Issue 17 §1 end to end: the review's payloads are refused at validate (exit 4, file:line:col)
 * or before any host is touched; the real-shell proof is test/sshd/read-only-argv.test.ts. */
describe('issue 17: what the shell runs is what was approved', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ hosts: 1 });
  });
  afterAll(() => lab?.stop());
  const sentNothing = () => {
    for (const h of lab.hosts) expect(lab.commandLog(h.name)).toEqual([]);
  };
  function stepPlaybook(name: string, step: string, extra: string[] = []): string {
    const path = join(dir, name);
    writeFileSync(path, ['name: gate', ...extra, 'checks:', '  - id: a', '    title: A', '    severity: low', '    collect:', '      - level: expert', `        ${step}`, '    expect:', '      - { of: exit, equals: 0 }', ''].join('\n'));
    return path;
  }

  // [step, the construct refused]: the error names its column in the YAML line.
  it.each([
    ['file: "/etc/hostname; touch /var/tmp/pwn"', ';', /";" is not a path character/],
    ['file: "/etc/hostname $(touch /var/tmp/pwn)"', ' $(', /" " is not a path character/],
    ['command: "sort f ${u:--o/var/tmp/pwn}"', '${', /'\$' \(parameter expansion/],
    ['command: "find d -type f ${u:--delete}"', '${', /'\$' \(parameter expansion/],
    ['command: "curl -H {x:y,-o,/var/tmp/pwn} --url file:///etc/hostname"', '{x', /brace expansion/],
    ['command: "uniq ${u:-a${IFS}b}"', '${', /'\$'/],
    ["command: \"echo ${x:='$(id)'} ${x@P}\"", '${', /'\$'/],
    ["command: \"echo ${PROMPT_COMMAND:='touch /var/tmp/pwn'}\"", '${', /'\$'/],
    ["command: \"test -v 'a[$(touch /var/tmp/pwn)]'\"", '-v', /test -v is refused/],
    ["command: \"echo ${y:='a[$(id)]'} ${HOME:y}\"", '${', /'\$'/],
    ['command: "cat /etc/hostname #x"', '#', /'#'.*comment/],
    ['command: "ls =ls"', '=', /starting with '=' is expanded by zsh/],
    ['command: "ss --ki"', '--ki', /ss option '--ki' is not on the read-only list/],
    ['command: "ss --dia=F"', '--dia', /ss option '--dia' is not on the read-only list/],
    ['command: "ss -{{x}}"', '-{{', /inside an option word/],
  ])('validate refuses %s at its file:line:col, exit 4; run sends nothing', async (step, at, message) => {
    const pb = stepPlaybook('payload.yml', step);
    const r = await fb(['validate', pb, '-e', 'x=K']);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(new RegExp(`payload\\.yml:8:${8 + step.indexOf(at) + 1}: error\\[(read-only|template)\\]: `));
    expect(r.stderr).toMatch(message);
    const run = await fb(['run', pb, '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '-e', 'x=K', '--out', join(dir, `out-p${step.length}`)]);
    expect(run.status).toBe(4);
    sentNothing();
  });

  it.each(['validate', 'run', 'plan'])('%s: -e sse_endpoints with gopher:// and file:// URLs is exit 4 before any host', async (command) => {
    const extra = command === 'validate' ? [] : ['-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '--out', join(dir, `out-sse-${command}`)];
    const r = await fb([command, 'playbooks/securex.yml', '-e', '{"sse_endpoints":["gopher://127.0.0.1:6379/_FLUSHALL","file:///etc/shadow"]}', ...extra]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/sse_endpoints|securex\.yml:251:\d+/);
    expect(r.stderr).toMatch(/item is not an http:\/\/ or https:\/\/ URL/);
    sentNothing();
  });

  it('a curl URL operand is judged after filling, whatever the hole type (string input)', async () => {
    const pb = stepPlaybook('curl.yml', 'command: "curl -s {{u}}"', ['inputs:', '  u: { type: string }']);
    const r = await fb(['validate', pb, '-e', 'u=file:///etc/shadow']);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/curl URL operand '\{\{u\}\}' must be an http:\/\/ or https:\/\/ URL/);
  });

  it('validate judges a read-only step with the values the playbook declares (vars_by_input choices)', async () => {
    const pb = stepPlaybook('declared.yml', 'command: "curl -s {{item}}"', ['inputs:', '  region: { type: string, choices: [us, eu] }', 'vars_by_input:', '  region:', '    us: { endpoints: ["https://a.example"] }', '    eu: { endpoints: ["https://b.example", "gopher://127.0.0.1:6379/_FLUSHALL"] }']);
    const text = readFileSync(pb, 'utf8').replace('command: "curl -s {{item}}"', 'command: "curl -s {{item}}"\n        loop: endpoints');
    writeFileSync(pb, text);
    const r = await fb(['validate', pb]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/declared\.yml:14:27: error\[invalid-variable\]: curl URL operand '\{\{item\}\}' must be an http.*\(with the values of vars_by_input\.region\.eu\)/);
  });

  it('readonly_commands: a writer is refused; an accepted addition warns at validate and on the run console', async () => {
    const bad = stepPlaybook('ext-bad.yml', 'command: "awk 1 /etc/hostname"', ['readonly_commands:', '  shell: [awk]']);
    const r = await fb(['validate', bad]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/ext-bad\.yml:3:11: error\[read-only\]: readonly_commands cannot add 'awk': it can write files, run programs or change the system/);
    const ok = stepPlaybook('ext-ok.yml', 'command: "hostnamectl status"', ['readonly_commands:', '  shell: [hostnamectl]']);
    const v = await fb(['validate', ok]);
    expect(v.status).toBe(0);
    expect(v.stderr).toMatch(/ext-ok\.yml:3:11: warning\[readonly-commands\]: readonly_commands adds 'hostnamectl'/);
    const run = await fb(['run', ok, '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '--out', join(dir, 'out-ext')]);
    expect(run.stderr).toMatch(/warning\[readonly-commands\]: readonly_commands adds 'hostnamectl'/);
  });

  it('remediations: a hole where the shell parses text again is refused', async () => {
    const path = join(dir, 'rem.yml');
    writeFileSync(path, ['name: rem', 'checks:', '  - id: a', '    title: A', '    severity: low', '    collect: [{ level: expert, command: "true" }]', '    expect: [{ of: exit, equals: 0 }]', '    remediation: [r]', 'remediations:', '  - id: r', '    title: R', '    apply:', '      - level: root', '        command: "sh -c {{x}}"', '    verify: [a]', ''].join('\n'));
    const r = await fb(['validate', path, '-e', 'x=id']);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/rem\.yml:14:25: error\[template\]: a \{\{variable\}\} where the shell parses text again \(as the text of sh -c\)/);
  });
});
