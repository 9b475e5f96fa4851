import { describe, expect, it } from 'vitest';
import { csvCell, tableCsv } from '../../../src/reports/csv.js';
import { coveredMs } from '../../../src/reports/spans.js';

describe('CSV', () => {
  it('writes numbers with a dot, null as empty, quotes what needs it', () => {
    expect(csvCell(0.25)).toBe('0.25');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-cam')).toBe("'-cam");
    expect(csvCell('@sum')).toBe("'@sum");
    expect(csvCell('porte-nord')).toBe('porte-nord');
  });

  it('has a header row and CRLF line ends', () => {
    expect(tableCsv({ name: 'by_type', columns: ['type', 'events'], rows: [['intrusion', 3], ['fire', 1]] })).toBe('type,events\r\nintrusion,3\r\nfire,1\r\n');
  });
});

describe('coveredMs', () => {
  it('counts overlapping spans once and clips them to the period', () => {
    const spans = [
      { fromMs: 0, toMs: 10 },
      { fromMs: 5, toMs: 20 },
      { fromMs: 30, toMs: 40 },
      { fromMs: 35, toMs: 38 },
      { fromMs: 90, toMs: 200 },
    ];
    expect(coveredMs(spans, 0, 100)).toBe(20 + 10 + 10); // [0,20) + [30,40) + [90,100)
    expect(coveredMs(spans, 8, 32)).toBe(12 + 2); // [8,20) + [30,32)
    expect(coveredMs([], 0, 100)).toBe(0);
  });
});
