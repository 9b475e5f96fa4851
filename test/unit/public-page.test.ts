import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { configSchema, emptyConfig, type VigieConfig } from '../../src/config/schema.js';
import { RULE_TYPES } from '../../src/config/rules/index.js';
import { buildPublicPage, frenchDuration, frenchSlot, RULE_LABELS_FR } from '../../src/public/model.js';
import { escapeHtml, renderPublicPage } from '../../src/public/render.js';

const square = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]];
const SECRET_URL = 'rtsp://admin:S3cr3t-pass@10.0.0.12:554/stream1';
/** When the page is asked for: 12 March 2025, after the night authorisation ended (28 February). */
const NOW = Date.parse('2025-03-12T14:00:00Z');
const PREFECTURE = { kind: 'authorised_alert', reference: 'Arrêté préfectoral n° 2025-042', authority: 'Préfecture des Hauts-de-Seine', valid_until: '2026-12-31' };

function cityConfig(): VigieConfig {
  return parseConfig({
    timezone: 'Europe/Paris',
    organisation: {
      controller: 'Ville de Suresnes',
      controller_address: '2 rue Carnot, 92150 Suresnes',
      dpo_contact: 'dpo@ville-suresnes.fr',
      purposes: ['Sécurité des personnes sur le parvis de la gare'],
    },
    cameras: [
      {
        id: 'parvis',
        name: 'Parvis de la gare',
        source: SECRET_URL,
        masks: [square],
        zones: [{ id: 'quai', polygon: square, direction: [0, 1] }],
        lines: [{ id: 'entree', points: [[0.5, 0], [0.5, 1]] }],
        recording: { enabled: true, retention_days: 7 },
        rules: [
          { id: 'intrusion', type: 'intrusion', zone: 'quai', purpose: 'Signaler une personne descendue sur les voies', legal_basis: PREFECTURE },
          { id: 'foule', type: 'gathering', zone: 'quai', min_people: 5, mode: 'shadow', legal_basis: PREFECTURE },
          { id: 'sens', type: 'wrong_way', zone: 'quai', enabled: false },
          {
            id: 'nuit', type: 'abandoned_object', zone: 'quai', schedule: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '22:00', to: '06:00' }],
            legal_basis: { ...PREFECTURE, reference: 'Arrêté n° 2024-310', valid_until: '2025-02-28' },
          },
          { id: 'attente', type: 'loitering', zone: 'quai', purpose: "Mesurer l'attente sur le quai", legal_basis: { kind: 'statistics' } },
          { id: 'stats', type: 'counting', lines: ['entree'] },
          { id: 'materiel', type: 'camera_tamper', legal_basis: { kind: 'device_monitoring' } },
        ],
      },
      { id: 'eteinte', name: 'Caméra éteinte', enabled: false, source: 'rtsp://x:y@h/s', zones: [{ id: 'z', polygon: square }], rules: [{ id: 'i', type: 'intrusion', zone: 'z' }] },
      { id: 'sans-regle', name: 'Sans analyse', source: 'rtsp://h/s', zones: [{ id: 'z', polygon: square }], rules: [{ id: 'i', type: 'intrusion', zone: 'z', enabled: false }] },
      { id: 'hostile', name: '<script>alert("x")</script> & "Gare" \'Nord\'', source: '/srv/video/hostile.mp4', rules: [{ id: 'feu', type: 'fire', legal_basis: PREFECTURE }] },
    ],
  });
}

