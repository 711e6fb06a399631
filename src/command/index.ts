/** The command language: templates parsed once into literal parts and typed holes, the one gate every value reaching a device passes, and the read-only judgement of a command's words. See docs/commands.md. */
export { renderCommand, fillHole, fillValue, quoteForShell } from './gate.js';
export { isOfType, isHostname, BASE_TYPES } from './value-types.js';
export type { HoleType, HoleTypeOf, BaseType } from './value-types.js';
export { TemplateError } from './template-error.js';
export { parseCommandTemplate, commandTemplate, commandVariables, CommandSyntaxError, positionOf } from './template.js';
export type { CommandTemplate, Hole } from './template.js';
export { commandShape, checkCommandTemplate, HOLE } from './programs.js';
export { readOnlyLine, fileLine, renderLine, wordText } from './words.js';
export type { ReadOnlyLine, ReadOnlyCommand, Word } from './words.js';
export type { CommandShape, ShellWord, SimpleCommand } from './programs.js';
export { stepHoleTypes, variableHoleTypes, inferHoleType, elementType, loopPath } from './hole-types.js';
export { validateVarValue, canonicalChoice } from './var-value.js';
export { commandSites, playbookTemplates } from './sites.js';
export type { CommandSite } from './sites.js';
export { apiSites, apiPathProblems, renderApiPath, API_SEGMENT } from './api-path.js';
export type { ApiSite } from './api-path.js';
