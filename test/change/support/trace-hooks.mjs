// Module hooks (run on the loader thread): note each module loaded, then load it unchanged.
import { appendFileSync } from 'node:fs';

let out;
export function initialize(data) {
  out = data?.out;
}

export async function load(url, context, next) {
  if (out && url.startsWith('file:')) appendFileSync(out, `${url}\n`);
  return next(url, context);
}
