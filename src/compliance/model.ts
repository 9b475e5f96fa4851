/**
 * The compliance report (record of processing activities, GDPR article 30,
 * and the facts an AIPD/DPIA needs) as a typed model, built from the
 * configuration in force and a few facts read from the database. Pure: no
 * I/O, no clock; `html.ts` and `pdf.ts` render it, docs/COMPLIANCE.md
 * describes it.
 */
import { createHash } from 'node:crypto';
import { ROLES, ROLE_PERMISSIONS, type Permission, type Role } from '../auth/roles.js';
import { TO_COMPLETE, type CameraConfig, type RuleConfig, type VigieConfig } from '../config/schema.js';
import { frenchDuration, frenchSlot, RULE_LABELS_FR, type RuleType } from '../public/model.js';
import { legalStatus, type LegalState } from '../rules/legal-basis.js';
import { inSchedule } from '../rules/schedule.js';
import { DATA_SUBJECTS_FR, NOT_PROCESSED_FR, PERMISSION_LABELS_FR, RISKS_FR, ROLE_LABELS_FR, TRANSFERS_FR, type RiskFr } from './texts.js';

/** Retention (days) above which the report asks the controller to justify it: the usual duration. */
export const USUAL_RETENTION_DAYS = 10;

/** What the database tells about the processing at generation time. */
export interface ComplianceFacts {
  /** Enabled accounts per role. */
  readonly activeAccounts: Readonly<Record<Role, number>>;
  readonly activeHolds: number;
  readonly audit: { readonly entries: number; readonly lastAnchorAt: string | null };
}

export interface ComplianceInput {
  readonly config: VigieConfig;
  /** Where the configuration comes from: its stored version, or a file given on the command line. */
  readonly configSource: { readonly version: number | null; readonly savedAt: string | null; readonly file?: string };
  readonly facts: ComplianceFacts;
  readonly nowMs: number;
  readonly version: string;
}

export type OrganisationKey = 'controller' | 'controller_address' | 'dpo_contact' | 'rights_contact' | 'purposes';

export interface OrganisationField {
  readonly key: OrganisationKey;
  readonly label: string;
  /** Null when the configuration does not give it (or still says "à compléter"). */
  readonly value: string | null;
  /** The value, or the missing-item notice naming the configuration field. */
  readonly text: string;
}

export interface ReportRule {
  readonly id: string;
  readonly type: RuleType;
  readonly label: string;
  /** The event type it raises; null for statistics-only rules (counting). */
  readonly eventType: string | null;
  /** `shadow`: events measured, never shown to operators; `statistics`: counts only. */
  readonly mode: 'active' | 'shadow' | 'statistics';
  readonly schedule: readonly string[];
  readonly purpose: string | null;
  readonly legal: { readonly state: LegalState; readonly text: string; readonly flagged: boolean };
}

export interface ReportCamera {
  readonly id: string;
  readonly name: string;
  readonly recorded: boolean;
  readonly retentionDays: number;
  readonly retention: string;
  readonly privacyMasks: number;
  /** Hours per week during which at least one rule of the camera is active. */
  readonly weeklyHours: number;
  readonly rules: readonly ReportRule[];
}

export interface DataCategory {
  readonly name: string;
  readonly content: string;
  readonly location: string;
  readonly retention: string;
}

export interface Recipient {
  readonly role: Role;
  readonly label: string;
  readonly permissions: readonly { readonly id: Permission; readonly label: string }[];
  readonly activeAccounts: number;
}

export type OpenPointKind = 'organisation' | 'undeclared_basis' | 'expired_authorisation' | 'long_retention' | 'custom_detector';

export interface OpenPoint {
  readonly kind: OpenPointKind;
  readonly text: string;
}

