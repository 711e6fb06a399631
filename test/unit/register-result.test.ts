/** checks.<id>.status is the check's status, never a parsed field of the same name. */
import { describe, expect, it } from 'vitest';
import { registerResult } from '../../src/run/check-runner.js';
import type { CheckResult } from '../../src/model/result.js';

describe('registerResult', () => {
  it('keeps the check status over a parser field named status (nslookup)', () => {
    const result = {
      checkId: 'dns-resolves-sse', status: 'fail', evidence: [{ step: 'lookup', level: 'root', command: 'nslookup x', output: '', exitCode: 1, durationMs: 0, truncated: false, fields: { status: 'timeout', server: null } }],
    } as unknown as CheckResult;
    expect(registerResult(result, { id: 'dns-resolves-sse', title: 't', severity: 'high', expect: [] })).toEqual({ status: 'fail', server: null });
  });
});
