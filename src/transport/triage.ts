/** Maps low-level connect errors (Node sockets, ssh2, node-ssh) to a TriageClass. */
import { TransportError, type TriageClass } from '../model/transport.js';
import { redact } from '../model/redact.js';

interface LowLevelError {
  code?: unknown;
  level?: unknown;
  message?: unknown;
}

/** The triage class of a connect-time error, by errno code, ssh2 `level`, then message. */
export function classifyConnectError(err: unknown): TriageClass {
  if (err instanceof TransportError) return err.triage;
  const e = (err ?? {}) as LowLevelError;
  const code = typeof e.code === 'string' ? e.code : '';
  const level = typeof e.level === 'string' ? e.level : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT' && /No response from server/.test(message)) return 'disconnected';
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || level === 'client-timeout') {
    return 'connect-timeout';
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'disconnected';
  if (level === 'client-authentication') return 'auth';
  if (/authentication methods failed|passphrase|private ?key|privateKey|Cannot parse/i.test(message)) return 'auth';
  if (/Timed out while waiting for handshake/i.test(message)) return 'connect-timeout';
  if (/Host denied/i.test(message)) return 'host-key-mismatch';
  if (/abort/i.test(message)) return 'interrupted';
  return 'internal';
}

/** Failures worth retrying: the device may simply be busy or rebooting. Never auth or host key. */
export function isTransientTriage(triage: TriageClass): boolean {
  return triage === 'refused' || triage === 'connect-timeout' || triage === 'disconnected';
}

/** Builds the TransportError for a connect failure; secrets are redacted from the message. */
export function toConnectError(err: unknown, target: string, secrets: readonly string[]): TransportError {
  if (err instanceof TransportError) return new TransportError(err.triage, redact(err.message, secrets));
  const triage = classifyConnectError(err);
  const raw = err instanceof Error ? err.message : String(err);
  // The next step for each class lives in model/triage.ts (TRIAGE_NEXT); the message says what happened.
  return new TransportError(triage, redact(`cannot connect to ${target}: ${raw}`, secrets));
}