export interface ComplianceReport {
  readonly language: 'fr';
  readonly generatedAt: string;
  readonly generatedAtText: string;
  readonly timezone: string;
  readonly vigieVersion: string;
  readonly configuration: { readonly sha256: string; readonly version: number | null; readonly source: string };
  readonly organisation: readonly OrganisationField[];
  readonly purposes: { readonly declared: boolean; readonly items: readonly string[] };
  /** Enabled cameras with at least one enabled rule. */
  readonly cameras: readonly ReportCamera[];
  readonly camerasConfigured: number;
  readonly camerasRecorded: number;
  readonly dataSubjects: readonly string[];
  readonly dataCategories: readonly DataCategory[];
  readonly recipients: readonly Recipient[];
  readonly transfers: string;
  readonly security: readonly string[];
  readonly detector: { readonly engine: string; readonly model: string; readonly bundled: boolean };
  readonly notProcessed: string;
  readonly dpia: {
    readonly monitoring: readonly string[];
    readonly proportionality: readonly string[];
    readonly risks: readonly RiskFr[];
  };
  readonly openPoints: readonly OpenPoint[];
}

/** The notice shown for a configuration field the controller has not filled in. */
export const missingNotice = (path: string): string => `non renseigné — à compléter dans la configuration (${path})`;

