import { describe, expect, it } from 'vitest';
import { renderReportCsv } from '../../src/reports/document.js';
import { frDuration, frPercent, renderReportHtml } from '../../src/reports/render-html.js';
import type { TrialStatistics } from '../../src/reports/types.js';
import { trialStatisticsFixture } from '../helpers/trial-statistics.js';

const text = (html: string): string => html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the report document (HTML)', () => {
  const stats = trialStatisticsFixture();
  const html = renderReportHtml(stats);

  it('is one page with five inline SVG charts and nothing to fetch', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(html.match(/<svg /g)).toHaveLength(5);
    // (The SVG refers to its own gradients and patterns: `url(#id)`.)
    expect(html).not.toMatch(/<script|<link|<img|<image|\bsrc=|href="(?!#)|url\((?!#)/i);
  });

  it('gives the headline figures, with sample sizes and the small ones flagged', () => {
    const t = text(html);
    expect(t).toContain('Alertes présentées aux opérateurs 175 (6,3 par jour)');
    expect(t).toContain('80 % (n = 120)');
    expect(t).toContain('30 % (n = 20, échantillon faible)');
    expect(t).toContain('Délai médian de prise en compte (acquittement) 47 s (n = 125)');
    expect(t).toContain('81,8 % (9 sur 11)');
    expect(t).toContain('1 règle(s) sur 2 sont dans ce cas');
  });

  it('numbers operators instead of naming them', () => {
    expect(text(html)).toContain('Opérateur 1 80 40 2');
    expect(html).not.toContain('claire');
  });

  it('escapes names from the configuration', () => {
    const hostile: TrialStatistics = { ...stats, events: { ...stats.events, byCamera: [{ camera: '<img src=x onerror=alert(1)>', count: 1 }] } };
    const out = renderReportHtml(hostile);
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('sums days by month past two months', () => {
    const long: TrialStatistics = {
      ...stats,
      events: { ...stats.events, byDay: Array.from({ length: 90 }, (_, i) => ({ day: new Date(Date.UTC(2027, 0, 1 + i)).toISOString().slice(0, 10), count: 1 })) },
    };
    const t = text(renderReportHtml(long));
    expect(t).toContain('Mois Alertes 2027-01 31 2027-02 28 2027-03 31');
    expect(t).not.toContain('2027-01-15');
  });

  it('formats in French', () => {
    expect(frPercent(0.875)).toBe('87,5\u00a0%');
    expect(frPercent(null)).toBe('n. d.');
    expect(frDuration(125)).toBe('2 min 05 s');
  });
});

describe('the report CSV (long form)', () => {
  it('has one value per line, after the period and scope', () => {
    const lines = renderReportCsv(trialStatisticsFixture()).split('\r\n');
    expect(lines[0]).toBe('\ufefftable,row,column,value');
    expect(lines.slice(1, 4)).toEqual(['report,1,from,2027-01-31T23:00:00.000Z', 'report,1,to,2027-02-28T23:00:00.000Z', 'report,1,time_zone,Europe/Paris']);
    expect(lines).toContain('by_type,1,type,intrusion');
    expect(lines).toContain('by_type,1,events,123');
    expect(lines).toContain('precision_by_camera,2,precision,0.3');
    expect(lines.at(-1)).toBe('');
  });
});
