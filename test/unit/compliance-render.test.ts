import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { renderComplianceHtml } from '../../src/compliance/html.js';
import { buildComplianceReport, type ComplianceReport } from '../../src/compliance/model.js';
import { renderCompliancePdf, toWinAnsi } from '../../src/compliance/pdf.js';

const square = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]];

function report(): ComplianceReport {
  const config = parseConfig({
    organisation: { controller: 'Ville <script>alert(1)</script> & Cie', dpo_contact: 'dpo@ville.fr' },
    cameras: [
      {
        id: 'parvis',
        name: 'Parvis "nord" <b>',
        source: 'rtsp://10.0.0.12/stream1',
        zones: [{ id: 'quai', polygon: square }],
        rules: [
          { id: 'intrusion', type: 'intrusion', zone: 'quai', purpose: 'Protéger les voies <img src=x>' },
          { id: 'nuit', type: 'abandoned_object', zone: 'quai', legal_basis: { kind: 'authorised_alert', reference: 'Arrêté n° 2024-310', valid_until: '2025-02-28' } },
        ],
      },
    ],
  });
  return buildComplianceReport({
    config,
    configSource: { version: 3, savedAt: '2025-03-01T09:00:00.000Z' },
    facts: { activeAccounts: { operator: 2, supervisor: 1, dpo: 1, admin: 1 }, activeHolds: 0, audit: { entries: 12, lastAnchorAt: null } },
    nowMs: Date.parse('2025-03-12T14:00:00Z'),
    version: '0.1.0',
  });
}

/**
 * The text drawn on the pages of an uncompressed pdfkit PDF: each `TJ` array's
 * hex strings (WinAnsi bytes; kerning numbers in between) joined into one line.
 */
function pdfLines(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  return [...raw.matchAll(/\[((?:<[0-9a-f]*>\s*-?[\d.]*\s*)+)\] TJ/g)].map((m) =>
    [...(m[1] ?? '').matchAll(/<([0-9a-f]*)>/g)].map((h) => new TextDecoder('windows-1252').decode(Buffer.from(h[1] ?? '', 'hex'))).join(''),
  );
}

describe('compliance report HTML', () => {
  const model = report();
  const html = renderComplianceHtml(model);

  it('is one standalone French page with every section', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="fr">');
    for (const id of ['responsable', 'finalites', 'cameras', 'personnes', 'donnees', 'destinataires', 'transferts', 'securite', 'detection', 'aipd', 'points']) {
      expect(html).toContain(`<section id="${id}">`);
    }
    // Nothing to fetch: no script, no link, no external URL.
    expect(html).not.toMatch(/<(script|link|img|iframe|object)\b|<[^>]*\s(src|href)=|url\(|https?:\/\//i);
  });

  it('escapes every text taken from the configuration', () => {
    expect(html).toContain('Ville &lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie');
    expect(html).toContain('Parvis &quot;nord&quot; &lt;b&gt;');
    expect(html).toContain('Protéger les voies &lt;img src=x&gt;');
    expect(html).not.toContain('<script>alert(1)');
  });

  it('carries the generation facts and marks what is missing or to fix', () => {
    expect(html).toContain(model.configuration.sha256);
    expect(html).toContain('0.1.0');
    expect(html).toContain('non renseigné — à compléter dans la configuration (organisation.controller_address)');
    expect(html).toMatch(/<tr class="warning"><td>nuit — [^<]*<\/td>.*expirée le 28\/02\/2025/);
    expect(html).toMatch(/<tr class="warning"><td>intrusion — .*Base légale non déclarée/);
  });
});

describe('compliance report PDF', () => {
  it('is an A4 PDF with numbered pages and the report in French', async () => {
    const model = report();
    const pdf = await renderCompliancePdf(model, { compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    expect(pages).toBeGreaterThan(1);
    expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');
    const lines = pdfLines(pdf);
    const text = lines.join('\n');
    expect(text).toContain('Registre des activités de traitement');
    expect(text).toContain('Catégories de personnes concernées');
    expect(text).toContain('Ville <script>alert(1)</script> & Cie');
    expect(text).toContain(model.configuration.sha256);
    const numbers = lines.map((l) => /page (\d+) \/ (\d+)$/.exec(l)).filter((m) => m !== null).map((m) => `${m[1]}/${m[2]}`);
    expect(numbers).toEqual(Array.from({ length: pages }, (_, i) => `${i + 1}/${pages}`));
  });

  it('compresses by default', async () => {
    const pdf = await renderCompliancePdf(report());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('/FlateDecode');
  });

  it('keeps French typography the standard fonts can draw and replaces the rest', () => {
    expect(toWinAnsi('Délégué « œuvre » — l’été…')).toBe('Délégué « œuvre » — l’été…');
    expect(toWinAnsi('22\u202f:\u00a000 ✓ 北')).toBe('22 :\u00a000 ? ?');
  });
});
