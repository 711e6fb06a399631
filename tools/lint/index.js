// The linter's plugins, resolved from here so that typescript-eslint finds the TypeScript 6.0
// installed beside it, not the TypeScript 7 the build uses (docs/architecture.md, "The lint").
export { default as tseslint } from 'typescript-eslint';
export { default as importX } from 'eslint-plugin-import-x';
export { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
