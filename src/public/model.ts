/**
 * The public information page's content (`GET /public`, `GET /api/public`),
 * built from the configuration in force and the time of the request (an
 * authorisation may have expired). Pure: no I/O, no clock. Only what a
 * resident may know goes in: camera names, the situations looked for, their
 * purpose and legal basis, the retention, the controller's contacts. Never a source URL, a credential, a
 * zone's coordinates or an internal id.
 */
import {
  organisationSchema,
  TO_COMPLETE,
  WEEKDAYS,
  type CameraConfig,
  type RuleConfig,
  type ScheduleSlot,
  type VigieConfig,
  type Weekday,
} from '../config/schema.js';
import { RULE_TYPES } from '../config/rules/index.js';
import { frenchDate, legalStatus, type LegalState, type LegalStatus } from '../rules/legal-basis.js';

export type RuleType = RuleConfig['type'];

/** Every rule type in plain French; a new rule type does not compile until it has its label. */
export const RULE_LABELS_FR: Readonly<Record<RuleType, string>> = {
  intrusion: 'Intrusion dans une zone interdite',
  line_crossing: "Franchissement d'une ligne",
  wrong_way: 'Circulation à contresens',
  gathering: 'Attroupement',
  crowd_movement: 'Mouvement de foule',
  loitering: 'Présence prolongée dans une zone',
  vehicle_prowling: 'Rôdeur autour de véhicules stationnés',
  vehicle_departure: "Départ d'un véhicule stationné",
  stopped_vehicle: "Véhicule à l'arrêt en zone interdite",
  speeding: 'Excès de vitesse',
  red_light: 'Franchissement de feu rouge',
  person_down: 'Personne au sol',
  abandoned_object: 'Objet abandonné',
  illegal_dumping: 'Dépôt sauvage de déchets',
  bin_overflow: 'Débordement de déchets autour d’un conteneur',
  fire: 'Départ de feu',
  smoke: 'Fumée',
  camera_tamper: 'Caméra masquée, éblouie ou déplacée',
  counting: 'Comptage anonyme (statistiques)',
};

const DAY_FR: Readonly<Record<Weekday, string>> = { mon: 'lun.', tue: 'mar.', wed: 'mer.', thu: 'jeu.', fri: 'ven.', sat: 'sam.', sun: 'dim.' };

export interface PublicUse {
  readonly type: RuleType;
  readonly label: string;
  /**
   * `alert`: an operator is warned in real time; `statistics`: anonymous counts
   * only, never an alert; `suspended`: its authorisation has expired, no alert.
   */
  readonly kind: 'alert' | 'statistics' | 'suspended';
  /** Every rule of this use is in shadow mode: measured, never shown to an operator ("en évaluation, sans alerte"). */
  readonly evaluation: boolean;
  /** When it runs, in French local time; empty = at all times. */
  readonly schedule: readonly string[];
  /** What the rule is for, as the city wrote it (`purpose`); null when not given. */
  readonly purpose: string | null;
  /** Legal status of the rule at the time of the page (docs/RULES.md, "Legal basis"). */
  readonly legalBasis: LegalState;
  /** The same in French, e.g. "Statistiques anonymes uniquement (aucune alerte)". */
  readonly legalBasisText: string;
}

export interface PublicCamera {
  readonly name: string;
  readonly uses: readonly PublicUse[];
  /** Continuous recording of the camera. */
  readonly recorded: boolean;
  readonly retentionDays: number;
  /** The retention in French ("10 jours", "12 heures"). */
  readonly retention: string;
  /** Private areas (windows, gardens) blacked out before any analysis. */
  readonly privacyMasks: number;
}

