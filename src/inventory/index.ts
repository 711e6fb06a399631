/** The Ansible-compatible inventory: loading, host patterns, connection settings, and the
 * `ansible-inventory` views. */
export { loadInventory, detectInventoryFormat, compareGroups, type InventoryFormat } from './load.js';
export { selectHosts, splitHostPattern, globToRegExp, hostsOfGroup } from './select.js';
export { connectionSpec, withExtraVars, CONNECTION_DEFAULTS } from './connection.js';
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
