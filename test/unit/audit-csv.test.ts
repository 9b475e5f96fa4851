import { describe, expect, it } from 'vitest';
import { auditCsv, csvField } from '../../src/audit/csv.js';

describe('audit CSV (RFC 4180)', () => {
  it('writes a header row and one CRLF-terminated line per entry, details as JSON', () => {
    const csv = auditCsv([
      { seq: 2, at: '2026-03-01T10:00:01.000Z', actor: 'u-1', actorName: 'alice', action: 'recording.view', target: 'parvis', details: { from: 'a', segments: 3 } },
      { seq: 1, at: '2026-03-01T10:00:00.000Z', actor: 'system', actorName: null, action: 'retention.run', target: null, details: {} },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'seq,at,actor,actor_name,action,target,details',
      '2,2026-03-01T10:00:01.000Z,u-1,alice,recording.view,parvis,"{""from"":""a"",""segments"":3}"',
      '1,2026-03-01T10:00:00.000Z,system,,retention.run,,{}',
      '',
    ]);
  });

  it('quotes commas, quotes and line breaks, doubling the quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(null)).toBe('');
  });

  it('neutralises text a spreadsheet would run as a formula (a username typed at a failed login)', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField(-3)).toBe('-3');
  });
});