export interface PublicPageModel {
  readonly language: 'fr';
  readonly configuration: {
    /** Version of the stored configuration; null before the first save (defaults in force). */
    readonly version: number | null;
    /** ISO 8601 time of that version; null before the first save. */
    readonly updatedAt: string | null;
    /** The same, in French, in the configured time zone. */
    readonly updatedAtText: string;
    readonly timezone: string;
  };
  readonly controller: { readonly name: string; readonly address: string | null };
  readonly dpoContact: string;
  readonly rightsContact: string;
  readonly purposes: readonly string[];
  /** False when the purposes are the defaults derived from the rules (the city still has to write them). */
  readonly purposesDeclared: boolean;
  /** True while any organisation field still says "à compléter", or a use has no declared legal basis. */
  readonly incomplete: boolean;
  readonly cameras: readonly PublicCamera[];
  /** What the system does not do, by construction. */
  readonly guarantees: readonly string[];
  readonly rights: readonly string[];
  readonly cnil: { readonly name: string; readonly url: string };
}

export interface ConfigInForce {
  readonly config: VigieConfig;
  readonly version: number | null;
  readonly createdAt: string | null;
}

export const GUARANTEES_FR: readonly string[] = [
  "Aucune reconnaissance faciale n'est utilisée.",
  "Aucune caractéristique individuelle (visage, silhouette, vêtements, âge, sexe, origine…) n'est analysée ni conservée : le système repère des situations (une personne dans une zone interdite, un attroupement…), pas des personnes.",
  "Aucune personne n'est identifiée ni suivie d'une caméra à l'autre.",
  'Les statistiques sont des comptages anonymes et agrégés : elles ne permettent pas de reconnaître une personne.',
];

export const CNIL = { name: "Commission nationale de l'informatique et des libertés (CNIL)", url: 'https://www.cnil.fr' } as const;

/** The page's content from the configuration in force (its version and date, when it was stored) at `nowMs`. */
export function buildPublicPage(current: ConfigInForce, nowMs: number): PublicPageModel {
  const { config } = current;
  const org = organisationSchema.parse(config.organisation ?? {});
  const cameras = config.cameras.map((c) => publicCamera(c, (rule) => legalStatus(rule, nowMs, config.timezone))).filter((c): c is PublicCamera => c !== null);
  const declared = org.purposes !== undefined;
  const purposes = org.purposes ?? defaultPurposes(cameras);
  const rightsContact = org.rights_contact ?? org.dpo_contact;
  const undeclaredBasis = cameras.some((c) => c.uses.some((u) => u.legalBasis === 'undeclared'));
  const incomplete = [org.controller, org.dpo_contact].some((s) => s.includes(TO_COMPLETE)) || !declared || undeclaredBasis;
  return {
    language: 'fr',
    configuration: {
      version: current.version,
      updatedAt: current.createdAt,
      updatedAtText: current.createdAt ? frenchDateTime(current.createdAt, config.timezone) : 'configuration par défaut (aucune version enregistrée)',
      timezone: config.timezone,
    },
    controller: { name: org.controller, address: org.controller_address ?? null },
    dpoContact: org.dpo_contact,
    rightsContact,
    purposes,
    purposesDeclared: declared,
    incomplete,
    cameras,
    guarantees: GUARANTEES_FR,
    rights: [
      `Droit d'accès : vous pouvez demander à consulter les images sur lesquelles vous figurez, tant qu'elles sont conservées. Écrivez à : ${rightsContact}. Précisez le lieu, la date et l'heure approximative ; les autres personnes visibles seront floutées.`,
      "Vous pouvez aussi demander l'effacement ou la limitation du traitement des données vous concernant, dans les conditions prévues par le RGPD et la loi Informatique et Libertés.",
      `Pour toute question sur ce traitement, contactez le délégué à la protection des données : ${org.dpo_contact}.`,
      `Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL (${CNIL.url}).`,
    ],
    cnil: CNIL,
  };
}

/** What residents read about a rule's legal basis. */
function publicBasis(status: LegalStatus): string {
  return status.state === 'expired' && status.validUntil ? `Autorisation expirée le ${frenchDate(status.validUntil)} : pas d'alerte` : status.reason;
}

