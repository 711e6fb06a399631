/** The judging stage: parsers, conditions, checks, diagnosis and templating. Pure functions of collected text. */
export { getParser, parseOutput, PARSER_NAMES, PARSER_OPTIONS, PARSER_FIELDS, parseWithRegex, compileRegexSpec, playbookRegexError, groupNames, platformOfModel, parseLogTime } from './parsers/index.js';
export type { ParseResult, Parser, RegexSpec } from './parsers/index.js';
export type { EvalContext, StepRecord } from './context.js';
export { readSubject } from './context.js';
export { evaluateCondition, describeCondition, conditionOperator, conditionOperators, CONDITION_OPERATORS } from './condition.js';
export type { ConditionEvaluation } from './condition.js';
export { evaluateCheck, buildTextContext, defaultStepOf, stepNamesOf } from './check.js';
export type { CheckEvaluation } from './check.js';
export { renderText, renderTextLenient, renderLocalized, templateVariables } from './template.js';
export { compareVersions, parseVersion } from './version.js';
export { looseEquals, formatValue } from './values.js';
export { checkDependencies } from './dependencies.js';
