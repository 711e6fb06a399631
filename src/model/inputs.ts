/** Input values as typed: `-e` and INI values arrive as strings (docs/playbooks.md "inputs"). */

/** `-e` and INI values arrive as strings: a list input takes `a,b`, a number input `22`. */
export function coerceInput(type: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (type.endsWith('-list')) return value.split(',').map((s) => s.trim()).filter(Boolean);
  if ((type === 'port' || type === 'integer') && /^-?\d+$/.test(value.trim())) return Number(value);
  return value;
}
