// `node --import ./trace-modules.mjs …`: appends the URL of every module the process loads to
// the file named by FIREBOOK_TRACE_MODULES (test/change/no-replan.test.ts).
import { register } from 'node:module';

register('./trace-hooks.mjs', import.meta.url, { data: { out: process.env.FIREBOOK_TRACE_MODULES } });