describe('public page model', () => {
  it('lists only enabled cameras with at least one enabled rule, by name, with their uses in French', () => {
    const model = buildPublicPage({ config: cityConfig(), version: 3, createdAt: '2025-03-12T13:05:00.000Z' }, NOW);
    expect(model.cameras.map((c) => c.name)).toEqual(['Parvis de la gare', '<script>alert("x")</script> & "Gare" \'Nord\'']);
    const parvis = model.cameras[0];
    const authorised = { legalBasis: 'authorised', legalBasisText: "Alerte en temps réel autorisée — Arrêté préfectoral n° 2025-042, jusqu'au 31/12/2026" };
    const statistics = { kind: 'statistics', evaluation: false, schedule: [], legalBasis: 'statistics', legalBasisText: 'Statistiques anonymes uniquement (aucune alerte)' };
    expect(parvis?.uses).toEqual([
      { type: 'intrusion', label: 'Intrusion dans une zone interdite', kind: 'alert', evaluation: false, schedule: [], purpose: 'Signaler une personne descendue sur les voies', ...authorised },
      { type: 'gathering', label: 'Attroupement', kind: 'alert', evaluation: true, schedule: [], purpose: null, ...authorised },
      { type: 'loitering', label: 'Présence prolongée dans une zone', purpose: "Mesurer l'attente sur le quai", ...statistics },
      {
        type: 'abandoned_object', label: 'Objet abandonné', kind: 'suspended', evaluation: false, schedule: ['lun., mar., mer., jeu., ven. de 22:00 à 06:00 le lendemain'], purpose: null,
        legalBasis: 'expired', legalBasisText: "Autorisation expirée le 28/02/2025 : pas d'alerte",
      },
      { type: 'camera_tamper', label: 'Caméra masquée, éblouie ou déplacée', kind: 'alert', evaluation: false, schedule: [], purpose: null, legalBasis: 'device_monitoring', legalBasisText: 'Surveillance du matériel' },
      { type: 'counting', label: 'Comptage anonyme (statistiques)', purpose: null, ...statistics },
    ]);
    expect(parvis).toMatchObject({ recorded: true, retentionDays: 7, retention: '7 jours', privacyMasks: 1 });
    expect(model.cameras[1]).toMatchObject({ recorded: false, retentionDays: 10 });
    expect(model.controller).toEqual({ name: 'Ville de Suresnes', address: '2 rue Carnot, 92150 Suresnes' });
    expect(model.dpoContact).toBe('dpo@ville-suresnes.fr');
    expect(model.rightsContact).toBe('dpo@ville-suresnes.fr');
    expect(model.purposes).toEqual(['Sécurité des personnes sur le parvis de la gare']);
    expect(model.incomplete).toBe(false);
    expect(model.configuration).toEqual({ version: 3, updatedAt: '2025-03-12T13:05:00.000Z', updatedAtText: '12 mars 2025 à 14:05', timezone: 'Europe/Paris' });
    expect(model.rights.join(' ')).toContain('https://www.cnil.fr');
  });

  it('merges rules of the same type: a use is "en évaluation" only when every rule behind it is in shadow mode', () => {
    const config = parseConfig({
      cameras: [{
        id: 'c', source: 'a.mp4', zones: [{ id: 'a', polygon: square }, { id: 'b', polygon: square }],
        rules: [{ id: 'r1', type: 'intrusion', zone: 'a', mode: 'shadow' }, { id: 'r2', type: 'intrusion', zone: 'b' }, { id: 'r3', type: 'loitering', zone: 'a', mode: 'shadow' }],
      }],
    });
    const uses = buildPublicPage({ config, version: 1, createdAt: null }, NOW).cameras[0]?.uses;
    expect(uses?.map((u) => [u.type, u.evaluation])).toEqual([['intrusion', false], ['loitering', true]]);
    // A camera without a name is shown by its id, never by its source.
    expect(buildPublicPage({ config, version: 1, createdAt: null }, NOW).cameras[0]?.name).toBe('c');
  });

  it('flags a rule without a legal basis, keeps rules with different purposes apart, and tells when an authorisation ends', () => {
    const config = parseConfig({
      organisation: { controller: 'Ville', dpo_contact: 'dpo@ville.fr', purposes: ['Sécurité'] },
      cameras: [{
        id: 'c', source: 'a.mp4', zones: [{ id: 'a', polygon: square }],
        rules: [
          { id: 'r1', type: 'intrusion', zone: 'a' },
          { id: 'r2', type: 'intrusion', zone: 'a', purpose: 'Chantier interdit', legal_basis: { ...PREFECTURE, valid_until: '2025-03-12' } },
        ],
      }],
    });
    const at = (iso: string) => buildPublicPage({ config, version: 1, createdAt: null }, Date.parse(iso));
    // 23:59 in Paris on the last day, then midnight.
    const [undeclared, lastDay] = at('2025-03-12T22:59:00Z').cameras[0]?.uses ?? [];
    expect(undeclared).toMatchObject({ kind: 'alert', purpose: null, legalBasis: 'undeclared', legalBasisText: 'Base légale non déclarée' });
    expect(lastDay).toMatchObject({ kind: 'alert', purpose: 'Chantier interdit', legalBasis: 'authorised' });
    expect(at('2025-03-12T23:00:00Z').cameras[0]?.uses[1]).toMatchObject({ kind: 'suspended', legalBasisText: "Autorisation expirée le 12/03/2025 : pas d'alerte" });
    expect(at('2025-03-12T22:59:00Z').incomplete).toBe(true);
    expect(renderPublicPage(at('2025-03-12T22:59:00Z'))).toContain('Base légale : Base légale non déclarée');
  });

  it('renders a fresh installation with defaults that say "à compléter"', () => {
    const model = buildPublicPage({ config: emptyConfig(), version: null, createdAt: null }, NOW);
    expect(model.cameras).toEqual([]);
    expect(model.incomplete).toBe(true);
    expect(model.purposesDeclared).toBe(false);
    expect(model.controller.name).toContain('à compléter');
    expect(model.dpoContact).toContain('à compléter');
    expect(model.configuration.updatedAtText).toContain('configuration par défaut');
    const html = renderPublicPage(model);
    expect(html).toContain('Aucune caméra ne fait actuellement');
    expect(html).toContain('à compléter');
  });

  it('has a French label for every rule type', () => {
    expect(Object.keys(RULE_LABELS_FR).sort()).toEqual([...RULE_TYPES].sort());
    expect(RULE_LABELS_FR.wrong_way).toBe('Circulation à contresens');
  });

  it('formats durations and schedules in French', () => {
    expect(frenchDuration(10)).toBe('10 jours');
    expect(frenchDuration(1)).toBe('1 jour');
    expect(frenchDuration(1.5)).toBe('1,5 jour');
    expect(frenchDuration(0.5)).toBe('12 heures');
    expect(frenchSlot({ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '08:00', to: '20:00' })).toBe('tous les jours de 08:00 à 20:00');
  });
});

