/** FmcError: every failure of the FMC API client, classed like SSH's triage, with a next step.
 * The classes and what each means: docs/fmc.md ("The API client"). */

export type FmcTriage = 'tls' | 'auth' | 'rate-limited' | 'timeout' | 'domain-not-found' | 'http-5xx' | 'bad-response';

/** A failure talking to an FMC. Its message never holds the password or a token. */
export class FmcError extends Error {
  readonly triage: FmcTriage;
  readonly nextStep: string;
  constructor(triage: FmcTriage, message: string, nextStep: string) {
    super(message);
    this.name = 'FmcError';
    this.triage = triage;
    this.nextStep = nextStep;
  }
}

/** Error codes of Node's TLS layer that mean "the certificate was not trusted". */
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|^ERR_TLS|^ERR_SSL|^EPROTO$|HOSTNAME/;

/** The triage of a socket-level error (no HTTP answer). */
export function socketTriage(code: string | undefined): FmcTriage {
  return code !== undefined && TLS_CODE.test(code) ? 'tls' : 'timeout';
}
