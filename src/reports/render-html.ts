/**
 * The trial report as one standalone, printable French HTML page for the city
 * council and the CNIL: headline figures, the charts as inline SVG (ECharts
 * server-side rendering, no script), the table behind each chart, and what
 * the figures cannot say. No external resource; every text is escaped
 * (camera, rule and type names come from the configuration).
 */
import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';
import { escapeHtml as h } from '../public/render.js';
import { RULE_LABELS_FR, type RuleType } from '../public/model.js';
import {
  availabilityChart,
  bucketLabel,
  eventsByTypeChart,
  formatDuration,
  precisionTrendChart,
  timeToAckChart,
  weekdayHourHeatmapChart,
  type ReportChartLabels,
} from './charts.js';
import type { DurationSummary, Qualification, TrialStatistics } from './types.js';

/** Below this many qualified events a precision is printed with a warning (docs/REPORTS.md, "Limites"). */
export const SMALL_SAMPLE = 30;

const CHART_WIDTH = 680;
const CHART_HEIGHT = 300;

const WEEKDAYS_FR = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'] as const;

/** An event type in French ("intrusion" -> "Intrusion dans une zone interdite"); an unknown type as it is. */
export const typeNameFr = (type: string): string => (RULE_LABELS_FR as Readonly<Record<string, string>>)[type as RuleType] ?? type;

/** The charts' strings in French (src/reports/charts.ts). */
export const CHART_LABELS_FR: ReportChartLabels = {
  titles: {
    eventsByType: 'Alertes par type',
    weekdayHour: 'Alertes par jour de la semaine et heure (heure locale)',
    precisionTrend: 'Précision par semaine',
    timeToAck: 'Délais d’acquittement',
    availability: 'Part de la période analysée et enregistrée, par caméra',
  },
  typeName: typeNameFr,
  weekdays: WEEKDAYS_FR,
  alerts: 'Alertes',
  hour: 'Heure',
  week: 'Semaine du',
  precision: 'Précision',
  trueAlerts: 'Vraies alertes',
  falseAlarms: 'Fausses alertes',
  duplicates: 'Doublons',
  unqualified: 'Non qualifiées',
  acknowledged: 'Alertes acquittées',
  median: 'Médiane',
  p90: '90e centile',
  analysed: 'Analyse en fonctionnement',
  recorded: 'Couverture d’enregistrement',
  noData: 'n. d.',
  peak: 'Maximum',
};

// --- French formatting ----------------------------------------------------------------------

const NBSP = '\u00a0';
const integerFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** Thousands separated by a plain no-break space (U+202F, Intl's choice, is missing from many fonts). */
const spaced = (text: string): string => text.replace(/\u202f/g, NBSP);

export const frInt = (n: number): string => spaced(integerFormat.format(n));
export const frDecimal = (n: number): string => spaced(decimalFormat.format(n));
/** A rate that may be well below 1 (0.04 alert per day): two decimals then, where one would print "0". */
const frRate = (n: number): string => (n !== 0 && Math.abs(n) < 1 ? spaced(n.toLocaleString('fr-FR', { maximumFractionDigits: 2 })) : frDecimal(n));
/** 0.875 -> "87,5 %"; null (no denominator) -> "n. d.". */
export const frPercent = (ratio: number | null): string => (ratio === null ? 'n. d.' : `${frDecimal(ratio * 100)}${NBSP}%`);

/** Same wording as the charts ("2 min 05 s"); null -> "n. d.". */
export const frDuration = (seconds: number | null): string => (seconds === null ? 'n. d.' : formatDuration(seconds));

function frDateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(new Date(iso));
}

// --- Building blocks ------------------------------------------------------------------------

interface Table {
  readonly caption: string;
  readonly columns: readonly string[];
  /** Columns (by index) holding numbers: right-aligned. */
  readonly numeric?: readonly number[];
  readonly rows: readonly (readonly string[])[];
  /** Shown instead of an empty table. */
  readonly empty?: string;
}

