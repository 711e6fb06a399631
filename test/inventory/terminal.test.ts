/** Host names are inventory text, and inventory text reaches the terminal: `inventory --graph`
 * and error messages show control, ANSI, bidirectional and zero-width characters (as `␛` or
 * `<U+202E>`), never send them (issue 17, "Also"). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { writeTree } from './helpers.js';
import { memoryIo } from '../support/memory-io.js';


// Raw C0/C1 controls, bidi and zero-width characters (TAB and LF are layout, allowed).
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

describe('inventory host names on the terminal', () => {
  it('--graph shows an OSC title escape, a C1 CSI sequence, an RLO and a ZWSP as text', async () => {
    // YAML double quotes turn \e and \a into the real ESC and BEL.
    const dir = writeTree({ 'hosts.yml': 'all:\n  children:\n    fw:\n      hosts:\n        "fw\\e]0;owned\\a-01": {}\n        "fw\\x9b31m-02": {}\n        "fw-\\u202eevil": {}\n        "fw\\u200b-03": {}\n' });
    const m = memoryIo(dir);
    expect(await main(['inventory', '-i', join(dir, 'hosts.yml'), '--graph'], m.io)).toBe(0);
    expect(m.out()).not.toMatch(RAW);
    expect(m.out()).toContain('  |  |--fw\u241b]0;owned\u2407-01\n');
    expect(m.out()).toContain('  |  |--fw<U+009B>31m-02\n');
    expect(m.out()).toContain('  |  |--fw-<U+202E>evil\n');
    expect(m.out()).toContain('  |  |--fw<U+200B>-03\n');
  });

  it('--list is JSON with C1 controls, bidi and zero-width characters as \\u escapes (the same names)', async () => {
    const dir = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    "fw\\x9b31m-02": {}\n    "fw-\\u202eevil": {}\n    "fw\\e-03": {}\n' });
    const m = memoryIo(dir);
    expect(await main(['inventory', '-i', join(dir, 'hosts.yml'), '--list'], m.io)).toBe(0);
    expect(m.out()).not.toMatch(RAW);
    expect(m.out()).toContain('"fw\\u009b31m-02"');
    expect(m.out()).toContain('"fw-\\u202eevil"');
    expect(m.out()).toContain('"fw\\u001b-03"');
    expect(JSON.parse(m.out()).ungrouped.hosts).toEqual(['fw\x9b31m-02', 'fw-\u202eevil', 'fw\x1b-03']);
  });

  it('a CR in a quoted name is shown, and the error stays one line', async () => {
    const dir = writeTree({ 'hosts.yml': 'all:\n  children:\n    fw:\n      hosts\r;x:\n' });
    const m = memoryIo(dir);
    expect(await main(['inventory', '-i', join(dir, 'hosts.yml'), '--graph'], m.io)).toBe(4);
    expect(m.err()).not.toMatch(RAW);
    expect(m.err()).toMatch(/^[^\n]+:\d+:\d+: error\[inventory\]: [^\n]*hosts\u240d;x/);
  });

  it('an error that quotes a host entry shows its escapes', async () => {
    const dir = writeTree({ 'hosts.ini': '[fw]\nfw\x1b[2J\u202e[1:x]\n' });
    const m = memoryIo(dir);
    expect(await main(['inventory', '-i', join(dir, 'hosts.ini'), '--graph'], m.io)).toBe(4);
    expect(m.err()).not.toMatch(RAW);
    expect(m.err()).toContain("invalid host 'fw\u241b[2J<U+202E>[1:x]'");
  });
});
