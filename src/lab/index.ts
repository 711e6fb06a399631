/** The built-in device lab: a simulated FTD/FMC fleet over real SSH (see startLab). */
export { startLab, generateHostSpecs, renderInventory } from './lab.js';
export { SCENARIOS, LAB_KEY_PASSPHRASE, FANCY_PS1 } from './types.js';
export type { Lab, LabOptions, LabHostSpec, LabFaults, ScenarioName, CommandLogEntry, LabDeviceState } from './types.js';
export { GOOD_RESOLVERS, BROKEN_RESOLVER } from './device.js';
export { writeLabBundles } from './bundles.js';
export type { LabBundleOptions } from './bundles.js';