const kindOf = (status: LegalStatus): PublicUse['kind'] => (status.state === 'statistics' ? 'statistics' : status.state === 'expired' ? 'suspended' : 'alert');

/** A camera as the public sees it; null when it has no analytics (disabled, or no enabled rule). */
function publicCamera(camera: CameraConfig, statusOf: (rule: RuleConfig) => LegalStatus): PublicCamera | null {
  if (!camera.enabled) return null;
  const rules = camera.rules.filter((r) => r.enabled);
  if (rules.length === 0) return null;
  const uses = new Map<string, Omit<PublicUse, 'evaluation'> & { shadow: boolean }>();
  for (const rule of rules) {
    const schedule = rule.schedule ? rule.schedule.map(frenchSlot) : [];
    const status = statusOf(rule);
    const use = { type: rule.type, label: RULE_LABELS_FR[rule.type], kind: kindOf(status), schedule, purpose: rule.purpose ?? null, legalBasis: status.state, legalBasisText: publicBasis(status) };
    // One use per rule, merged with rules that read the same (type, schedule, purpose, basis).
    const key = [use.type, ...schedule, use.purpose ?? '', use.legalBasisText].join('\u0000');
    const seen = uses.get(key);
    // A use is "en évaluation" only if every rule behind it is.
    uses.set(key, { ...use, shadow: (seen?.shadow ?? true) && 'mode' in rule && rule.mode === 'shadow' });
  }
  const order = (t: RuleType): number => RULE_TYPES.indexOf(t);
  return {
    name: camera.name?.trim() || camera.id,
    uses: [...uses.values()]
      .sort((a, b) => order(a.type) - order(b.type))
      .map(({ shadow, ...u }) => ({ ...u, evaluation: shadow && u.kind === 'alert' })),
    recorded: camera.recording.enabled,
    retentionDays: camera.recording.retention_days,
    retention: frenchDuration(camera.recording.retention_days),
    privacyMasks: camera.masks.length,
  };
}

function defaultPurposes(cameras: readonly PublicCamera[]): string[] {
  const uses = cameras.flatMap((c) => c.uses);
  const purposes: string[] = [];
  if (uses.some((u) => u.kind === 'alert')) {
    purposes.push(`Sécurité des personnes et des biens dans l'espace public : signalement en temps réel aux opérateurs des événements listés ci-dessous (${TO_COMPLETE} par le responsable du traitement)`);
  }
  if (uses.some((u) => u.kind === 'statistics')) {
    purposes.push(`Statistiques anonymes de fréquentation, sans alerte (${TO_COMPLETE} par le responsable du traitement)`);
  }
  if (purposes.length === 0) purposes.push(`Aucune analyse automatique n'est en service (${TO_COMPLETE} par le responsable du traitement)`);
  return purposes;
}

/** "lun., mar. de 22:00 à 06:00" / "tous les jours de 08:00 à 20:00". */
export function frenchSlot(slot: ScheduleSlot): string {
  const days = WEEKDAYS.every((d) => slot.days.includes(d)) ? 'tous les jours' : WEEKDAYS.filter((d) => slot.days.includes(d)).map((d) => DAY_FR[d]).join(', ');
  return `${days} de ${slot.from} à ${slot.to}${slot.to < slot.from ? ' le lendemain' : ''}`;
}

/** 10 → "10 jours", 1 → "1 jour", 0.5 → "12 heures". */
export function frenchDuration(days: number): string {
  if (days < 1) {
    const hours = Math.max(1, Math.round(days * 24));
    return `${hours} heure${hours > 1 ? 's' : ''}`;
  }
  const rounded = Math.round(days * 10) / 10;
  return `${String(rounded).replace('.', ',')} jour${rounded >= 2 ? 's' : ''}`;
}

function frenchDateTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(date);
}
