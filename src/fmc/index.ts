/** The FMC REST API client (read-only): see docs/fmc.md ("The API client"). */
export { connectFmc } from './client.js';
export type { FmcClient, FmcConnectOptions, FmcStats } from './client.js';
export { FmcError } from './errors.js';
export type { FmcTriage } from './errors.js';
export { FmcApiConnector, apiEvidence } from './session.js';
export type { FmcApiOf } from './session.js';