/** SHA-256 of the configuration as canonical JSON (keys sorted), so the same configuration always gives the same digest. */
export function configSha256(config: VigieConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function buildComplianceReport(input: ComplianceInput): ComplianceReport {
  const { config, facts, nowMs } = input;
  const tz = config.timezone;
  const enabledCameras = config.cameras.filter((c) => c.enabled);
  const cameras = enabledCameras.filter((c) => c.rules.some((r) => r.enabled)).map((c) => reportCamera(c, nowMs, tz));
  const organisation = organisationFields(config);
  const purposes = config.organisation?.purposes;
  const detector = detectorFacts(config);
  return {
    language: 'fr',
    generatedAt: new Date(nowMs).toISOString(),
    generatedAtText: frenchDateTime(nowMs, tz),
    timezone: tz,
    vigieVersion: input.version,
    configuration: { sha256: configSha256(config), version: input.configSource.version, source: sourceText(input.configSource, tz) },
    organisation,
    purposes: { declared: purposes !== undefined, items: purposes ?? [] },
    cameras,
    camerasConfigured: config.cameras.length,
    camerasRecorded: enabledCameras.filter((c) => c.recording.enabled).length,
    dataSubjects: DATA_SUBJECTS_FR,
    dataCategories: dataCategories(enabledCameras, facts),
    recipients: ROLES.map((role) => ({
      role,
      label: ROLE_LABELS_FR[role],
      permissions: ROLE_PERMISSIONS[role].map((id) => ({ id, label: PERMISSION_LABELS_FR[id] })),
      activeAccounts: facts.activeAccounts[role],
    })),
    transfers: TRANSFERS_FR,
    security: securityMeasures(enabledCameras, facts, tz),
    detector,
    notProcessed: NOT_PROCESSED_FR,
    dpia: {
      monitoring: monitoringFacts(cameras, config.cameras.length, enabledCameras),
      proportionality: proportionalityFacts(cameras, enabledCameras),
      risks: RISKS_FR,
    },
    openPoints: openPoints(organisation, purposes !== undefined, cameras, enabledCameras, detector),
  };
}

function reportCamera(camera: CameraConfig, nowMs: number, tz: string): ReportCamera {
  const rules = camera.rules.filter((r) => r.enabled);
  return {
    id: camera.id,
    name: camera.name?.trim() || camera.id,
    recorded: camera.recording.enabled,
    retentionDays: camera.recording.retention_days,
    retention: frenchDuration(camera.recording.retention_days),
    privacyMasks: camera.masks.length,
    weeklyHours: weeklyHours(rules),
    rules: rules.map((r) => reportRule(r, nowMs, tz)),
  };
}

function reportRule(rule: RuleConfig, nowMs: number, tz: string): ReportRule {
  const statistics = rule.type === 'counting';
  return {
    id: rule.id,
    type: rule.type,
    label: RULE_LABELS_FR[rule.type],
    eventType: statistics ? null : rule.type,
    mode: statistics ? 'statistics' : rule.mode,
    schedule: rule.schedule?.map(frenchSlot) ?? [],
    purpose: rule.purpose ?? null,
    legal: legalText(rule, nowMs, tz),
  };
}

/** The rule's legal status in words (src/rules/legal-basis.ts), with the issuing authority when known. */
function legalText(rule: RuleConfig, nowMs: number, tz: string): ReportRule['legal'] {
  const status = legalStatus(rule, nowMs, tz);
  const text = status.authority ? `${status.reason} (délivrée par ${status.authority})` : status.reason;
  return { state: status.state, text, flagged: status.state === 'expired' || status.state === 'undeclared' };
}

const MINUTES_PER_WEEK = 7 * 24 * 60;

/** Hours of the week covered by at least one rule (a rule without schedule covers all 168). */
function weeklyHours(rules: readonly RuleConfig[]): number {
  if (rules.length === 0) return 0;
  if (rules.some((r) => !r.schedule)) return 168;
  const slots = rules.flatMap((r) => r.schedule ?? []);
  let minutes = 0;
  for (let m = 0; m < MINUTES_PER_WEEK; m += 1) if (inSchedule(slots, { day: Math.floor(m / 1440), minute: m % 1440 })) minutes += 1;
  return Math.round((minutes / 60) * 10) / 10;
}

const ORGANISATION_LABELS: Readonly<Record<OrganisationKey, string>> = {
  controller: 'Responsable du traitement',
  controller_address: 'Adresse du responsable du traitement',
  dpo_contact: 'Contact du délégué à la protection des données',
  rights_contact: "Contact pour l'exercice des droits",
  purposes: 'Finalités',
};

/** A field counts as missing when absent or still the "à compléter" default. */
function organisationFields(config: VigieConfig): OrganisationField[] {
  const org = config.organisation;
  const keys: readonly Exclude<OrganisationKey, 'purposes'>[] = ['controller', 'controller_address', 'dpo_contact', 'rights_contact'];
  return keys.map((key) => {
    const raw = org?.[key];
    const value = raw !== undefined && !raw.includes(TO_COMPLETE) ? raw : null;
    return { key, label: ORGANISATION_LABELS[key], value, text: value ?? missingNotice(`organisation.${key}`) };
  });
}

function detectorFacts(config: VigieConfig): ComplianceReport['detector'] {
  const { engine, model } = config.detector;
  if (engine === 'yolo-onnx') return { engine, model: model ?? '', bundled: false };
  return { engine, model: 'CenterNet MobileNetV3 (classes COCO), fourni avec Vigie, sur liste d’autorisation', bundled: true };
}

/** "10 jours (3 caméras)" or "10 jours : a, b ; 15 jours : c", then the legal holds that may extend it; null without any camera. */
function retentionSummary(cameras: readonly CameraConfig[], activeHolds: number): string | null {
  if (cameras.length === 0) return null;
  const byDuration = new Map<string, string[]>();
  for (const c of cameras) {
    const d = frenchDuration(c.recording.retention_days);
    byDuration.set(d, [...(byDuration.get(d) ?? []), c.id]);
  }
  const durations = byDuration.size === 1
    ? `${[...byDuration.keys()][0] ?? ''} (${cameras.length} caméra${cameras.length > 1 ? 's' : ''})`
    : [...byDuration].map(([d, ids]) => `${d} : ${ids.join(', ')}`).join(' ; ');
  const holds = activeHolds > 0 ? `${activeHolds} actif${activeHolds > 1 ? 's' : ''}` : 'aucun actif';
  return `${durations}, sauf gel judiciaire (${holds} à la date du rapport)`;
}

function dataCategories(cameras: readonly CameraConfig[], facts: ComplianceFacts): DataCategory[] {
  return [
    { name: 'Images en direct', content: "Images des caméras, décodées en mémoire, masques de confidentialité appliqués d'abord", location: 'Mémoire du serveur uniquement', retention: "Quelques secondes (le temps de l'analyse)" },
    { name: 'Enregistrements vidéo', content: 'Flux des caméras enregistrées, tel que transmis (non flouté)', location: 'Serveur : dossier recordings/, indexé dans la base', retention: retentionSummary(cameras.filter((c) => c.recording.enabled), facts.activeHolds) ?? 'Aucune caméra enregistrée' },
    { name: "Instantanés d'événements", content: "Une image JPEG de l'événement, personnes floutées", location: 'Serveur : dossier snapshots/', retention: retentionSummary(cameras, facts.activeHolds) ?? 'Aucune caméra active' },
    { name: 'Pistes', content: "Identifiant numérique propre à une caméra, boîte et classe d'objet ; aucune image", location: 'Mémoire uniquement', retention: "Tant que l'objet est dans le champ (éphémères)" },
    { name: 'Événements', content: 'Type, caméra, règle, horaires, boîte normalisée, score, traitement par les opérateurs ; ni image ni identité', location: 'Base de données', retention: 'Conservés sans limite de durée (métadonnées sans image, docs/PRIVACY.md section 10)' },
    { name: 'Comptages', content: "Nombre d'objets d'une classe franchissant une ligne ou présents dans une zone, par tranche de 5 minutes", location: 'Base de données', retention: 'Conservés (statistiques anonymes)' },
    { name: 'Comptes du personnel', content: "Identifiant, nom affiché, rôle, empreinte argon2id du mot de passe, sessions", location: 'Base de données', retention: "Tant que le compte existe ; sessions : 12 heures au plus" },
    { name: "Journal d'audit", content: 'Qui a fait quoi et quand (connexions, consultations, exports, gels, modifications), adresse IP du poste', location: 'Base de données, chaîné et signé', retention: `Conservé (${facts.audit.entries} entrée${facts.audit.entries > 1 ? 's' : ''} à la date du rapport)` },
    { name: 'Main courante (incidents)', content: "Incidents inscrits par les opérateurs : heure, caméra ou lieu, type, description des faits (consigne : jamais de description ni de nom de personne), lien vers un événement", location: 'Base de données', retention: "Conservé pour le bilan de l'expérimentation" },
    { name: 'Disponibilité des caméras', content: "Périodes pendant lesquelles chaque caméra a été analysée (caméra, début, fin)", location: 'Base de données', retention: 'Conservé' },
  ];
}

function securityMeasures(cameras: readonly CameraConfig[], facts: ComplianceFacts, tz: string): string[] {
  const masks = cameras.reduce((n, c) => n + c.masks.length, 0);
  const anchor = facts.audit.lastAnchorAt ? `dernier scellement signé le ${frenchDateTime(Date.parse(facts.audit.lastAnchorAt), tz)}` : 'aucun scellement signé à ce jour';
  return [
    'Mots de passe hachés avec argon2id (12 caractères au moins, mots de passe courants refusés) ; connexions limitées en cas d’échecs répétés.',
    'Sessions de 12 heures au plus, cookie HttpOnly et SameSite=Strict, seule l’empreinte SHA-256 du jeton conservée.',
    'Protection CSRF de toute requête qui modifie des données.',
    'Permissions par rôle, vérifiées sur chaque route de l’API (voir les destinataires).',
    `Journal d'audit chaîné (SHA-256) et scellé par signature Ed25519 : ${facts.audit.entries} entrée${facts.audit.entries > 1 ? 's' : ''}, ${anchor}.`,
    'Exports de preuves signés (manifeste SHA-256, signature Ed25519) et vérifiables (« vigie evidence verify »).',
    `Masques de confidentialité : ${masks} zone${masks > 1 ? 's' : ''} masquée${masks > 1 ? 's' : ''} avant toute analyse, sur ${cameras.filter((c) => c.masks.length > 0).length} caméra(s) active(s).`,
    'Floutage des personnes dans le direct et les instantanés ; le direct non flouté et la lecture des enregistrements sont réservés aux superviseurs et journalisés.',
    "Effacement automatique des enregistrements et instantanés à l'échéance de conservation (au démarrage puis toutes les heures), chaque purge étant journalisée.",
  ];
}

function monitoringFacts(cameras: readonly ReportCamera[], configured: number, enabled: readonly CameraConfig[]): string[] {
  const hours = Math.round(cameras.reduce((n, c) => n + c.weeklyHours, 0) * 10) / 10;
  const rules = cameras.reduce((n, c) => n + c.rules.length, 0);
  return [
    `Surveillance systématique d'une zone accessible au public : ${cameras.length} caméra(s) analysée(s) automatiquement sur ${configured} configurée(s) (${enabled.length} active(s)), ${rules} règle(s) en service.`,
    `Durée d'analyse : ${frenchHours(hours)} heures par semaine au total (${cameras.map((c) => `${c.id} : ${frenchHours(c.weeklyHours)} h`).join(', ') || 'aucune caméra'}).`,
    `Enregistrement continu : ${enabled.filter((c) => c.recording.enabled).length} caméra(s) active(s) enregistrée(s).`,
  ];
}

function proportionalityFacts(cameras: readonly ReportCamera[], enabled: readonly CameraConfig[]): string[] {
  const rules = cameras.flatMap((c) => c.rules.map((r) => ({ camera: c.id, rule: r })));
  const named = (pred: (r: ReportRule) => boolean): string => {
    const hits = rules.filter((x) => pred(x.rule));
    return hits.length === 0 ? 'aucune' : `${hits.length} (${hits.map((x) => `${x.camera}/${x.rule.id}`).join(', ')})`;
  };
  const maxRetention = enabled.reduce((m, c) => Math.max(m, c.recording.retention_days), 0);
  return [
    `Règles en évaluation (mode « shadow », aucune alerte aux opérateurs) : ${named((r) => r.mode === 'shadow')}.`,
    `Règles de statistiques seules (comptages anonymes, jamais d'alerte) : ${named((r) => r.mode === 'statistics')}.`,
    `Règles limitées à des horaires : ${named((r) => r.schedule.length > 0)} ; les autres fonctionnent en permanence.`,
    `Alertes couvertes par une autorisation en cours : ${named((r) => r.legal.state === 'authorised')}.`,
    `Conservation la plus longue : ${enabled.length > 0 ? frenchDuration(maxRetention) : 'sans objet'} (10 jours par défaut, 30 au plus).`,
    `Zones privées masquées : ${cameras.reduce((n, c) => n + c.privacyMasks, 0)} sur les caméras analysées.`,
  ];
}

/** What the controller must still settle, most basic first: who answers for the processing, then the lawfulness of each rule. */
function openPoints(organisation: readonly OrganisationField[], purposesDeclared: boolean, cameras: readonly ReportCamera[], enabled: readonly CameraConfig[], detector: ComplianceReport['detector']): OpenPoint[] {
  const points: OpenPoint[] = organisation
    .filter((f) => f.value === null)
    .map((f) => ({ kind: 'organisation', text: `${f.label} : ${f.text}${f.key === 'rights_contact' ? ' ; à défaut, le contact du DPO est indiqué au public' : ''}.` }));
  if (!purposesDeclared) points.push({ kind: 'organisation', text: `${ORGANISATION_LABELS.purposes} : ${missingNotice('organisation.purposes')}.` });
  for (const camera of cameras) {
    for (const rule of camera.rules) {
      const where = `Caméra ${camera.id}, règle ${rule.id} (${rule.label})`;
      if (rule.legal.state === 'undeclared') points.push({ kind: 'undeclared_basis', text: `${where} : base légale non déclarée — déclarer legal_basis dans la règle, ou la désactiver.` });
      if (rule.legal.state === 'expired') points.push({ kind: 'expired_authorisation', text: `${where} : ${rule.legal.text} — renouveler l'autorisation ou désactiver la règle.` });
    }
  }
  for (const camera of enabled) {
    if (camera.recording.retention_days > USUAL_RETENTION_DAYS) {
      points.push({ kind: 'long_retention', text: `Caméra ${camera.id} : conservation de ${frenchDuration(camera.recording.retention_days)} (enregistrements et instantanés), au-delà des ${USUAL_RETENTION_DAYS} jours usuels — justifier cette durée.` });
    }
  }
  if (!detector.bundled) {
    points.push({ kind: 'custom_detector', text: `Détecteur fourni par l'exploitant (${detector.model}) : hors de la liste d'autorisation de Vigie — vérifier et documenter qu'il s'agit d'un simple détecteur d'objets (docs/PRIVACY.md section 10).` });
  }
  return points;
}

/** 173.5 -> "173,5" (French decimal comma). */
export function frenchHours(h: number): string {
  return String(h).replace('.', ',');
}

function frenchDateTime(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(ms);
}

function sourceText(source: ComplianceInput['configSource'], tz: string): string {
  if (source.file !== undefined) return `fichier ${source.file} (non enregistré dans la base)`;
  if (source.version === null) return 'configuration par défaut (aucune version enregistrée)';
  return `version ${source.version}${source.savedAt ? ` du ${frenchDateTime(Date.parse(source.savedAt), tz)}` : ''}`;
}
