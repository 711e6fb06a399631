/** Check mode is read-only by construction: the allow-list of collect/capture programs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Level, PlaybookSpec } from '../../src/model/playbook.js';
import { readOnlyProblems, refusedExtension } from '../../src/command/read-only.js';
import { commandSites } from '../../src/command/sites.js';

const ROOT = join(import.meta.dirname, '../..');

function refusal(command: string, level: Level = 'root', ext?: PlaybookSpec['readonly_commands']): { message: string; offset: number } | undefined {
  return readOnlyProblems(command, level, ext)[0];
}

describe('the bypasses of the old deny-list are refused', () => {
  it.each<[string, Level, RegExp, string]>([
    ['sudo rm -rf /ngfw/var/log', 'expert', /'sudo' runs another program.*level: root/, 'sudo'],
    ['nohup reboot', 'root', /'nohup' runs another program/, 'nohup'],
    ['sh -c "reboot"', 'root', /'sh' runs another program/, 'sh'],
    ['systemctl restart sshd', 'root', /'systemctl' is not on the read-only list/, 'systemctl'],
    ['find /var/log -name x -delete', 'root', /find -delete is not on the read-only list/, '-delete'],
    ['find / -exec rm {} ;', 'root', /braces \('\{'\) would be brace expansion/, '{'],
    ["find / -exec rm '{}' ';'", 'root', /find -exec/, '-exec'],
    ['cat a 2>x.txt', 'root', /redirection '2>x\.txt' writes a file/, '2>'],
    ['cat a > /tmp/x', 'root', /redirection '>' writes a file/, '>'],
    ['cat a >> /tmp/x', 'root', /writes a file/, '>>'],
    ['cat a &> /tmp/x', 'root', /writes a file/, '&>'],
    ['cat a <> /tmp/x', 'root', /redirection '<>' is not allowed/, '<>'],
    ['tee /tmp/x', 'root', /'tee' is not on the read-only list/, 'tee'],
    ['rm -rf /', 'root', /'rm' is not on the read-only list/, 'rm'],
    ['echo $(reboot)', 'root', /command substitution/, '$('],
    ['echo `reboot`', 'root', /command substitution/, '`'],
    ['cat <(reboot)', 'root', /substitution/, '<'],
    ['diff <(cat a) b', 'root', /substitution/, '<'],
    ['echo "$(reboot)"', 'root', /'\$' inside double quotes is read by the shell/, '$('],
    ['cat a & reboot', 'root', /background/, '&'],
    ['(reboot)', 'root', /subshells/, '('],
    ['cat <<EOF', 'root', /here-documents/, '<<'],
    ['env reboot', 'root', /'env' runs another program/, 'env'],
    ['xargs rm < list', 'root', /'xargs' runs another program/, 'xargs'],
    ['cat a | xargs rm', 'root', /'xargs'/, 'xargs'],
    ['cat a; reboot', 'root', /'reboot' is not on/, 'reboot'],
    ['cat a && pmtool restartbyid SSEConnector', 'root', /pmtool is allowed only as 'pmtool status'/, 'restartbyid'],
    ["'r'm -rf /", 'root', /'rm' is not on/, "'r'm"],
    ['r\\m x', 'root', /a backslash here does not stand for a literal character/, '\\m'],
    ['r\\-m x', 'root', /'r-m' is not on/, 'r\\-m'],
    ['/bin/rm x', 'root', /'\/bin\/rm' is not on/, '/bin/rm'],
    ['FOO=1 cat a', 'root', /'FOO=1' is not on/, 'FOO=1'],
    ['{{tool}} a', 'root', /program must be written in the playbook/, '{{tool}}'],
    ['curl -o /etc/passwd https://x.example', 'root', /curl option '-o'/, '-o'],
    ['curl -sko /tmp/x https://x.example', 'root', /curl option '-o'/, '-sko'],
    ['curl --output=/tmp/x https://x.example', 'root', /curl option '--output'/, '--output'],
    ['curl -O https://x.example/f', 'root', /curl option '-O'/, '-O'],
    ['curl -T /etc/shadow https://x.example', 'root', /curl option '-T'/, '-T'],
    ['curl -d a=b https://x.example', 'root', /curl option '-d'/, '-d'],
    ['curl -X DELETE https://x.example', 'root', /curl option '-X'/, '-X'],
    ['curl -K cfg https://x.example', 'root', /curl option '-K'/, '-K'],
    ['curl file:///etc/shadow', 'root', /curl URL operand 'file:\/\/\/etc\/shadow' must be an http:\/\/ or https:\/\/ URL/, 'file:'],
    ['sort -o /etc/x a', 'root', /sort option '-o'/, '-o'],
    ['uniq a b', 'root', /at most one operand/, 'a'],
    ['date 010100002030', 'root', /sets the clock/, '010100002030'],
    ['date -s 2030-01-01', 'root', /date option '-s'/, '-s'],
    ['hostname evil', 'root', /takes no operand/, 'evil'],
    ['ss -K dst 192.0.2.1', 'root', /ss option '-K'/, '-K'],
    ['lsof -D b', 'root', /lsof option '-D'/, '-D'],
    ['printf -v PS1 x', 'root', /printf option '-v'/, '-v'],
    ['sed -i s/a/b/ f', 'root', /'sed' is not on/, 'sed'],
    ["awk 'BEGIN{system(\"reboot\")}'", 'root', /'awk' is not on/, 'awk'],
    ['echo !!', 'root', /history expansion/, '!'],
    ['configure network dns servers 192.0.2.53', 'cli', /'configure' is not a read-only CLI command/, 'configure'],
    ['expert', 'cli', /'expert' is not a read-only CLI command/, 'expert'],
    ['system support diagnostic-cli', 'cli', /'system'/, 'system'],
    ['show running-config | include dns', 'cli', /CLISH filters and operators/, '|'],
    ['show network; configure x', 'cli', /CLISH filters/, 'network;'],
  ])('%s (%s)', (command, level, message, at) => {
    const p = refusal(command, level);
    expect(p?.message).toMatch(message);
    expect(command.slice(p!.offset).startsWith(at)).toBe(true);
  });
});

describe('read-only commands are accepted', () => {
  it.each<[string, Level]>([
    ['show network', 'cli'],
    ['show version', 'cli'],
    ['sftunnel-status_brief', 'cli'],
    ['sftunnel-status-brief', 'cli'],
    ['cat /etc/sf/sf-version', 'expert'],
    ['curl -v -k --connect-timeout 10 -m 20 https://{{sse_api_host}}', 'root'],
    ['curl -v --connect-timeout 10 -m20 --cacert {{connector_ca}} {{item}}', 'root'],
    ['curl -sS --max-time=5 -H "Accept: x" https://a.example', 'root'],
    ['nslookup {{sse_api_host}}', 'root'],
    ['tail -n 200 {{connector_log}}', 'root'],
    ['netstat -anlp | grep EventHandler_SSEConnector.sock', 'root'],
    ['lsof -i | grep conn', 'root'],
    ['lsof -nP -i:443', 'root'],
    ['ss -tanp state established', 'root'],
    ['pmtool status | grep -i sseconnector', 'root'],
    ['grep -c x /var/log/messages 2>/dev/null || echo 0', 'root'],
    ['cat a 2>&1 >/dev/null; date -u +%s && uname -a', 'root'],
    ["find /var/log -name '*.log' -mtime -1 -ls", 'root'],
    ['sort -rn | uniq -c', 'root'],
    ['hostname -f', 'root'],
    ['date', 'expert'],
    ['grep x < /etc/hosts', 'root'],
    ["grep -v '!' /etc/hosts", 'root'],
    ['echo model={{checks.cli-only.version}}', 'root'],
  ])('%s (%s)', (command, level) => {
    expect(readOnlyProblems(command, level)).toEqual([]);
  });

  it('every collect and capture command of the shipped playbooks', () => {
    const spec = parse(readFileSync(join(ROOT, 'playbooks/securex.yml'), 'utf8')) as PlaybookSpec;
    const sites = commandSites(spec).filter((s) => s.readOnly);
    expect(sites.length).toBeGreaterThan(5);
    for (const s of sites) expect([s.template, readOnlyProblems(s.template, s.level, spec.readonly_commands, s.file)]).toEqual([s.template, []]);
  });
});

describe('readonly_commands extends the list explicitly', () => {
  it('adds programs per level, with any options', () => {
    expect(refusal('sftunnel_status.pl --json /x')).toBeDefined();
    expect(refusal('sftunnel_status.pl --json /x', 'root', { shell: ['sftunnel_status.pl'] })).toBeUndefined();
    expect(refusal('packet-tracer input x', 'cli', { cli: ['packet-tracer'] })).toBeUndefined();
    expect(refusal('packet-tracer input x', 'root', { cli: ['packet-tracer'] })).toBeDefined();
  });
  it('cannot add a wrapper, a writer, a listed program, or lift the other rules', () => {
    expect(refusal('sudo cat a', 'root', { shell: ['sudo'] })?.message).toMatch(/runs another program/);
    expect(refusal("awk '{print $1}' /etc/hosts", 'root', { shell: ['awk'] })?.message).toMatch(/'awk' is not on the read-only list/);
    expect(refusal('curl -o /tmp/x https://a.example', 'root', { shell: ['curl'] })?.message).toMatch(/curl option '-o'/);
    expect(refusal('tool x > /tmp/y', 'root', { shell: ['tool'] })?.message).toMatch(/writes a file/);
    expect(refusal('tool x $(reboot)', 'root', { shell: ['tool'] })?.message).toMatch(/substitution/);
    expect(refusal('tool -{{x}}', 'root', { shell: ['tool'] })?.message).toMatch(/inside an option word/);
    expect(refusal('configure network', 'cli', { cli: ['configure'] })?.message).toMatch(/not a read-only CLI command/);
    for (const name of ['awk', 'sed', 'perl', 'python', 'flock', 'setpriv', 'unshare', 'nsenter', 'systemd-run', 'pkexec', 'ssh', 'env', 'xargs', 'vi', 'rm', 'tee', 'dd', 'cp', 'mv', 'ln', 'chmod', 'sh', 'curl', '/usr/bin/x']) {
      expect([name, refusedExtension('shell', name)]).toEqual([name, expect.any(String)]);
    }
    for (const name of ['configure', 'system', 'expert']) expect([name, refusedExtension('cli', name)]).toEqual([name, expect.any(String)]);
    expect(refusedExtension('shell', 'sftunnel_status.pl')).toBeUndefined();
  });
});
