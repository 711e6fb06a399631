/** Naming a database URL in messages (docs/history.md "Recording"). */

/** The URL for messages: without its password. */
export function urlLabel(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    return u.toString().replace(/:@/, '@');
  } catch {
    return url.replace(/:[^:@/]*@/, '@');
  }
}
