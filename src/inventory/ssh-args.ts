/**
 * The host-key options Ansible users already put in inventories: `-o UserKnownHostsFile=…` and
 * `-o StrictHostKeyChecking=…` in `ansible_ssh_common_args` / `ansible_ssh_extra_args`. Other
 * ssh options there are ignored (firebook speaks SSH itself; it does not run `ssh`).
 */
import { homedir } from 'node:os';
import { splitShellWords, ShlexError } from './shlex.js';

/** What a host's ssh args say about host keys (absent: the run's flags decide). */
export interface SshHostKeyOptions {
  /** `UserKnownHostsFile`: one or more files; the first receives new keys (accept-new). */
  knownHostsFiles?: string[];
  /** `StrictHostKeyChecking`: yes/ask → strict, accept-new → accept-new, no/off → off. */
  hostKeyPolicy?: 'strict' | 'accept-new' | 'off';
}

const POLICIES: Record<string, SshHostKeyOptions['hostKeyPolicy']> = { yes: 'strict', ask: 'strict', 'accept-new': 'accept-new', no: 'off', off: 'off' };

/** `-o Key=Value`, `-oKey=Value`, `-o 'Key Value'`, in order. */
function sshOptions(words: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    let opt: string | undefined;
    if (w === '-o') opt = words[++i];
    else if (w.startsWith('-o')) opt = w.slice(2);
    const m = opt?.match(/^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*?)\s*$/);
    if (m) out.push([m[1].toLowerCase(), m[2]]);
  }
  return out;
}

/** A leading `~` (alone or before `/`) is the home folder, as ssh and Ansible expand it. */
export function expandHome(path: string): string {
  return path.replace(/^~(?=\/|$)/, homedir());
}

/** `~` and `%d` are the home folder, as ssh expands them; `none` means no file. */
function expandKnownHostsFiles(value: string): string[] {
  if (value.toLowerCase() === 'none') return ['/dev/null'];
  return value.split(/\s+/).filter(Boolean).map((f) => expandHome(f).replace(/%d/g, homedir()));
}

/**
 * Reads the host-key options of `ansible_ssh_common_args` then `ansible_ssh_extra_args` (the
 * order Ansible puts them on ssh's command line; as in ssh, the first value of an option wins).
 * Throws an Error with a plain message for unbalanced quotes or an unknown StrictHostKeyChecking.
 */
export function sshHostKeyOptions(commonArgs: string | undefined, extraArgs: string | undefined): SshHostKeyOptions {
  const words: string[] = [];
  for (const [name, text] of [['ansible_ssh_common_args', commonArgs], ['ansible_ssh_extra_args', extraArgs]] as const) {
    if (!text) continue;
    try {
      words.push(...splitShellWords(text));
    } catch (err) {
      if (err instanceof ShlexError) throw new Error(`${name}: ${err.message.toLowerCase()}`);
      throw err;
    }
  }
  const out: SshHostKeyOptions = {};
  for (const [key, value] of sshOptions(words)) {
    if (key === 'userknownhostsfile' && !out.knownHostsFiles) out.knownHostsFiles = expandKnownHostsFiles(value);
    if (key === 'stricthostkeychecking' && !out.hostKeyPolicy) {
      const policy = POLICIES[value.toLowerCase()];
      if (!policy) throw new Error(`StrictHostKeyChecking=${value} is not one of yes, accept-new, no, ask, off`);
      out.hostKeyPolicy = policy;
    }
  }
  return out;
}