function table(t: Table): string {
  if (t.rows.length === 0) return `<p class="empty">${h(t.caption)} : ${h(t.empty ?? 'aucune donnée sur la période.')}</p>`;
  const numeric = new Set(t.numeric ?? []);
  const cls = (i: number): string => (numeric.has(i) ? ' class="num"' : '');
  const head = t.columns.map((c, i) => `<th scope="col"${cls(i)}>${h(c)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${h(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<caption>${h(t.caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
}

/** An ECharts option as an SVG string (server-side rendering: no DOM, no script in the page). */
export function chartSvg(option: EChartsOption, size: { readonly width: number; readonly height: number } = { width: CHART_WIDTH, height: CHART_HEIGHT }): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({ ...option, animation: false });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Charts are drawn without their own title: the caption under them carries it, as text a reader can search. */
const NO_TITLE = { showTitle: false } as const;

function figure(svg: string, caption: string): string {
  return `<figure class="chart">\n${svg}\n<figcaption>${h(caption)}</figcaption>\n</figure>`;
}

const paragraph = (text: string, className = ''): string => `<p${className ? ` class="${className}"` : ''}>${h(text)}</p>`;
const list = (items: readonly string[]): string => `<ul>${items.map((i) => `<li>${h(i)}</li>`).join('\n')}</ul>`;

/** "87,5 % (n = 40 qualifiées)", flagged when the sample is small. */
function precisionText(q: Qualification): string {
  const n = q.trueAlerts + q.falseAlarms;
  const sample = `n${NBSP}=${NBSP}${frInt(n)}`;
  return n < SMALL_SAMPLE && n > 0 ? `${frPercent(q.precision)} (${sample}, échantillon faible)` : `${frPercent(q.precision)} (${sample})`;
}

function qualificationCells(q: Qualification): string[] {
  return [frInt(q.events), frInt(q.trueAlerts), frInt(q.falseAlarms), frInt(q.duplicates), frInt(q.unqualified), precisionText(q)];
}
const QUALIFICATION_COLUMNS = ['Alertes', 'Vraies alertes', 'Fausses alertes', 'Doublons', 'Non qualifiées', 'Précision'];
const QUALIFICATION_NUMERIC = [1, 2, 3, 4, 5];

function histogramRows(d: DurationSummary): string[][] {
  return d.histogram.map((b) => [bucketLabel(b), frInt(b.count)]);
}

function durationRow(label: string, d: DurationSummary): string[] {
  return [label, frInt(d.count), frDuration(d.medianS), frDuration(d.p90S)];
}

/** The cameras the report covers: those asked for, else every camera seen in the figures. */
export function coveredCameras(stats: TrialStatistics): string[] {
  if (stats.query.cameras !== null) return [...stats.query.cameras];
  const seen = new Set<string>([...stats.events.byCamera.map((c) => c.camera), ...stats.availability.map((a) => a.camera), ...stats.qualification.perCamera.map((c) => c.camera)]);
  return [...seen].sort();
}

// --- Sections -------------------------------------------------------------------------------

interface Section {
  readonly id: string;
  readonly title: string;
  readonly body: string;
}

function headline(stats: TrialStatistics): Section {
  const q = stats.qualification.overall;
  const perDay = stats.days > 0 ? stats.events.total / stats.days : 0;
  const items: [string, string][] = [
    ['Alertes présentées aux opérateurs', `${frInt(stats.events.total)} (${frRate(perDay)} par jour)`],
    ['Précision (vraies alertes / alertes qualifiées vraies ou fausses)', precisionText(q)],
    ['Alertes non qualifiées par les opérateurs', `${frInt(q.unqualified)} sur ${frInt(q.events)} (${frPercent(q.events > 0 ? q.unqualified / q.events : null)})`],
    ['Délai médian de prise en compte (acquittement)', `${frDuration(stats.responseTimes.toAcknowledge.medianS)} (n${NBSP}=${NBSP}${frInt(stats.responseTimes.toAcknowledge.count)})`],
    ['Incidents consignés par les opérateurs', frInt(stats.incidents.total)],
    [
      'Rappel : incidents sur caméras analysées détectés par Vigie',
      `${frPercent(stats.incidents.recall)} (${frInt(stats.incidents.detectedByAi)} sur ${frInt(stats.incidents.onAiCameras)})`,
    ],
    ['Alertes qu’auraient levées les règles en évaluation', frInt(stats.shadow.reduce((a, s) => a + s.wouldBeAlerts, 0))],
  ];
  const body = `<dl class="headline">\n${items.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('\n')}\n</dl>`;
  return { id: 'chiffres-cles', title: 'Chiffres clés', body };
}

function methodology(stats: TrialStatistics): Section {
  return {
    id: 'methodologie',
    title: 'Méthode',
    body: [
      paragraph(
        `Les chiffres sont calculés par Vigie à partir de sa base de données : les alertes dont le début est compris dans la période (début inclus, fin exclue), les actions des opérateurs sur ces alertes (acquittement, qualification, envoi d’une patrouille), les incidents consignés à la main par les opérateurs, l’état des caméras et l’index des enregistrements. Jours et heures sont ceux du fuseau ${stats.query.timeZone}.`,
      ),
      list([
        'Précision : vraies alertes / (vraies alertes + fausses alertes), parmi les alertes qualifiées par un opérateur ; les doublons et les alertes non qualifiées n’entrent pas dans le calcul.',
        'Délais : de l’instant où l’alerte commence à sa première prise en compte (acquittement) ou au premier envoi d’une patrouille ; médiane et 90e centile (rang le plus proche).',
        'Rappel : part des incidents consignés sur des caméras analysées pour ce type d’incident qui sont rattachés à une alerte de Vigie. Les incidents survenus sur les autres caméras forment le groupe de comparaison.',
        'Règles en évaluation (mode « shadow ») : alertes qu’elles auraient levées, enregistrées mais jamais montrées aux opérateurs.',
        'Un rapport sans dénominateur (aucune alerte qualifiée, par exemple) est noté « n. d. » (non disponible), jamais 0.',
      ]),
      paragraph(
        'Les définitions exactes, qui permettent de recalculer chaque chiffre, figurent dans la documentation du logiciel : docs/REPORTS.md (« Methodology »). Les tableaux de ce rapport sont aussi disponibles au format CSV (vigie report --format csv).',
      ),
      paragraph(
        'Aucune donnée personnelle des personnes filmées n’est utilisée : le rapport ne compte que des alertes, des actions et des durées. Les opérateurs sont désignés par un numéro, non par leur nom.',
      ),
    ].join('\n'),
  };
}

/** Past two months a table per day runs to pages: the document sums by month, the CSV keeps the days. */
const MAX_DAY_ROWS = 62;

function byMonth(days: TrialStatistics['events']['byDay']): [string, number][] {
  const months = new Map<string, number>();
  for (const d of days) months.set(d.day.slice(0, 7), (months.get(d.day.slice(0, 7)) ?? 0) + d.count);
  return [...months];
}

function eventsSection(stats: TrialStatistics, labels: ReportChartLabels): Section {
  const e = stats.events;
  const heat = new Map(e.byWeekdayHour.map((c) => [`${c.weekday}:${c.hour}`, c.count]));
  const hours = Array.from({ length: 24 }, (_, i) => i);
  return {
    id: 'alertes',
    title: 'Alertes',
    body: [
      paragraph(`${frInt(e.total)} alertes ont été présentées aux opérateurs sur ${frDecimal(stats.days)} jours.`),
      figure(chartSvg(eventsByTypeChart(stats, labels, NO_TITLE)), labels.titles.eventsByType),
      table({ caption: 'Alertes par type', columns: ['Type', 'Alertes'], numeric: [1], rows: e.byType.map((t) => [typeNameFr(t.type), frInt(t.count)]) }),
      table({ caption: 'Alertes par caméra', columns: ['Caméra', 'Alertes'], numeric: [1], rows: e.byCamera.map((c) => [c.camera, frInt(c.count)]) }),
      figure(chartSvg(weekdayHourHeatmapChart(stats, labels, NO_TITLE)), labels.titles.weekdayHour),
      `<div class="wide">${table({
        caption: 'Alertes par jour de la semaine (lignes) et heure de début (colonnes)',
        columns: ['Jour', ...hours.map(String)],
        numeric: hours.map((i) => i + 1),
        rows: WEEKDAYS_FR.map((day, wd) => [day, ...hours.map((hr) => frInt(heat.get(`${wd}:${hr}`) ?? 0))]),
      })}</div>`,
      e.byDay.length <= MAX_DAY_ROWS
        ? table({ caption: 'Alertes par jour', columns: ['Jour', 'Alertes'], numeric: [1], rows: e.byDay.map((d) => [d.day, frInt(d.count)]) })
        : table({ caption: 'Alertes par mois (détail par jour : table by_day du CSV)', columns: ['Mois', 'Alertes'], numeric: [1], rows: byMonth(e.byDay).map(([m, n]) => [m, frInt(n)]) }),
    ].join('\n'),
  };
}

function precisionSection(stats: TrialStatistics, labels: ReportChartLabels): Section {
  const q = stats.qualification;
  return {
    id: 'precision',
    title: 'Qualification des alertes et précision',
    body: [
      paragraph(`Précision sur la période : ${precisionText(q.overall)}. Les opérateurs ont qualifié ${frInt(q.overall.events - q.overall.unqualified)} alertes sur ${frInt(q.overall.events)}.`),
      figure(chartSvg(precisionTrendChart(stats, labels, NO_TITLE)), labels.titles.precisionTrend),
      table({
        caption: 'Précision par semaine (semaine commençant le lundi indiqué)',
        columns: ['Semaine du', ...QUALIFICATION_COLUMNS],
        numeric: [1, ...QUALIFICATION_NUMERIC.map((i) => i + 1)],
        rows: q.trend.map((w) => [w.week, ...qualificationCells(w)]),
      }),
      table({
        caption: 'Précision par règle',
        columns: ['Caméra', 'Règle', 'Type', ...QUALIFICATION_COLUMNS],
        numeric: [3, ...QUALIFICATION_NUMERIC.map((i) => i + 3)],
        rows: q.perRule.map((r) => [r.camera, r.rule, typeNameFr(r.type), ...qualificationCells(r)]),
      }),
      table({
        caption: 'Précision par caméra',
        columns: ['Caméra', ...QUALIFICATION_COLUMNS],
        numeric: [1, ...QUALIFICATION_NUMERIC.map((i) => i + 1)],
        rows: q.perCamera.map((c) => [c.camera, ...qualificationCells(c)]),
      }),
    ].join('\n'),
  };
}

function responseSection(stats: TrialStatistics, labels: ReportChartLabels): Section {
  const r = stats.responseTimes;
  return {
    id: 'delais',
    title: 'Délais de traitement',
    body: [
      table({
        caption: 'Délais depuis le début de l’alerte',
        columns: ['Délai', 'Alertes mesurées', 'Médiane', '90e centile'],
        numeric: [1, 2, 3],
        rows: [durationRow('Jusqu’à l’acquittement', r.toAcknowledge), durationRow('Jusqu’à l’envoi d’une patrouille', r.toDispatch)],
      }),
      figure(chartSvg(timeToAckChart(stats, labels, NO_TITLE)), labels.titles.timeToAck),
      table({ caption: 'Délais d’acquittement', columns: ['Délai', 'Alertes'], numeric: [1], rows: histogramRows(r.toAcknowledge) }),
      table({ caption: 'Délais d’envoi d’une patrouille', columns: ['Délai', 'Alertes'], numeric: [1], rows: histogramRows(r.toDispatch) }),
    ].join('\n'),
  };
}

function workloadSection(stats: TrialStatistics): Section {
  const rows = [...stats.workload].sort((a, b) => b.eventsHandled - a.eventsHandled);
  return {
    id: 'charge',
    title: 'Charge de travail des opérateurs',
    body: [
      paragraph('Alertes traitées (acquittées, qualifiées ou suivies d’un envoi) par opérateur, rapportées à ses heures d’activité (heures d’horloge pendant lesquelles il a enregistré au moins une action). Les opérateurs sont numérotés : ce rapport ne vise pas à évaluer des personnes.'),
      table({
        caption: 'Charge par opérateur',
        columns: ['Opérateur', 'Alertes traitées', 'Heures actives', 'Alertes par heure active'],
        numeric: [1, 2, 3],
        rows: rows.map((w, i) => [`Opérateur ${i + 1}`, frInt(w.eventsHandled), frInt(w.activeHours), w.perActiveHour === null ? 'n. d.' : frDecimal(w.perActiveHour)]),
        empty: 'aucune action d’opérateur sur la période.',
      }),
    ].join('\n'),
  };
}

function shadowSection(stats: TrialStatistics): Section {
  return {
    id: 'evaluation',
    title: 'Règles en évaluation',
    body: [
      paragraph('Une règle en évaluation enregistre les alertes qu’elle aurait levées sans les montrer aux opérateurs : ces chiffres servent à décider de l’activer, de la régler ou de l’abandonner.'),
      table({
        caption: 'Alertes qu’auraient levées les règles en évaluation',
        columns: ['Caméra', 'Règle', 'Type', 'Alertes', 'Par jour'],
        numeric: [3, 4],
        rows: stats.shadow.map((s) => [s.camera, s.rule, typeNameFr(s.type), frInt(s.wouldBeAlerts), frRate(s.perDay)]),
        empty: 'aucune règle en évaluation sur la période.',
      }),
    ].join('\n'),
  };
}

function availabilitySection(stats: TrialStatistics, labels: ReportChartLabels): Section {
  return {
    id: 'disponibilite',
    title: 'Disponibilité de l’analyse et couverture des enregistrements',
    body: [
      figure(chartSvg(availabilityChart(stats, labels, NO_TITLE)), labels.titles.availability),
      table({
        caption: 'Disponibilité par caméra',
        columns: ['Caméra', 'Analyse en fonctionnement', 'Couverture d’enregistrement'],
        numeric: [1, 2],
        rows: stats.availability.map((a) => [a.camera, frPercent(a.analysedShare), a.recordingCoverage === null ? 'non enregistrée' : frPercent(a.recordingCoverage)]),
      }),
    ].join('\n'),
  };
}

function incidentsSection(stats: TrialStatistics): Section {
  const i = stats.incidents;
  return {
    id: 'incidents',
    title: 'Incidents et rappel',
    body: [
      paragraph(
        `${frInt(i.total)} incidents ont été consignés par les opérateurs, y compris ceux que Vigie n’a pas signalés. Sur les caméras analysées pour le type d’incident, ${frInt(i.detectedByAi)} des ${frInt(i.onAiCameras)} incidents étaient rattachés à une alerte de Vigie : rappel ${frPercent(i.recall)}. Groupe de comparaison : ${frInt(i.onOtherCameras)} incidents sur des caméras sans analyse pour ce type.`,
      ),
      table({
        caption: 'Rappel et groupe de comparaison',
        columns: ['Incidents', 'Nombre'],
        numeric: [1],
        rows: [
          ['Sur caméras analysées pour ce type', frInt(i.onAiCameras)],
          ['dont rattachés à une alerte de Vigie', frInt(i.detectedByAi)],
          ['Sur les autres caméras (groupe de comparaison)', frInt(i.onOtherCameras)],
          ['Total consigné', frInt(i.total)],
        ],
      }),
      table({ caption: 'Incidents par type', columns: ['Type', 'Incidents'], numeric: [1], rows: i.byType.map((t) => [typeNameFr(t.type), frInt(t.count)]), empty: 'aucun incident consigné sur la période.' }),
    ].join('\n'),
  };
}

function limitsSection(stats: TrialStatistics): Section {
  const q = stats.qualification.overall;
  const qualified = q.trueAlerts + q.falseAlarms;
  const smallRules = stats.qualification.perRule.filter((r) => r.trueAlerts + r.falseAlarms < SMALL_SAMPLE);
  const items = [
    `Alertes non qualifiées : ${frInt(q.unqualified)} sur ${frInt(q.events)}. La précision ne porte que sur les ${frInt(qualified)} alertes qualifiées vraies ou fausses ; si les opérateurs qualifient plus volontiers les fausses alertes (ou les vraies), elle est biaisée dans ce sens.`,
    `Incidents non consignés : le rappel (${frPercent(stats.incidents.recall)}, sur ${frInt(stats.incidents.onAiCameras)} incidents) ne compte que les incidents que les opérateurs ont consignés. Un incident que personne n’a vu ni consigné n’apparaît nulle part : le rappel réel peut être plus faible.`,
    `Petits échantillons : une précision calculée sur moins de ${SMALL_SAMPLE} alertes qualifiées est signalée « échantillon faible » ; ${frInt(smallRules.length)} règle(s) sur ${frInt(stats.qualification.perRule.length)} sont dans ce cas. Délais mesurés sur ${frInt(stats.responseTimes.toAcknowledge.count)} acquittements et ${frInt(stats.responseTimes.toDispatch.count)} envois.`,
    'Groupe de comparaison : les caméras sans analyse ne filment pas les mêmes lieux ; la comparaison indique un ordre de grandeur, pas un effet causal de l’analyse automatique.',
    'Disponibilité : une caméra arrêtée ou sans image ne lève pas d’alerte ; les chiffres d’une caméra peu disponible sous-estiment son activité.',
    'Ces chiffres décrivent le fonctionnement du système sur la période ; ils ne mesurent ni la délinquance ni l’effet de la vidéoprotection sur celle-ci.',
  ];
  return { id: 'limites', title: 'Limites', body: list(items) };
}

const STYLE = `
@page{size:A4;margin:16mm 14mm 18mm}
body{font-family:Helvetica,Arial,sans-serif;font-size:10pt;line-height:1.4;color:#111;max-width:60rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 .25rem}
h2{font-size:1.2rem;margin:0 0 .6rem;border-bottom:2px solid #111;break-after:avoid}
section{margin-top:2rem}
.subtitle{margin:0 0 1rem;color:#333}
dl{display:grid;grid-template-columns:minmax(12rem,max-content) 1fr;gap:.25rem 1rem;margin:.5rem 0}
dt{font-weight:bold}
dd{margin:0}
.headline dd{font-size:1.1rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:9pt}
caption{text-align:left;font-weight:bold;padding:.2rem 0;caption-side:top}
th,td{border:1px solid #999;padding:.2rem .35rem;text-align:left;vertical-align:top}
th{background:#eee}
.num{text-align:right;font-variant-numeric:tabular-nums}
thead{display:table-header-group}
tr,figure,caption{break-inside:avoid}
.wide table{font-size:7pt}
.wide th,.wide td{padding:.1rem .15rem}
figure{margin:.5rem 0 1rem}
figure svg{max-width:100%;height:auto}
figcaption{font-size:9pt;color:#333}
.empty{color:#555;font-style:italic}
footer{margin-top:2rem;font-size:9pt;color:#333;border-top:1px solid #888;padding-top:.5rem}
@media print{body{margin:0;max-width:none;padding:0}section{break-before:page;margin-top:0}section:first-of-type,#methodologie{break-before:auto;margin-top:1rem}}
`;

/** The whole page, `<!doctype html>` to `</html>`. */
export function renderReportHtml(stats: TrialStatistics, labels: ReportChartLabels = CHART_LABELS_FR): string {
  const tz = stats.query.timeZone;
  const cameras = coveredCameras(stats);
  const sections: Section[] = [
    headline(stats),
    methodology(stats),
    eventsSection(stats, labels),
    precisionSection(stats, labels),
    responseSection(stats, labels),
    workloadSection(stats),
    shadowSection(stats),
    availabilitySection(stats, labels),
    incidentsSection(stats),
    limitsSection(stats),
  ];
  const title = 'Rapport d’expérimentation de l’analyse vidéo automatique';
  const meta: [string, string][] = [
    ['Période', `du ${frDateTime(stats.query.from, tz)} au ${frDateTime(stats.query.to, tz)} (exclu), ${frDecimal(stats.days)} jours, fuseau ${tz}`],
    ['Caméras couvertes', cameras.length > 0 ? `${frInt(cameras.length)} : ${cameras.join(', ')}` : 'aucune'],
    ['Généré le', frDateTime(stats.generatedAt, tz)],
  ];
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${h(title)}</h1>
<p class="subtitle">Vigie — rapport au conseil municipal et à la CNIL</p>
<dl class="meta">
${meta.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('\n')}
</dl>
</header>
<main>
${sections.map((s, i) => `<section id="${s.id}">\n<h2>${h(`${i + 1}. ${s.title}`)}</h2>\n${s.body}\n</section>`).join('\n')}
</main>
<footer>Document établi automatiquement par Vigie à partir de sa base de données ; définitions et méthode de calcul : docs/REPORTS.md.</footer>
</body>
</html>
`;
}
