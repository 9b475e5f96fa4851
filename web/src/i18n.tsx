/**
 * Interface text in French (default: the console is for French operators) and
 * English. `fr` defines the keys; `en` must have exactly the same ones (the
 * compiler refuses a missing or extra key). The choice is kept in localStorage.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

const fr = {
  'app.name': 'Vigie',
  'app.skip': 'Aller au contenu',
  'nav.queue': 'Alertes',
  'nav.cameras': 'Caméras',
  'nav.setup': 'Zones et règles',
  'nav.users': 'Utilisateurs',
  'nav.main': 'Navigation principale',
  'header.logout': 'Se déconnecter',
  'header.language': 'Langue',
  'header.mute': 'Couper le son des alertes',
  'header.unmute': 'Rétablir le son des alertes',
  'header.live.open': 'En direct',
  'header.live.connecting': 'Connexion…',
  'header.live.reconnecting': 'Direct interrompu, reconnexion…',
  'header.soundTest': 'Tester le son',

  'login.title': 'Connexion à Vigie',
  'login.subtitle': 'Centre de supervision urbaine',
  'login.username': "Nom d'utilisateur",
  'login.password': 'Mot de passe',
  'login.submit': 'Se connecter',
  'login.error.credentials': "Nom d'utilisateur ou mot de passe incorrect.",
  'login.error.rateLimited': 'Trop de tentatives échouées. Réessayez dans {time}.',
  'login.error.rateLimitedNoTime': 'Trop de tentatives échouées. Réessayez plus tard.',
  'login.error.missing': "Saisissez le nom d'utilisateur et le mot de passe.",
  'login.error.network': 'Serveur injoignable. Vérifiez la connexion réseau.',
  'login.error.other': 'Connexion impossible : {message}',
  'login.sessionExpired': 'Votre session a expiré. Reconnectez-vous.',

  'severity.high': 'Haute',
  'severity.medium': 'Moyenne',
  'severity.low': 'Basse',
  'type.intrusion': 'Intrusion',
  'type.line_crossing': 'Franchissement de ligne',
  'type.wrong_way': 'Contresens',
  'status.open': 'En cours',
  'status.closed': 'Terminé',
  'status.unacknowledged': 'Non acquittées',
  'status.acknowledged': 'Acquittées',
  'status.qualified': 'Qualifiées',
  'qualification.true_alert': 'Vraie alerte',
  'qualification.false_alarm': 'Fausse alarme',
  'qualification.duplicate': 'Doublon',

  'queue.title': "File d'alertes",
  'queue.filters': 'Filtres',
  'queue.filter.camera': 'Caméra',
  'queue.filter.type': 'Type',
  'queue.filter.status': 'État',
  'queue.filter.all': 'Toutes',
  'queue.empty': 'Aucune alerte pour ces filtres.',
  'queue.count': '{shown} alertes affichées sur {total}',
  'queue.unhandled': '{count} à traiter',
  'queue.more': 'Afficher plus',
  'queue.col.severity': 'Gravité',
  'queue.col.type': 'Type',
  'queue.col.camera': 'Caméra',
  'queue.col.where': 'Zone / ligne',
  'queue.col.time': 'Heure',
  'queue.col.state': 'Traitement',
  'queue.new': 'Nouvelle',
  'queue.toBeHandled': 'À traiter',
  'queue.ackBy': 'Acquittée par {user}',
  'queue.dispatched': 'Patrouille envoyée',
  'queue.open': 'Ouvrir',
  'queue.selected': 'Alerte sélectionnée',
  'queue.shortcuts': 'Raccourcis clavier',
  'queue.newAlert': 'Nouvelle alerte : {type} ({camera})',
  'shortcut.move': 'alerte suivante / précédente',
  'shortcut.ack': 'acquitter',
  'shortcut.true': 'vraie alerte',
  'shortcut.false': 'fausse alarme',
  'shortcut.dispatch': 'envoyer une patrouille',
  'shortcut.open': 'ouvrir le détail',
  'shortcut.back': 'retour à la file',

  'action.ack': 'Acquitter',
  'action.true_alert': 'Vraie alerte',
  'action.false_alarm': 'Fausse alarme',
  'action.duplicate': 'Doublon',
  'action.dispatch': 'Envoyer une patrouille',
  'action.note': 'Note',
  'action.done': 'Action enregistrée : {action}',
  'action.failed': "L'action a échoué : {message}",
  'dispatch.title': 'Envoyer une patrouille',
  'dispatch.note': 'Consigne pour la patrouille (facultatif)',
  'dispatch.confirm': 'Confirmer l’envoi',
  'dispatch.cancel': 'Annuler',

  'detail.back': 'Retour à la file',
  'detail.title': '{type} — {camera}',
  'detail.snapshot': "Image de l'événement (personnes floutées)",
  'detail.noSnapshot': "Pas d'image pour cet événement.",
  'detail.rule': 'Règle',
  'detail.type': 'Type',
  'detail.severity': 'Gravité',
  'detail.camera': 'Caméra',
  'detail.zone': 'Zone',
  'detail.line': 'Ligne',
  'detail.classes': 'Objets',
  'detail.score': 'Confiance',
  'detail.tracks': 'Pistes',
  'detail.start': 'Début',
  'detail.end': 'Fin',
  'detail.status': 'État',
  'detail.ack': 'Acquittement',
  'detail.qualification': 'Qualification',
  'detail.dispatch': 'Patrouille',
  'detail.details': 'Détails',
  'detail.none': '—',
  'detail.byAt': '{user}, {time}',
  'detail.timeline': 'Historique des actions',
  'detail.timelineEmpty': 'Aucune action pour le moment.',
  'detail.addNote': 'Ajouter une note',
  'detail.noteLabel': 'Note',
  'detail.notePlaceholder': 'Ce que vous avez vu, fait ou transmis…',
  'detail.noteSubmit': 'Enregistrer la note',
  'detail.notFound': 'Événement introuvable.',
  'timeline.ack': 'Acquittée',
  'timeline.qualify': 'Qualifiée : {value}',
  'timeline.dispatch': 'Patrouille envoyée',
  'timeline.note': 'Note',

  'cameras.title': 'Mur de caméras',
  'cameras.empty': 'Aucune caméra configurée.',
  'cameras.lastFrame': 'Dernière image : {time}',
  'cameras.noFrame': 'Aucune image reçue',
  'cameras.fps': '{fps} / {target} img/s',
  'cameras.restarts': '{count} redémarrages',
  'cameras.noVideo': 'Aperçu vidéo non autorisé pour votre rôle.',
  'cameras.previewAlt': 'Aperçu en direct de {camera} (personnes floutées)',
  'cameras.polled': 'Aperçu rafraîchi toutes les {s} s',
  'state.starting': 'Démarrage',
  'state.running': 'En service',
  'state.degraded': 'Dégradée',
  'state.offline': 'Hors ligne',
  'state.disabled': 'Désactivée',

  'setup.title': 'Zones, lignes, masques et règles',
  'setup.camera': 'Caméra',
  'setup.pickCamera': 'Choisissez une caméra',
  'setup.tool': 'Outil de dessin',
  'setup.tool.none': 'Aucun',
  'setup.tool.zone': 'Zone',
  'setup.tool.line': 'Ligne',
  'setup.tool.mask': 'Masque',
  'setup.help.none': 'Choisissez un outil pour dessiner sur l’image.',
  'setup.help.zone': 'Cliquez pour placer les sommets ; cliquez sur le premier point ou appuyez sur Entrée pour fermer le polygone. Retour arrière : annuler le dernier point ; Échap : abandonner.',
  'setup.help.line': 'Cliquez le point A puis le point B. Le sens A→B sert aux règles de franchissement.',
  'setup.help.mask': 'Masque de confidentialité : la zone est noircie avant toute analyse. Cliquez les sommets puis fermez le polygone.',
  'setup.closePolygon': 'Fermer le polygone',
  'setup.undoPoint': 'Annuler le dernier point',
  'setup.cancelShape': 'Abandonner',
  'setup.canvas': 'Image de la caméra : cliquez pour dessiner',
  'setup.noSnapshot': 'Image de la caméra indisponible (caméra hors ligne ?). Vous pouvez dessiner sur le fond vide.',
  'setup.newShape': 'Nouvelle {kind}',
  'setup.id': 'Identifiant',
  'setup.idHelp': 'minuscules, chiffres et tirets, ex. « parvis-nord »',
  'setup.name': 'Nom affiché',
  'setup.direction': 'Sens de circulation autorisé',
  'setup.direction.none': 'Aucun',
  'setup.direction.down': 'Vers le bas ↓',
  'setup.direction.up': 'Vers le haut ↑',
  'setup.direction.right': 'Vers la droite →',
  'setup.direction.left': 'Vers la gauche ←',
  'setup.add': 'Ajouter',
  'setup.zones': 'Zones',
  'setup.lines': 'Lignes',
  'setup.masks': 'Masques de confidentialité',
  'setup.rules': 'Règles',
  'setup.mask': 'Masque {n}',
  'setup.points': '{n} points',
  'setup.delete': 'Supprimer {name}',
  'setup.empty': 'Aucun',
  'setup.error.id': 'Identifiant invalide : minuscules, chiffres et tirets.',
  'setup.error.idTaken': 'Cet identifiant existe déjà.',
  'setup.error.inUse': '« {id} » est utilisé par la règle {rule} : supprimez d’abord la règle.',
  'setup.error.needDirection': 'Une règle de contresens demande une zone avec un sens de circulation.',
  'setup.error.needTarget': 'Choisissez une zone ou une ligne.',
  'setup.rule.add': 'Ajouter une règle',
  'setup.rule.type': 'Type de règle',
  'setup.rule.zone': 'Zone',
  'setup.rule.line': 'Ligne',
  'setup.rule.severity': 'Gravité',
  'setup.rule.classes': 'Objets concernés',
  'setup.rule.minDuration': 'Durée minimale dans la zone (s)',
  'setup.rule.crossDirection': 'Sens de franchissement',
  'setup.rule.dir.any': 'Les deux sens',
  'setup.rule.dir.a_to_b': 'De A vers B',
  'setup.rule.dir.b_to_a': 'De B vers A',
  'setup.rule.minDistance': 'Distance minimale à contresens (0–1)',
  'setup.rule.maxAngle': 'Angle maximal (°)',
  'setup.rule.cooldown': 'Délai de réouverture (s)',
  'setup.rule.enabled': 'Active',
  'setup.rule.disabled': 'Inactive',
  'setup.rule.summary': '{type} sur {target}',
  'setup.comment': 'Commentaire de version (facultatif)',
  'setup.save': 'Enregistrer la configuration',
  'setup.saved': 'Configuration enregistrée (version {version}) et appliquée.',
  'setup.saveFailed': 'Configuration refusée : {message}',
  'setup.conflict': 'La configuration a été modifiée par quelqu’un d’autre (version {version}). Rechargez avant d’enregistrer.',
  'setup.reload': 'Recharger',
  'setup.unsaved': 'Modifications non enregistrées',
  'setup.version': 'Version {version}',
  'setup.discard': 'Abandonner les modifications non enregistrées ?',

  'users.title': 'Utilisateurs',
  'users.username': "Nom d'utilisateur",
  'users.displayName': 'Nom affiché',
  'users.role': 'Rôle',
  'users.state': 'État',
  'users.created': 'Créé le',
  'users.active': 'Actif',
  'users.disabled': 'Désactivé',
  'users.disable': 'Désactiver',
  'users.enable': 'Réactiver',
  'users.create': 'Créer un utilisateur',
  'users.password': 'Mot de passe initial',
  'users.passwordHelp': 'Au moins 12 caractères, sans le nom d’utilisateur ni suite de clavier.',
  'users.submit': 'Créer',
  'users.created.ok': 'Utilisateur {username} créé.',
  'users.updated': 'Utilisateur {username} modifié.',
  'users.failed': 'Échec : {message}',
  'users.you': '(vous)',
  'users.resetPassword': 'Nouveau mot de passe',
  'users.resetSubmit': 'Changer',
  'role.operator': 'Opérateur',
  'role.supervisor': 'Superviseur',
  'role.dpo': 'Délégué à la protection des données',
  'role.admin': 'Administrateur',

  'common.loading': 'Chargement…',
  'common.error': 'Erreur : {message}',
  'common.retry': 'Réessayer',
  'common.forbidden': "Votre rôle ne permet pas d'accéder à cette page.",
  'common.close': 'Fermer',
  'common.cancel': 'Annuler',
} as const;

type Key = keyof typeof fr;

const en: Record<Key, string> = {
  'app.name': 'Vigie',
  'app.skip': 'Skip to content',
  'nav.queue': 'Alerts',
  'nav.cameras': 'Cameras',
  'nav.setup': 'Zones and rules',
  'nav.users': 'Users',
  'nav.main': 'Main navigation',
  'header.logout': 'Sign out',
  'header.language': 'Language',
  'header.mute': 'Mute alert sound',
  'header.unmute': 'Unmute alert sound',
  'header.live.open': 'Live',
  'header.live.connecting': 'Connecting…',
  'header.live.reconnecting': 'Live feed lost, reconnecting…',
  'header.soundTest': 'Test sound',

  'login.title': 'Sign in to Vigie',
  'login.subtitle': 'City CCTV supervision centre',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.error.credentials': 'Wrong username or password.',
  'login.error.rateLimited': 'Too many failed attempts. Try again in {time}.',
  'login.error.rateLimitedNoTime': 'Too many failed attempts. Try again later.',
  'login.error.missing': 'Enter the username and the password.',
  'login.error.network': 'Server unreachable. Check the network connection.',
  'login.error.other': 'Cannot sign in: {message}',
  'login.sessionExpired': 'Your session has expired. Please sign in again.',

  'severity.high': 'High',
  'severity.medium': 'Medium',
  'severity.low': 'Low',
  'type.intrusion': 'Intrusion',
  'type.line_crossing': 'Line crossing',
  'type.wrong_way': 'Wrong way',
  'status.open': 'Ongoing',
  'status.closed': 'Ended',
  'status.unacknowledged': 'Unacknowledged',
  'status.acknowledged': 'Acknowledged',
  'status.qualified': 'Qualified',
  'qualification.true_alert': 'True alert',
  'qualification.false_alarm': 'False alarm',
  'qualification.duplicate': 'Duplicate',

  'queue.title': 'Alert queue',
  'queue.filters': 'Filters',
  'queue.filter.camera': 'Camera',
  'queue.filter.type': 'Type',
  'queue.filter.status': 'Status',
  'queue.filter.all': 'All',
  'queue.empty': 'No alerts for these filters.',
  'queue.count': '{shown} alerts shown of {total}',
  'queue.unhandled': '{count} to handle',
  'queue.more': 'Show more',
  'queue.col.severity': 'Severity',
  'queue.col.type': 'Type',
  'queue.col.camera': 'Camera',
  'queue.col.where': 'Zone / line',
  'queue.col.time': 'Time',
  'queue.col.state': 'Handling',
  'queue.new': 'New',
  'queue.toBeHandled': 'To handle',
  'queue.ackBy': 'Acknowledged by {user}',
  'queue.dispatched': 'Patrol dispatched',
  'queue.open': 'Open',
  'queue.selected': 'Selected alert',
  'queue.shortcuts': 'Keyboard shortcuts',
  'queue.newAlert': 'New alert: {type} ({camera})',
  'shortcut.move': 'next / previous alert',
  'shortcut.ack': 'acknowledge',
  'shortcut.true': 'true alert',
  'shortcut.false': 'false alarm',
  'shortcut.dispatch': 'dispatch a patrol',
  'shortcut.open': 'open detail',
  'shortcut.back': 'back to the queue',

  'action.ack': 'Acknowledge',
  'action.true_alert': 'True alert',
  'action.false_alarm': 'False alarm',
  'action.duplicate': 'Duplicate',
  'action.dispatch': 'Dispatch a patrol',
  'action.note': 'Note',
  'action.done': 'Action recorded: {action}',
  'action.failed': 'Action failed: {message}',
  'dispatch.title': 'Dispatch a patrol',
  'dispatch.note': 'Instructions for the patrol (optional)',
  'dispatch.confirm': 'Confirm dispatch',
  'dispatch.cancel': 'Cancel',

  'detail.back': 'Back to the queue',
  'detail.title': '{type} — {camera}',
  'detail.snapshot': 'Event image (people blurred)',
  'detail.noSnapshot': 'No image for this event.',
  'detail.rule': 'Rule',
  'detail.type': 'Type',
  'detail.severity': 'Severity',
  'detail.camera': 'Camera',
  'detail.zone': 'Zone',
  'detail.line': 'Line',
  'detail.classes': 'Objects',
  'detail.score': 'Confidence',
  'detail.tracks': 'Tracks',
  'detail.start': 'Start',
  'detail.end': 'End',
  'detail.status': 'Status',
  'detail.ack': 'Acknowledgement',
  'detail.qualification': 'Qualification',
  'detail.dispatch': 'Patrol',
  'detail.details': 'Details',
  'detail.none': '—',
  'detail.byAt': '{user}, {time}',
  'detail.timeline': 'Action timeline',
  'detail.timelineEmpty': 'No actions yet.',
  'detail.addNote': 'Add a note',
  'detail.noteLabel': 'Note',
  'detail.notePlaceholder': 'What you saw, did or passed on…',
  'detail.noteSubmit': 'Save note',
  'detail.notFound': 'Event not found.',
  'timeline.ack': 'Acknowledged',
  'timeline.qualify': 'Qualified: {value}',
  'timeline.dispatch': 'Patrol dispatched',
  'timeline.note': 'Note',

  'cameras.title': 'Camera wall',
  'cameras.empty': 'No camera configured.',
  'cameras.lastFrame': 'Last frame: {time}',
  'cameras.noFrame': 'No frame received',
  'cameras.fps': '{fps} / {target} fps',
  'cameras.restarts': '{count} restarts',
  'cameras.noVideo': 'Your role does not allow video previews.',
  'cameras.previewAlt': 'Live preview of {camera} (people blurred)',
  'cameras.polled': 'Preview refreshed every {s} s',
  'state.starting': 'Starting',
  'state.running': 'Running',
  'state.degraded': 'Degraded',
  'state.offline': 'Offline',
  'state.disabled': 'Disabled',

  'setup.title': 'Zones, lines, masks and rules',
  'setup.camera': 'Camera',
  'setup.pickCamera': 'Pick a camera',
  'setup.tool': 'Drawing tool',
  'setup.tool.none': 'None',
  'setup.tool.zone': 'Zone',
  'setup.tool.line': 'Line',
  'setup.tool.mask': 'Mask',
  'setup.help.none': 'Pick a tool to draw on the image.',
  'setup.help.zone': 'Click to place the corners; click the first point or press Enter to close the polygon. Backspace: undo last point; Escape: abandon.',
  'setup.help.line': 'Click point A, then point B. The A→B direction is used by crossing rules.',
  'setup.help.mask': 'Privacy mask: the area is blacked out before any analysis. Click the corners, then close the polygon.',
  'setup.closePolygon': 'Close polygon',
  'setup.undoPoint': 'Undo last point',
  'setup.cancelShape': 'Abandon',
  'setup.canvas': 'Camera image: click to draw',
  'setup.noSnapshot': 'Camera image unavailable (camera offline?). You can still draw on the empty background.',
  'setup.newShape': 'New {kind}',
  'setup.id': 'Id',
  'setup.idHelp': 'lowercase letters, digits and dashes, e.g. "north-square"',
  'setup.name': 'Display name',
  'setup.direction': 'Allowed direction of travel',
  'setup.direction.none': 'None',
  'setup.direction.down': 'Downwards ↓',
  'setup.direction.up': 'Upwards ↑',
  'setup.direction.right': 'Rightwards →',
  'setup.direction.left': 'Leftwards ←',
  'setup.add': 'Add',
  'setup.zones': 'Zones',
  'setup.lines': 'Lines',
  'setup.masks': 'Privacy masks',
  'setup.rules': 'Rules',
  'setup.mask': 'Mask {n}',
  'setup.points': '{n} points',
  'setup.delete': 'Delete {name}',
  'setup.empty': 'None',
  'setup.error.id': 'Invalid id: lowercase letters, digits and dashes.',
  'setup.error.idTaken': 'This id already exists.',
  'setup.error.inUse': '"{id}" is used by rule {rule}: delete the rule first.',
  'setup.error.needDirection': 'A wrong-way rule needs a zone with a direction of travel.',
  'setup.error.needTarget': 'Pick a zone or a line.',
  'setup.rule.add': 'Add a rule',
  'setup.rule.type': 'Rule type',
  'setup.rule.zone': 'Zone',
  'setup.rule.line': 'Line',
  'setup.rule.severity': 'Severity',
  'setup.rule.classes': 'Objects concerned',
  'setup.rule.minDuration': 'Minimum time in the zone (s)',
  'setup.rule.crossDirection': 'Crossing direction',
  'setup.rule.dir.any': 'Both ways',
  'setup.rule.dir.a_to_b': 'From A to B',
  'setup.rule.dir.b_to_a': 'From B to A',
  'setup.rule.minDistance': 'Minimum distance the wrong way (0–1)',
  'setup.rule.maxAngle': 'Maximum angle (°)',
  'setup.rule.cooldown': 'Reopen window (s)',
  'setup.rule.enabled': 'Active',
  'setup.rule.disabled': 'Inactive',
  'setup.rule.summary': '{type} on {target}',
  'setup.comment': 'Version comment (optional)',
  'setup.save': 'Save configuration',
  'setup.saved': 'Configuration saved (version {version}) and applied.',
  'setup.saveFailed': 'Configuration refused: {message}',
  'setup.conflict': 'Someone else changed the configuration (version {version}). Reload before saving.',
  'setup.reload': 'Reload',
  'setup.unsaved': 'Unsaved changes',
  'setup.version': 'Version {version}',
  'setup.discard': 'Discard unsaved changes?',

  'users.title': 'Users',
  'users.username': 'Username',
  'users.displayName': 'Display name',
  'users.role': 'Role',
  'users.state': 'Status',
  'users.created': 'Created',
  'users.active': 'Active',
  'users.disabled': 'Disabled',
  'users.disable': 'Disable',
  'users.enable': 'Enable',
  'users.create': 'Create a user',
  'users.password': 'Initial password',
  'users.passwordHelp': 'At least 12 characters, without the username or a keyboard run.',
  'users.submit': 'Create',
  'users.created.ok': 'User {username} created.',
  'users.updated': 'User {username} updated.',
  'users.failed': 'Failed: {message}',
  'users.you': '(you)',
  'users.resetPassword': 'New password',
  'users.resetSubmit': 'Change',
  'role.operator': 'Operator',
  'role.supervisor': 'Supervisor',
  'role.dpo': 'Data-protection officer',
  'role.admin': 'Administrator',

  'common.loading': 'Loading…',
  'common.error': 'Error: {message}',
  'common.retry': 'Retry',
  'common.forbidden': 'Your role does not give access to this page.',
  'common.close': 'Close',
  'common.cancel': 'Cancel',
};

export type Lang = 'fr' | 'en';
export type TKey = Key;
const DICTS: Record<Lang, Record<Key, string>> = { fr, en };
const STORAGE_KEY = 'vigie.lang';

export type T = (key: Key, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: T;
  /** Local date and time, e.g. "28/11/2026 22:04:05". */
  dateTime: (iso: string | null | undefined) => string;
  time: (iso: string | null | undefined) => string;
  /** "il y a 3 min" / "3 min ago". */
  ago: (iso: string | null | undefined, now?: number) => string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved === 'fr' || saved === 'en') return saved;
  } catch {
    // storage unavailable (private mode): French
  }
  return 'fr';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // not remembered, still switched
    }
    document.documentElement.lang = next;
  }, []);
  const value = useMemo<I18n>(() => {
    document.documentElement.lang = lang;
    const dict = DICTS[lang];
    const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
    const dtf = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });
    const tf = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
    const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
    const parse = (iso: string | null | undefined): Date | null => {
      if (!iso) return null;
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? null : d;
    };
    return {
      lang,
      setLang,
      t: (key, vars) => {
        let s: string = dict[key];
        if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
        return s;
      },
      dateTime: (iso) => {
        const d = parse(iso);
        return d ? dtf.format(d) : '—';
      },
      time: (iso) => {
        const d = parse(iso);
        if (!d) return '—';
        // Today: the time alone; another day: date and time.
        return d.toDateString() === new Date().toDateString() ? tf.format(d) : dtf.format(d);
      },
      ago: (iso, now = Date.now()) => {
        const d = parse(iso);
        if (!d) return '—';
        // `now` is refreshed every few seconds, so a fresh event can look slightly in the future: say "now".
        const s = Math.min(0, Math.round((d.getTime() - now) / 1000));
        const abs = Math.abs(s);
        if (abs < 60) return rtf.format(s, 'second');
        if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
        if (abs < 86_400) return rtf.format(Math.round(s / 3600), 'hour');
        return rtf.format(Math.round(s / 86_400), 'day');
      },
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
