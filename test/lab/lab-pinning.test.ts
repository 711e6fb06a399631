/** The lab's bash takes the transport's pin line as a real bash does (transport/pinned-shell.ts):
 * PS1/PS2 assignment, unset, export, stty -echo, eval behind version guards, `id -u`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FANCY_PS1, startLab, type Lab } from '../../src/lab/index.js';
import { buildConfirmLine, buildPinLine } from '../../src/transport/pinned-shell.js';
import { openShell } from './expect.js';

let lab: Lab;
const port = (name: string) => lab.hosts.find((h) => h.name === name)!.port;

beforeAll(async () => {
  lab = await startLab({ hosts: [{ name: 'fancy', platform: 'ftd', ps1: FANCY_PS1 }] });
});
afterAll(() => lab.stop());

describe('lab: a shell pinned for machine use', () => {
  it('shows the customised prompt, then takes the pin line: marker prompt, no echo, TERM=dumb', async () => {
    const { shell } = await openShell(port('fancy'), { password: lab.password });
    shell.send('expert\r');
    // The raw prompt carries colour codes and non-ASCII.
    await shell.expect(/admin@fw-東京<b>:~\$ $/);
    const marker = 'FBQ_test1:';
    shell.send(`${buildPinLine(marker)}\r${buildConfirmLine('n1')}\r`);
    const pinned = await shell.expect(/FBP_n1 1000\nFBQ_test1:$/);
    expect(pinned).not.toContain('fw-東京');
    // Echo is off now: only the output and the marker come back.
    shell.send('echo "$TERM" "${PROMPT_COMMAND:-none}"\r');
    expect(await shell.expect(/FBQ_test1:$/)).toBe('dumb none\nFBQ_test1:');
    // Leaving for CLISH restores the echo.
    shell.send('stty echo 2>/dev/null; exit\r');
    await shell.expect(/\n> $/);
    shell.send('show version\r');
    expect(await shell.expect(/\n> $/)).toMatch(/^show version\n/);
    shell.close();
  });
});
