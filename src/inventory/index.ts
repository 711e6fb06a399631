/** The Ansible-compatible inventory: loading, host patterns, connection settings, and the
 * `ansible-inventory` views. */
export { loadInventory, detectInventoryFormat, compareGroups, fmcSourceOf, type InventoryFormat, type LoadInventoryOptions } from './load.js';
export { parseFmcConfig, FMC_PLUGIN, FMC_KEYS, FMC_DEFAULTS, type FmcSourceConfig, type KeyedGroup } from './fmc-config.js';
export { mapFmcAnswers, sanitizeGroupName, fieldAt, type FmcAnswers, type FmcMapped, type MappedHost } from './fmc-map.js';
export {
  loadFmcSource,
  setFmcConnector,
  connectSettingsOf,
  fmcCacheFile,
  fmcCacheDir,
  domainPath,
  FMC_PATHS,
  type FmcReader,
  type FmcConnect,
  type FmcConnectSettings,
  type FmcSourceOptions,
} from './fmc-source.js';
export { selectHosts, splitHostPattern, globToRegExp, hostsOfGroup } from './select.js';
export { connectionSpec, withExtraVars, CONNECTION_DEFAULTS, BUNDLE_CONNECTION } from './connection.js';
export {
  toAnsibleList,
  renderGraph,
  redactHostVars,
  sortKeysDeep,
  type AnsibleList,
  type AnsibleListGroup,
  type AnsibleListOptions,
} from './ansible-list.js';
export { parsePythonLiteral, type LiteralResult } from './python-literal.js';
export { splitShellWords } from './shlex.js';
export { expandHostEntry, expandRanges, type ExpandedHosts } from './host-range.js';
