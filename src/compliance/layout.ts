/**
 * The compliance report as a document: numbered sections of headings,
 * paragraphs, labelled fields, lists and tables, in French. Both renderers
 * (`html.ts`, `pdf.ts`) lay out this one structure, so the two formats always
 * say the same thing.
 */
import { frenchHours, missingNotice, type ComplianceReport, type ReportCamera, type ReportRule } from './model.js';

export interface DocField {
  readonly label: string;
  readonly value: string;
  /** The value is a missing-item notice: shown as a warning. */
  readonly missing: boolean;
}

export interface DocRow {
  readonly cells: readonly string[];
  /** Something to fix in this row (an undeclared basis, an expired authorisation). */
  readonly warning: boolean;
}

export type Block =
  | { readonly kind: 'heading'; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string; readonly warning: boolean }
  | { readonly kind: 'fields'; readonly items: readonly DocField[] }
  | { readonly kind: 'list'; readonly items: readonly string[]; readonly warning: boolean }
  | { readonly kind: 'table'; readonly columns: readonly string[]; readonly rows: readonly DocRow[] };

export interface DocSection {
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly Block[];
}

export interface ReportDocument {
  readonly title: string;
  readonly subtitle: string;
  /** Generation time, version and configuration digest: printed at the top of the document. */
  readonly meta: readonly DocField[];
  readonly sections: readonly DocSection[];
  readonly footer: string;
}

const paragraph = (text: string, warning = false): Block => ({ kind: 'paragraph', text, warning });
const list = (items: readonly string[], warning = false): Block => ({ kind: 'list', items, warning });

const MODE_FR: Readonly<Record<ReportRule['mode'], string>> = {
  active: 'alerte aux opérateurs',
  shadow: 'évaluation, sans alerte',
  statistics: 'statistiques seules',
};

function cameraBlocks(camera: ReportCamera): Block[] {
  const recording = camera.recorded ? `enregistrée, conservation ${camera.retention}` : `non enregistrée (instantanés conservés ${camera.retention})`;
  const masks = `${camera.privacyMasks} masque${camera.privacyMasks > 1 ? 's' : ''} de confidentialité`;
  return [
    { kind: 'heading', text: `Caméra ${camera.name} (${camera.id})` },
    paragraph(`${recording} ; ${masks} ; analyse ${frenchHours(camera.weeklyHours)} h par semaine.`),
    {
      kind: 'table',
      columns: ['Règle', 'Type d’événement', 'Fonctionnement', 'Horaires', 'Finalité', 'Base légale'],
      rows: camera.rules.map((r) => ({
        cells: [`${r.id} — ${r.label}`, r.eventType ?? 'aucun (comptages)', MODE_FR[r.mode], r.schedule.join(' ; ') || 'en permanence', r.purpose ?? 'non précisée', r.legal.text],
        warning: r.legal.flagged,
      })),
    },
  ];
}

export function layoutComplianceReport(report: ComplianceReport): ReportDocument {
  const sections: DocSection[] = [
    {
      id: 'responsable',
      title: 'Responsable du traitement et contacts',
      blocks: [{ kind: 'fields', items: report.organisation.map((f) => ({ label: f.label, value: f.text, missing: f.value === null })) }],
    },
    {
      id: 'finalites',
      title: 'Finalités du traitement',
      blocks: report.purposes.declared ? [list(report.purposes.items)] : [paragraph(`Finalités : ${missingNotice('organisation.purposes')}`, true)],
    },
    {
      id: 'cameras',
      title: 'Caméras analysées, règles et bases légales',
      blocks: [
        paragraph(`${report.cameras.length} caméra(s) avec analyse automatique sur ${report.camerasConfigured} configurée(s) ; seules les règles actives sont listées.`),
        ...(report.cameras.length > 0 ? report.cameras.flatMap(cameraBlocks) : [paragraph('Aucune caméra ne fait l’objet d’une analyse automatique.')]),
      ],
    },
    { id: 'personnes', title: 'Catégories de personnes concernées', blocks: [list(report.dataSubjects)] },
    {
      id: 'donnees',
      title: 'Catégories de données, lieux et durées de conservation',
      blocks: [{ kind: 'table', columns: ['Données', 'Contenu', 'Lieu', 'Conservation'], rows: report.dataCategories.map((d) => ({ cells: [d.name, d.content, d.location, d.retention], warning: false })) }],
    },
    {
      id: 'destinataires',
      title: 'Destinataires (rôles habilités)',
      blocks: [
        {
          kind: 'table',
          columns: ['Rôle', 'Comptes actifs', 'Permissions'],
          rows: report.recipients.map((r) => ({ cells: [r.label, String(r.activeAccounts), r.permissions.map((p) => p.label).join(' ; ')], warning: false })),
        },
        paragraph('Les images communiquées aux autorités judiciaires le sont par des exports de preuves signés, journalisés (docs/EVIDENCE.md).'),
      ],
    },
    { id: 'transferts', title: "Transferts hors de l'Union européenne", blocks: [paragraph(report.transfers)] },
    { id: 'securite', title: 'Mesures de sécurité mises en œuvre', blocks: [list(report.security)] },
    {
      id: 'detection',
      title: 'Modèles de détection et absence de traitement biométrique',
      blocks: [
        { kind: 'fields', items: [{ label: 'Moteur', value: report.detector.engine, missing: false }, { label: 'Modèle', value: report.detector.model, missing: false }] },
        paragraph(report.notProcessed),
      ],
    },
    {
      id: 'aipd',
      title: "Éléments pour l'analyse d'impact (AIPD)",
      blocks: [
        { kind: 'heading', text: "Surveillance systématique d'une zone accessible au public" },
        list(report.dpia.monitoring),
        { kind: 'heading', text: 'Nécessité et proportionnalité' },
        list(report.dpia.proportionality),
        { kind: 'heading', text: 'Risques pour les personnes et mesures en place' },
        { kind: 'table', columns: ['Risque', 'Mesures en place'], rows: report.dpia.risks.map((r) => ({ cells: [r.risk, r.measures], warning: false })) },
      ],
    },
    {
      id: 'points',
      title: 'Points à compléter ou à corriger',
      blocks: report.openPoints.length > 0 ? [list(report.openPoints.map((p) => p.text), true)] : [paragraph('Aucun point ouvert relevé dans la configuration.')],
    },
  ];
  return {
    title: 'Registre des activités de traitement et éléments d’analyse d’impact',
    subtitle: 'Vidéoprotection : analyse automatique des images (Vigie) — article 30 du RGPD',
    meta: [
      { label: 'Généré le', value: `${report.generatedAtText} (${report.timezone})`, missing: false },
      { label: 'Version de Vigie', value: report.vigieVersion, missing: false },
      { label: 'Configuration', value: report.configuration.source, missing: false },
      { label: 'SHA-256 de la configuration', value: report.configuration.sha256, missing: false },
      { label: 'Points à compléter ou à corriger', value: report.openPoints.length > 0 ? `${report.openPoints.length} (section ${sections.length})` : 'aucun', missing: report.openPoints.length > 0 },
    ],
    sections: sections.map((s, i) => ({ ...s, title: `${i + 1}. ${s.title}` })),
    footer:
      "Document établi automatiquement à partir de la configuration et de la base de données à la date indiquée. Il décrit ce que le logiciel fait et permet de vérifier ; il ne remplace ni l'analyse ni les décisions du responsable du traitement (docs/COMPLIANCE.md).",
  };
}
