import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../support/golden.js';

describe('golden files', () => {
  const missing = () => join(mkdtempSync(join(tmpdir(), 'fb-golden-')), 'out.txt');

  it('a missing golden file fails and is not written', () => {
    const path = missing();
    expect(() => expectGolden(path, 'text', {})).toThrow(/golden file .* is missing: regenerate it with UPDATE_GOLDEN=1/);
    expect(existsSync(path)).toBe(false);
  });

  it('CI never writes one, even with UPDATE_GOLDEN=1', () => {
    const path = missing();
    expect(() => expectGolden(path, 'text', { UPDATE_GOLDEN: '1', CI: 'true' })).toThrow(/missing/);
    expect(existsSync(path)).toBe(false);
  });

  it('UPDATE_GOLDEN=1 (outside CI) regenerates it', () => {
    const path = missing();
    expectGolden(path, 'text', { UPDATE_GOLDEN: '1' });
    expect(readFileSync(path, 'utf8')).toBe('text');
    expect(() => expectGolden(path, 'other', {})).toThrow();
  });
});
