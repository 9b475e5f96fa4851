import { describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS } from '../../src/auth/roles.js';
import { parseConfig } from '../../src/config/load.js';
import { emptyConfig, type VigieConfig } from '../../src/config/schema.js';
import { buildComplianceReport, configSha256, type ComplianceFacts, type ComplianceInput } from '../../src/compliance/model.js';

const square = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]];
/** 12 March 2025, Paris: after the night authorisation ended (28 February), before the prefecture's one ends. */
const NOW = Date.parse('2025-03-12T14:00:00Z');
const PREFECTURE = { kind: 'authorised_alert', reference: 'Arrêté préfectoral n° 2025-042', authority: 'Préfecture des Hauts-de-Seine', valid_until: '2026-12-31' };

const FACTS: ComplianceFacts = {
  activeAccounts: { operator: 4, supervisor: 2, dpo: 1, admin: 1 },
  activeHolds: 2,
  audit: { entries: 321, lastAnchorAt: '2025-03-12T13:00:00.000Z' },
};

function cityConfig(organisation: Record<string, unknown> | undefined): VigieConfig {
  return parseConfig({
    timezone: 'Europe/Paris',
    ...(organisation ? { organisation } : {}),
    cameras: [
      {
        id: 'parvis',
        name: 'Parvis de la gare',
        source: 'rtsp://admin:secret@10.0.0.12/stream1',
        masks: [square, square],
        zones: [{ id: 'quai', polygon: square }],
        lines: [{ id: 'entree', points: [[0.5, 0], [0.5, 1]] }],
        recording: { enabled: true, retention_days: 15 },
        rules: [
          { id: 'intrusion', type: 'intrusion', zone: 'quai', purpose: 'Signaler une personne sur les voies', legal_basis: PREFECTURE },
          { id: 'nuit', type: 'abandoned_object', zone: 'quai', schedule: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '22:00', to: '06:00' }], legal_basis: { ...PREFECTURE, reference: 'Arrêté n° 2024-310', valid_until: '2025-02-28' } },
          { id: 'foule', type: 'gathering', zone: 'quai', mode: 'shadow' },
          { id: 'passages', type: 'counting', lines: ['entree'] },
          { id: 'sens', type: 'loitering', zone: 'quai', enabled: false },
        ],
      },
      {
        id: 'marche',
        source: 'rtsp://10.0.0.13/stream1',
        zones: [{ id: 'place', polygon: square }],
        rules: [{ id: 'attente', type: 'loitering', zone: 'place', legal_basis: { kind: 'statistics' }, schedule: [{ days: ['sat'], from: '08:00', to: '13:30' }] }],
      },
      { id: 'eteinte', enabled: false, source: 'rtsp://10.0.0.14/stream1', zones: [{ id: 'z', polygon: square }], rules: [{ id: 'i', type: 'intrusion', zone: 'z' }] },
      { id: 'sans-regle', source: 'rtsp://10.0.0.15/stream1', recording: { enabled: true } },
    ],
  });
}

const COMPLETE = {
  controller: 'Ville de Suresnes',
  controller_address: '2 rue Carnot, 92150 Suresnes',
  dpo_contact: 'dpo@ville-suresnes.fr',
  rights_contact: 'droits@ville-suresnes.fr',
  purposes: ['Sécurité des personnes sur le parvis de la gare'],
};

const input = (config: VigieConfig, facts: ComplianceFacts = FACTS): ComplianceInput => ({ config, configSource: { version: 7, savedAt: '2025-03-01T09:00:00.000Z' }, facts, nowMs: NOW, version: '9.9.9' });

