// A process that records one run folder (test/history/faults.test.ts kills it):
//   node record-child.mjs SPEC DIR [pause]
// Prints "opened" once the database is open; with `pause`, prints "mid-transaction" once the
// run's check rows are written inside its still-open transaction, then waits to be killed.
import { openHistoryDb } from '../../../dist/src/history/open.js';
import { recordRunFolder } from '../../../dist/src/history/record.js';

const [spec, dir, pause] = process.argv.slice(2);
const db = await openHistoryDb(spec);
process.stdout.write('opened\n');
const hold = () => new Promise(() => setInterval(() => undefined, 1000));
const target = pause
  ? {
      ...db,
      transaction: (fn) =>
        db.transaction((tx) =>
          fn({
            ...tx,
            insertMany: async (table, columns, rows) => {
              await tx.insertMany(table, columns, rows);
              if (table === 'run_checks') {
                process.stdout.write('mid-transaction\n');
                await hold();
              }
            },
          }),
        ),
    }
  : db;
const r = await recordRunFolder(target, dir);
process.stdout.write(`${r.recorded ? 'recorded' : 'already'}\n`);
await db.close();
