/** `firebook change status JOURNAL`: what the whole history of a change says, per planned step. */
import { readHistory, type ChangeNotes, type JournalReader } from './history.js';
import { stepHistories } from './remaining.js';

/** Prints the status table (or one JSON object per step) of the change `journalArg` belongs to. */
export function changeStatus(journalArg: string, opts: { json: boolean }, io: ChangeNotes & { cwd: string; stdout: { write(text: string): unknown } }, read?: JournalReader): void {
  const { journal, checked } = readHistory(journalArg, io.cwd, io, 'change status', read);
  const rows = stepHistories(checked.entries, journal);
  if (opts.json) {
    for (const r of rows) io.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const segments = checked.entries.filter((e) => e.type === 'journal-begin').map((e) => (e.type === 'journal-begin' ? `${e.kind}${e.resumed ? ' (resumed)' : ''}` : ''));
  io.stdout.write(`Change of plan sha256 ${checked.planSha256}\nHistory: ${journal} (${segments.join(' → ')})\n\n`);
  const width = (k: 'host' | 'stepId' | 'state', title: string) => Math.max(title.length, ...rows.map((r) => r[k].length));
  const [wh, ws, wt] = [width('host', 'HOST'), width('stepId', 'STEP'), width('state', 'STATE')];
  const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(wh)}  ${b.padEnd(ws)}  ${c.padEnd(wt)}  ${d}`.trimEnd() + '\n';
  io.stdout.write(line('HOST', 'STEP', 'STATE', 'DETAIL'));
  for (const r of rows) io.stdout.write(line(r.host, r.stepId, r.state, r.detail ?? ''));
  const count = (s: string) => rows.filter((r) => r.state === s).length;
  io.stdout.write(`\n${['planned', 'sent', 'verified', 'rolled back', 'unknown'].map((s) => `${count(s)} ${s}`).join(' · ')}\n`);
  if (count('unknown') + count('sent') > 0) io.stdout.write(`next: firebook resume ${journal} (re-captures what was sent and not verified)\n`);
}
