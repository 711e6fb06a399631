/** Parsing of option values shared by several commands (-e, lists, numbers). */
import { UserError } from '../model/errors.js';
import { SEVERITIES, type Severity } from '../model/playbook.js';
import { readUserFile } from '../load/playbook.js';
import { parseYamlSource } from '../load/yaml-source.js';

function usage(command: string, message: string, hint?: string): UserError {
  return new UserError({ code: 'cli-usage', message: `firebook ${command}: ${message}`, hint: hint ?? `run 'firebook ${command} --help' for the options` });
}

/** `-e key=value [key2=value2]`, `-e @vars.yml`, `-e '{"k": [..]}'` — Ansible's three forms. Later wins. */
export function parseExtraVars(command: string, values: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const raw of values ?? []) {
    const v = raw.trim();
    if (v.startsWith('@')) {
      const file = v.slice(1);
      const parsed = parseYamlSource(file, readUserFile(file, 'extra-vars file')).value;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw usage(command, `-e @${file} must hold a mapping of variables`);
      Object.assign(out, parsed);
    } else if (v.startsWith('{')) {
      try {
        Object.assign(out, JSON.parse(v));
      } catch {
        throw usage(command, `-e '${v.slice(0, 40)}…' is not valid JSON`);
      }
    } else {
      for (const pair of v.split(/\s+/)) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw usage(command, `-e '${pair}' is not key=value`, 'use -e key=value, -e @file.yml or -e \'{"key": "value"}\'');
        out[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    }
  }
  return out;
}

/** Comma- or repeat-separated list option. */
export function parseList(values: string | string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const list = (Array.isArray(values) ? values : [values]).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  return list.length ? list : undefined;
}

export function parsePositiveInt(command: string, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw usage(command, `${flag} must be a positive whole number, not '${value}'`);
  return n;
}

export function parseChoice<T extends string>(command: string, flag: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!choices.includes(value as T)) throw usage(command, `${flag} must be one of ${choices.join(', ')}, not '${value}'`);
  return value as T;
}

export function parseSeverity(command: string, value: string | undefined): Severity | undefined {
  return parseChoice(command, '--fail-on', value, SEVERITIES);
}
