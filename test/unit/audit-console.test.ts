import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, auditCsvHref, auditQuery, formatDetails, isKnownAction, mergePages, nextPageTo, type AuditItem } from '../../web/src/api/audit.js';

const entry = (seq: number, at: string, action = 'live.view'): AuditItem => ({ seq, at, actor: 'u1', actorName: 'alice', action, target: 'parvis', details: {} });

describe("the console's audit screen logic", () => {
  it('builds the query string from the filters that are set, trimmed, with the extra parameters', () => {
    expect(auditQuery({})).toBe('');
    expect(auditQuery({ action: ' recording.view ', actor: '', from: '2026-11-28T10:00:00.000Z' }, { limit: 100 })).toBe('?action=recording.view&from=2026-11-28T10%3A00%3A00.000Z&limit=100');
    expect(auditQuery({ actor: 'system', to: '2026-11-28T11:00:00.000Z' })).toBe('?actor=system&to=2026-11-28T11%3A00%3A00.000Z');
  });

  it('links the CSV export with the same filters and the largest export the API allows', () => {
    expect(auditCsvHref({ actor: 'u1', action: 'live.view' })).toBe('/api/audit.csv?action=live.view&actor=u1&limit=1000');
    expect(auditCsvHref({})).toBe('/api/audit.csv?limit=1000');
  });

  it('asks for the next page up to 1 ms after the oldest entry shown, and stops after a short page', () => {
    const page = [entry(12, '2026-11-28T10:00:02.000Z'), entry(11, '2026-11-28T10:00:01.000Z'), entry(10, '2026-11-28T10:00:00.500Z')];
    expect(nextPageTo(page, 3)).toBe('2026-11-28T10:00:00.501Z');
    expect(nextPageTo(page, 4)).toBeNull();
    expect(nextPageTo([], 3)).toBeNull();
  });

  it('merges pages newest first, each entry once (the next page repeats entries of the same millisecond)', () => {
    const first = [entry(12, '2026-11-28T10:00:01.000Z'), entry(11, '2026-11-28T10:00:00.000Z')];
    const second = [entry(11, '2026-11-28T10:00:00.000Z'), entry(10, '2026-11-28T10:00:00.000Z'), entry(9, '2026-11-28T09:59:00.000Z')];
    expect(mergePages([first, second]).map((e) => e.seq)).toEqual([12, 11, 10, 9]);
  });

  it('shows details as key: value in key order, times through the formatter, null as a dash', () => {
    const shown = formatDetails({ to: '2026-11-28T14:00:00.000Z', blurred: true, camera: 'parvis', segments: 3, reason: null, from: '2026-11-28T13:00:00+01:00' }, (iso) => `<${iso}>`);
    expect(shown).toBe('blurred: true · camera: parvis · from: <2026-11-28T13:00:00+01:00> · reason: — · segments: 3 · to: <2026-11-28T14:00:00.000Z>');
    // A value that merely starts like a date is not a time.
    expect(formatDetails({ case: '2026-11-28 PV 42' }, () => 'TIME')).toBe('case: 2026-11-28 PV 42');
    expect(formatDetails({}, () => 'TIME')).toBe('');
  });

  it('names every action of docs/AUDIT.md, and only those it lists are "known"', () => {
    const doc = readFileSync('docs/AUDIT.md', 'utf8');
    const table = doc.slice(doc.indexOf('| Action |'), doc.indexOf('## The hash chain'));
    const documented = [...table.matchAll(/^\| (.+?) \|/gm)].flatMap((m) => [...(m[1] ?? '').matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((a) => a[1]));
    expect(documented.length).toBeGreaterThan(15);
    for (const action of documented) expect(AUDIT_ACTIONS, `docs/AUDIT.md documents ${action ?? ''}`).toContain(action);
    expect(isKnownAction('recording.view')).toBe(true);
    expect(isKnownAction('something.new')).toBe(false);
  });
});
