/** The SSH transport: Connector/DeviceSession over node-ssh for FTD, FMC and Linux shells. */
export { SshConnector, type SshConnectorOptions } from './ssh-connector.js';
export { SshDeviceSession } from './ssh-session.js';
export {
  parseKnownHosts,
  checkHostKey,
  entryMatchesHost,
  formatKnownHostName,
  hashHostName,
  buildHashedHostField,
  fingerprintOf,
  readKeyType,
  loadKnownHosts,
  appendKnownHost,
  type KnownHostEntry,
  type HostKeyVerdict,
} from './known-hosts.js';
export { classifyConnectError, isTransientTriage } from './triage.js';
export { parseShowVersion, parseSfVersion, platformFromModel, type VersionFacts } from './facts.js';
export { stripTerminalNoise, TerminalTextCleaner, applyLineEdits, escapeDeviceText } from './terminal-text.js';
export { buildMarkedCommand, MarkedOutputScanner } from './markers.js';
export { CLISH_PROMPT, PASSWORD_PROMPT, PAGER_PROMPT } from './prompts.js';
export { buildPinLine, createPromptMarker, type PinState } from './pinned-shell.js';