describe('organisation config', () => {
  it('is optional, and refuses unknown keys and empty values', () => {
    expect(configSchema.safeParse({}).success).toBe(true);
    expect(configSchema.safeParse({ organisation: { controler: 'x' } }).success).toBe(false);
    expect(configSchema.safeParse({ organisation: { controller: '  ' } }).success).toBe(false);
    expect(configSchema.safeParse({ organisation: { purposes: [] } }).success).toBe(false);
    const parsed = configSchema.parse({ organisation: { controller: 'Ville de Suresnes' } });
    expect(parsed.organisation?.dpo_contact).toContain('à compléter');
  });
});

describe('public page HTML', () => {
  const html = renderPublicPage(buildPublicPage({ config: cityConfig(), version: 3, createdAt: '2025-03-12T13:05:00.000Z' }, NOW));

  it('is a French document without script', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="fr">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('escapes every configuration string', () => {
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Gare&quot; &#39;Nord&#39;');
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  });

  it('never shows a source, a credential or a disabled camera', () => {
    for (const secret of [SECRET_URL, 'S3cr3t-pass', 'admin:', 'rtsp://', '10.0.0.12', '/srv/video', 'Caméra éteinte', 'Sans analyse', 'Circulation à contresens']) {
      expect(html).not.toContain(secret);
    }
    expect(JSON.stringify(buildPublicPage({ config: cityConfig(), version: 3, createdAt: null }, NOW))).not.toMatch(/rtsp|S3cr3t|\/srv\//);
  });

  it('says what is looked for, what is recorded and kept, what is never done, and how to exercise one\'s rights', () => {
    for (const text of [
      'Parvis de la gare', 'Intrusion dans une zone interdite', 'Attroupement', 'en évaluation, sans alerte', 'Comptage anonyme (statistiques)',
      'Départ de feu', 'conservées 7 jours', 'Non : pas d’enregistrement continu', 'Aucune reconnaissance faciale', 'caractéristique individuelle',
      'Ville de Suresnes', '2 rue Carnot', 'dpo@ville-suresnes.fr', 'Sécurité des personnes sur le parvis de la gare', "Droit d'accès", 'https://www.cnil.fr',
      '12 mars 2025 à 14:05', 'version 3', 'uniquement lun., mar., mer., jeu., ven. de 22:00 à 06:00',
      'Finalité : Signaler une personne descendue sur les voies', "Base légale : Alerte en temps réel autorisée — Arrêté préfectoral n° 2025-042, jusqu'au 31/12/2026",
      "Base légale : Autorisation expirée le 28/02/2025 : pas d'alerte", 'Base légale : Statistiques anonymes uniquement (aucune alerte)', 'Base légale : Surveillance du matériel',
    ]) {
      expect(html).toContain(escapeHtml(text));
    }
  });
});