describe('compliance report model', () => {
  const report = buildComplianceReport(input(cityConfig(COMPLETE)));
  const rule = (camera: string, id: string) => report.cameras.find((c) => c.id === camera)?.rules.find((r) => r.id === id);

  it('lists the enabled cameras with analytics and their enabled rules only', () => {
    expect(report.cameras.map((c) => [c.id, c.name])).toEqual([['parvis', 'Parvis de la gare'], ['marche', 'marche']]);
    expect(report.cameras[0]?.rules.map((r) => r.id)).toEqual(['intrusion', 'nuit', 'foule', 'passages']);
    expect(report.camerasConfigured).toBe(4);
    expect(report.camerasRecorded).toBe(2);
    expect(report.cameras[0]).toMatchObject({ recorded: true, retentionDays: 15, retention: '15 jours', privacyMasks: 2, weeklyHours: 168 });
  });

  it('states each rule\'s event type, mode, purpose and legal basis', () => {
    expect(rule('parvis', 'intrusion')).toMatchObject({ eventType: 'intrusion', mode: 'active', purpose: 'Signaler une personne sur les voies', legal: { state: 'authorised', flagged: false } });
    expect(rule('parvis', 'intrusion')?.legal.text).toContain('Arrêté préfectoral n° 2025-042');
    expect(rule('parvis', 'intrusion')?.legal.text).toContain('Préfecture des Hauts-de-Seine');
    expect(rule('parvis', 'foule')).toMatchObject({ mode: 'shadow', purpose: null, legal: { state: 'undeclared', flagged: true } });
    expect(rule('parvis', 'passages')).toMatchObject({ eventType: null, mode: 'statistics', legal: { state: 'statistics', flagged: false } });
    expect(rule('marche', 'attente')).toMatchObject({ legal: { state: 'statistics', flagged: false }, schedule: ['sam. de 08:00 à 13:30'] });
  });

  it('flags an expired authorisation and an undeclared basis as open points', () => {
    expect(rule('parvis', 'nuit')?.legal).toMatchObject({ state: 'expired', flagged: true });
    const expired = report.openPoints.filter((p) => p.kind === 'expired_authorisation');
    expect(expired).toHaveLength(1);
    expect(expired[0]?.text).toMatch(/parvis.*nuit.*Arrêté n° 2024-310/);
    const undeclared = report.openPoints.filter((p) => p.kind === 'undeclared_basis');
    expect(undeclared.map((p) => p.text)).toEqual([expect.stringMatching(/Caméra parvis, règle foule .*base légale non déclarée/)]);
  });

  it('flags cameras kept longer than 10 days', () => {
    expect(report.openPoints.filter((p) => p.kind === 'long_retention').map((p) => p.text)).toEqual([expect.stringMatching(/^Caméra parvis : conservation de 15 jours/)]);
  });

  it('has no organisation point when every field is filled in', () => {
    expect(report.organisation.map((f) => [f.key, f.value])).toEqual([
      ['controller', 'Ville de Suresnes'],
      ['controller_address', '2 rue Carnot, 92150 Suresnes'],
      ['dpo_contact', 'dpo@ville-suresnes.fr'],
      ['rights_contact', 'droits@ville-suresnes.fr'],
    ]);
    expect(report.purposes).toEqual({ declared: true, items: COMPLETE.purposes });
    expect(report.openPoints.filter((p) => p.kind === 'organisation')).toEqual([]);
  });

  it('lists each missing organisation field, and the "à compléter" defaults as missing', () => {
    const partial = buildComplianceReport(input(cityConfig({ controller: 'Ville de Suresnes' })));
    const missing = partial.organisation.filter((f) => f.value === null);
    // dpo_contact took its "à compléter" default when the section was parsed.
    expect(missing.map((f) => f.key)).toEqual(['controller_address', 'dpo_contact', 'rights_contact']);
    expect(missing[0]?.text).toBe('non renseigné — à compléter dans la configuration (organisation.controller_address)');
    const points = partial.openPoints.filter((p) => p.kind === 'organisation').map((p) => p.text);
    expect(points).toHaveLength(4);
    expect(points.join('\n')).toContain('(organisation.purposes)');
    const none = buildComplianceReport(input(cityConfig(undefined)));
    expect(none.organisation.every((f) => f.value === null)).toBe(true);
  });

  it('gives every role its permissions and its number of active accounts', () => {
    expect(report.recipients.map((r) => [r.role, r.activeAccounts])).toEqual([['operator', 4], ['supervisor', 2], ['dpo', 1], ['admin', 1]]);
    for (const r of report.recipients) expect(r.permissions.map((p) => p.id)).toEqual(ROLE_PERMISSIONS[r.role]);
    expect(report.recipients.find((r) => r.role === 'admin')?.permissions.every((p) => p.label.length > 0)).toBe(true);
  });

  it('reports the database facts: holds, audit entries and last anchor', () => {
    const recordings = report.dataCategories.find((d) => d.name === 'Enregistrements vidéo');
    expect(recordings?.retention).toBe('15 jours : parvis ; 10 jours : sans-regle, sauf gel judiciaire (2 actifs à la date du rapport)');
    expect(report.dataCategories.find((d) => d.name === "Instantanés d'événements")?.retention).toMatch(/^15 jours : parvis ; 10 jours : marche, sans-regle, sauf gel/);
    const empty = buildComplianceReport(input(emptyConfig()));
    expect(empty.dataCategories.find((d) => d.name === 'Enregistrements vidéo')?.retention).toBe('Aucune caméra enregistrée');
    expect(report.security.join('\n')).toMatch(/321 entrées, dernier scellement signé le 12 mars 2025 à 14:00/);
    const fresh = buildComplianceReport(input(cityConfig(COMPLETE), { ...FACTS, activeHolds: 0, audit: { entries: 0, lastAnchorAt: null } }));
    expect(fresh.security.join('\n')).toContain('aucun scellement signé à ce jour');
  });

  it('gives the DPIA facts: cameras, hours, shadow and statistics rules', () => {
    expect(report.dpia.monitoring[0]).toContain('2 caméra(s) analysée(s) automatiquement sur 4 configurée(s)');
    // parvis all week (168 h) + marche on Saturday 08:00-13:30 (5.5 h).
    expect(report.dpia.monitoring[1]).toContain('173,5 heures par semaine');
    expect(report.dpia.proportionality.join('\n')).toContain('1 (parvis/foule)');
    expect(report.dpia.proportionality.join('\n')).toContain('1 (parvis/passages)');
    expect(report.dpia.risks.length).toBeGreaterThan(3);
  });

  it('names the detector and warns about a model supplied by the operator', () => {
    expect(report.detector).toMatchObject({ engine: 'centernet-onnx', bundled: true });
    expect(report.openPoints.some((p) => p.kind === 'custom_detector')).toBe(false);
    const yolo = buildComplianceReport(input({ ...emptyConfig(), detector: { engine: 'yolo-onnx', model: '/opt/models/yolo.onnx', format: 'ultralytics' } }));
    expect(yolo.detector).toEqual({ engine: 'yolo-onnx', model: '/opt/models/yolo.onnx', bundled: false });
    expect(yolo.openPoints.find((p) => p.kind === 'custom_detector')?.text).toContain('/opt/models/yolo.onnx');
  });

  it('carries the generation time, version and a digest that changes with the configuration', () => {
    expect(report.generatedAt).toBe('2025-03-12T14:00:00.000Z');
    expect(report.vigieVersion).toBe('9.9.9');
    expect(report.configuration).toMatchObject({ version: 7, sha256: configSha256(cityConfig(COMPLETE)) });
    expect(report.configuration.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(configSha256(cityConfig({ ...COMPLETE, controller: 'Ville de Puteaux' }))).not.toBe(report.configuration.sha256);
  });
});
