// Copies non-TypeScript assets (Handlebars templates) next to the compiled JS.
import { cpSync, existsSync } from 'node:fs';
const pairs = [['src/report/templates', 'dist/src/report/templates']];
for (const [from, to] of pairs) if (existsSync(from)) cpSync(from, to, { recursive: true });
