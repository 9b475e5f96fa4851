/**
 * The fixed French statements of the compliance report: what the software
 * does by construction, whatever the configuration. Each one paraphrases a
 * section of docs/PRIVACY.md, docs/PERMISSIONS.md or docs/RETENTION.md, so a
 * change in behaviour there must be reflected here.
 */
import type { Permission, Role } from '../auth/roles.js';

export const ROLE_LABELS_FR: Readonly<Record<Role, string>> = {
  operator: 'Opérateur',
  supervisor: 'Superviseur',
  dpo: 'Délégué à la protection des données (DPO)',
  admin: 'Administrateur technique',
};

/** Every permission in French; a new permission does not compile until it has its label. */
export const PERMISSION_LABELS_FR: Readonly<Record<Permission, string>> = {
  'events.read': 'consulter les alertes et événements (instantanés floutés)',
  'events.act': 'traiter les alertes (acquitter, qualifier, dépêcher une patrouille)',
  'live.view': 'voir les caméras en direct, personnes floutées',
  'live.view_unblurred': 'voir le direct sans floutage (chaque consultation journalisée)',
  'recordings.view': 'consulter la chronologie des enregistrements',
  'cameras.read': 'consulter la liste des caméras et leur état',
  'cameras.write': 'ajouter, modifier, désactiver ou supprimer des caméras',
  'config.write': 'modifier les zones, lignes, règles et horaires',
  'masks.write': 'gérer les masques de confidentialité',
  'users.read': 'consulter les comptes et leurs rôles',
  'users.write': 'créer, modifier, désactiver des comptes et changer les rôles',
  'audit.read': "consulter le journal d'audit",
  'audit.export': "exporter le journal d'audit",
  'holds.manage': 'poser et lever les gels judiciaires',
  'exports.create': 'produire des exports de preuves (réquisitions)',
  'access_requests.manage': "traiter les demandes de droit d'accès",
  'retention.manage': 'régler la conservation et lancer les purges',
  'reports.read': "consulter les statistiques de l'expérimentation et ce rapport",
  'system.read': 'consulter la santé, les métriques et la version du système',
  'recordings.view_original': 'lire les enregistrements non floutés (chaque lecture journalisée)',
  'incidents.write': "tenir le registre manuel des incidents de l'expérimentation (chaque modification journalisée)",
  'integrations.manage': 'superviser les intégrations MQTT et webhooks, relancer ou abandonner un envoi en échec (journalisé)',
};

export const DATA_SUBJECTS_FR: readonly string[] = [
  "Personnes circulant ou présentes dans l'espace public filmé (piétons, cyclistes, usagers des transports, riverains), sans distinction ni sélection.",
  'Conducteurs et passagers des véhicules circulant ou stationnés dans le champ des caméras.',
  "Agents de la collectivité utilisateurs du système (comptes nominatifs, journal d'audit).",
];

export const TRANSFERS_FR =
  "Aucun transfert hors de l'Union européenne : le logiciel fonctionne sur les serveurs du responsable du traitement et n'envoie aucune donnée à un tiers (pas de service en ligne, aucun téléchargement à l'exécution). À confirmer par le responsable du traitement pour l'hébergement et la maintenance.";

export const NOT_PROCESSED_FR =
  "Aucun traitement biométrique : ni détection, ni reconnaissance, ni comparaison de visages ; aucun gabarit biométrique ; aucun attribut d'apparence (âge, sexe, tenue…) ; aucune identification ni ré-identification d'une personne ou d'un véhicule d'une caméra à l'autre ; aucune lecture de plaques d'immatriculation. Le logiciel ne contient pas de code pour le faire, ce que vérifient des tests automatisés (docs/PRIVACY.md, section 4).";

export interface RiskFr {
  readonly risk: string;
  readonly measures: string;
}

/** Risks for the people filmed and the measures the software implements against each. */
export const RISKS_FR: readonly RiskFr[] = [
  {
    risk: 'Accès illégitime aux images (consultation par une personne non habilitée ou sans motif)',
    measures: "Comptes nominatifs, mots de passe argon2id, sessions de 12 h, protection CSRF, permissions par rôle ; direct et instantanés floutés par défaut ; chaque vue non floutée et chaque lecture d'enregistrement est journalisée et visible du DPO.",
  },
  {
    risk: "Détournement de finalité : identifier ou suivre une personne",
    measures: "Aucun code biométrique ni attribut de personne ; identifiants de pistes propres à une caméra et éphémères ; liste fermée de types d'événements ; schéma d'événement strict ; liste d'autorisation des champs sortant du serveur, vérifiée par des tests.",
  },
  {
    risk: 'Conservation excessive des images',
    measures: 'Effacement automatique (au démarrage puis toutes les heures) des enregistrements et instantanés après la durée de chaque caméra (10 jours par défaut, 30 au plus) ; seuls les gels judiciaires, posés par le DPO et journalisés, la prolongent.',
  },
  {
    risk: 'Effacement ou modification des traces des accès',
    measures: "Journal d'audit chaîné par empreintes SHA-256 et scellé périodiquement par signature Ed25519 ; « vigie audit verify » détecte une entrée modifiée, supprimée ou déplacée.",
  },
  {
    risk: 'Fausses alertes conduisant à une intervention injustifiée',
    measures: "Mode d'évaluation (« shadow ») pour mesurer une règle sans alerter ; chaque alerte est examinée et qualifiée par un opérateur avant toute action ; horaires par règle ; mesure de la précision sur des séquences annotées (« vigie eval events »).",
  },
  {
    risk: "Captation d'espaces privés (fenêtres, jardins, entrées d'immeubles)",
    measures: "Masques de confidentialité par caméra, appliqués avant toute analyse, dans le direct et les instantanés (pas encore dans les enregistrements, docs/PRIVACY.md section 10).",
  },
  {
    risk: 'Divulgation ou altération lors de la communication des images',
    measures: 'Exports de preuves réservés au DPO, journalisés, signés (manifeste SHA-256 et signature Ed25519) et vérifiables ; floutage des personnes pour les demandes non judiciaires.',
  },
  {
    risk: 'Compromission du serveur hébergeant le système',
    measures: "Identifiants des caméras masqués dans les réponses et les journaux ; ils ne sont pas chiffrés dans la base : la protection de l'hôte et de ses sauvegardes relève du responsable du traitement.",
  },
];
