/**
 * "Bilan de l'expérimentation": the figures the city needs to decide whether
 * the AI helped (`GET /api/reports/trial`): headline figures, four charts each
 * with its table and CSV, the detail tables, a before/after comparison of two
 * periods, and the monthly reports. Charts are the same ECharts options as
 * the printed report (src/reports/charts.ts).
 */
import { useMemo, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Anchor, Group, MultiSelect, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { EChartsOption } from 'echarts';
import {
  availabilityChart,
  bucketLabel,
  eventsByTypeChart,
  formatDuration,
  formatPercent,
  precisionTrendChart,
  timeToAckChart,
  weekdayHourHeatmapChart,
  type ReportChartLabels,
} from '../../../src/reports/charts.js';
import { api, isApiError } from '../api/client.js';
import { useCameras } from '../api/queries.js';
import { fromLocalInput } from '../api/recording.js';
import {
  compareQuery,
  difference,
  presetPeriod,
  reportCsvHref,
  reportQuery,
  type MonthlyReport,
  type Period,
  type PeriodComparison,
  type PeriodPreset,
  type ReportTable,
  type TrialStatistics,
} from '../api/reports.js';
import { WEEKDAY_LIST } from '../api/types.js';
import { EChart } from '../components/EChart.js';
import { ErrorBox, Loading } from '../components/common.js';
import { isKey, useI18n, type T } from '../i18n.js';

const PRESETS = ['thisMonth', 'lastMonth', 'last30', 'custom'] as const satisfies readonly PeriodPreset[];

function typeName(t: T, type: string): string {
  const key = `type.${type}`;
  return isKey(key) ? t(key) : type === 'other' ? t('incidents.type.other') : type;
}

function chartLabels(t: T): ReportChartLabels {
  return {
    titles: {
      eventsByType: t('report.chart.byType'),
      weekdayHour: t('report.chart.weekdayHour'),
      precisionTrend: t('report.chart.precisionTrend'),
      timeToAck: t('report.chart.timeToAck'),
      availability: t('report.chart.availability'),
    },
    typeName: (type) => typeName(t, type),
    weekdays: WEEKDAY_LIST.map((d) => t(`day.${d}`)),
    alerts: t('report.label.alerts'),
    hour: t('report.label.hour'),
    week: t('report.label.week'),
    precision: t('report.label.precision'),
    trueAlerts: t('report.label.trueAlerts'),
    falseAlarms: t('report.label.falseAlarms'),
    duplicates: t('report.label.duplicates'),
    unqualified: t('report.label.unqualified'),
    acknowledged: t('report.label.acknowledged'),
    median: t('report.label.median'),
    p90: t('report.label.p90'),
    analysed: t('report.label.analysed'),
    recorded: t('report.label.recorded'),
    noData: t('report.noData'),
    peak: t('report.label.peak'),
  };
}

/** Mean share of the period the selected cameras were analysed (cameras without data left out). */
function meanAvailability(stats: TrialStatistics): number | null {
  const known = stats.availability.map((a) => a.analysedShare).filter((s): s is number => s !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}

interface PeriodState {
  preset: PeriodPreset;
  from: string;
  to: string;
}

/** The period a picker designates, or null while a custom one is incomplete or reversed. Presets are frozen when chosen. */
function resolve(p: PeriodState): Period | null {
  if (p.preset !== 'custom') return { from: p.from, to: p.to };
  const from = fromLocalInput(p.from);
  const to = fromLocalInput(p.to);
  return from && to && from < to ? { from, to } : null;
}

function choose(preset: PeriodPreset): PeriodState {
  if (preset === 'custom') return { preset, from: '', to: '' };
  return { preset, ...presetPeriod(preset, new Date()) };
}

function PeriodPicker({ label, value, onChange, testid }: { label: string; value: PeriodState; onChange: (p: PeriodState) => void; testid: string }) {
  const { t } = useI18n();
  const reversed = value.preset === 'custom' && value.from && value.to && !resolve(value);
  return (
    <Stack gap={6} data-testid={testid}>
      <Text fw={600} id={`${testid}-label`}>
        {label}
      </Text>
      <SegmentedControl
        aria-labelledby={`${testid}-label`}
        data={PRESETS.map((p) => ({ value: p, label: t(`report.preset.${p}`) }))}
        value={value.preset}
        onChange={(v) => onChange(choose(v))}
        data-testid={`${testid}-preset`}
      />
      {value.preset === 'custom' && (
        <Group gap="sm" align="flex-start">
          <TextInput type="datetime-local" label={t('report.from')} value={value.from} onChange={(e) => onChange({ ...value, from: e.currentTarget.value })} data-testid={`${testid}-from`} />
          <TextInput
            type="datetime-local"
            label={t('report.to')}
            value={value.to}
            onChange={(e) => onChange({ ...value, to: e.currentTarget.value })}
            error={reversed ? t('report.error.order') : null}
            data-testid={`${testid}-to`}
          />
        </Group>
      )}
    </Stack>
  );
}

function initialPeriod(preset: Exclude<PeriodPreset, 'custom'>): PeriodState {
  return { preset, ...presetPeriod(preset, new Date()) };
}

export function Report() {
  const { t } = useI18n();
  const cameras = useCameras();
  const [mode, setMode] = useState<'single' | 'compare'>('single');
  const [period, setPeriod] = useState<PeriodState>(() => initialPeriod('last30'));
  const [before, setBefore] = useState<PeriodState>(() => initialPeriod('lastMonth'));
  const [selected, setSelected] = useState<string[]>([]);

  const cameraOptions = (cameras.data?.cameras ?? []).map((c) => ({ value: c.camera.id, label: c.camera.name ? `${c.camera.name} (${c.camera.id})` : c.camera.id }));
  const current = resolve(period);
  const previous = resolve(before);

  return (
    <Stack gap="lg" data-testid="report-screen">
      <Stack gap={4} maw={960}>
        <Title order={1} size="h2">
          {t('report.title')}
        </Title>
        <Text>{t('report.intro')}</Text>
      </Stack>

      <Paper withBorder p="md" component="section" aria-label={t('report.period')}>
        <Stack gap="md">
          <SegmentedControl
            aria-label={t('report.mode')}
            data={[
              { value: 'single', label: t('report.mode.single') },
              { value: 'compare', label: t('report.mode.compare') },
            ]}
            value={mode}
            onChange={(v) => setMode(v)}
            w="fit-content"
            data-testid="report-mode"
          />
          {mode === 'compare' && <Text>{t('report.compare.help')}</Text>}
          <Group align="flex-start" gap="xl" wrap="wrap">
            {mode === 'compare' && <PeriodPicker label={t('report.period.before')} value={before} onChange={setBefore} testid="report-before" />}
            <PeriodPicker label={mode === 'compare' ? t('report.period.after') : t('report.period')} value={period} onChange={setPeriod} testid="report-period" />
            <MultiSelect
              label={t('report.cameras')}
              placeholder={selected.length === 0 ? t('report.camerasAll') : undefined}
              data={cameraOptions}
              value={selected}
              onChange={setSelected}
              clearable
              searchable
              w={320}
              data-testid="report-cameras"
            />
          </Group>
        </Stack>
      </Paper>

      {mode === 'single' ? current && <SinglePeriod period={current} cameras={selected} /> : current && previous && <Comparison before={previous} after={current} cameras={selected} />}

      <MonthlyReports />
    </Stack>
  );
}

function SinglePeriod({ period, cameras }: { period: Period; cameras: string[] }) {
  const { t, lang, dateTime } = useI18n();
  const q = useQuery({
    queryKey: ['reports', 'trial', period, cameras],
    queryFn: ({ signal }) => api<TrialStatistics>('GET', `/api/reports/trial?${reportQuery(period, cameras)}`, undefined, { signal }),
  });
  // Options are rebuilt only when the figures or the language change, so charts are not redrawn on every render.
  const charts = useMemo(() => {
    if (!q.data) return null;
    const labels = chartLabels(t);
    const style = { dark: true, showTitle: false };
    return {
      byType: eventsByTypeChart(q.data, labels, style),
      weekdayHour: weekdayHourHeatmapChart(q.data, labels, style),
      precision: precisionTrendChart(q.data, labels, style),
      ack: timeToAckChart(q.data, labels, style),
      availability: availabilityChart(q.data, labels, style),
    };
  }, [q.data, t]);

  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  const s = q.data;
  const csv = (table: ReportTable) => reportCsvHref(table, period, cameras);
  const pct = (r: number | null) => formatPercent(r, t('report.noData'));
  const dur = (v: number | null) => (v === null ? t('report.noData') : formatDuration(v));
  const noData = t('report.noData');
  // Rates below 1 (a shadow rule's 0.03 alerts a day) must not round to 0.
  const num = (x: number) => x.toLocaleString(lang, { maximumFractionDigits: 2 });
  const qualHead = [t('report.col.events'), t('report.label.trueAlerts'), t('report.label.falseAlarms'), t('report.label.duplicates'), t('report.label.unqualified'), t('report.label.precision')];
  const qualCells = (x: TrialStatistics['qualification']['overall']) => [x.events, x.trueAlerts, x.falseAlarms, x.duplicates, x.unqualified, pct(x.precision)];

  return (
    <Stack gap="lg" data-testid="report-results">
      <Text size="sm" data-testid="report-generated">
        {t('report.generated', { time: dateTime(s.generatedAt), zone: s.query.timeZone, days: Math.round(s.days * 10) / 10 })}
      </Text>
      <Headline stats={s} />
      {charts && (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <ChartBlock title={t('report.chart.byType')} option={charts.byType} testid="chart-by-type" csv={csv('by_type')} height={Math.max(200, 40 + 32 * s.events.byType.length)}>
            <DataTable head={[t('report.col.type'), t('report.col.count')]} rows={s.events.byType.map((r) => [typeName(t, r.type), r.count])} />
          </ChartBlock>
          <ChartBlock title={t('report.chart.weekdayHour')} option={charts.weekdayHour} testid="chart-weekday-hour" csv={csv('weekday_hour')} height={340}>
            <DataTable
              head={[t('report.col.weekday'), ...Array.from({ length: 24 }, (_, h) => String(h))]}
              rows={WEEKDAY_LIST.map((d, weekday) => [t(`day.${d}`), ...Array.from({ length: 24 }, (_, hour) => s.events.byWeekdayHour.find((c) => c.weekday === weekday && c.hour === hour)?.count ?? 0)])}
            />
          </ChartBlock>
          <ChartBlock title={t('report.chart.precisionTrend')} option={charts.precision} testid="chart-precision" csv={csv('precision_trend')}>
            <DataTable head={[t('report.label.week'), ...qualHead]} rows={s.qualification.trend.map((w) => [w.week, ...qualCells(w)])} />
          </ChartBlock>
          <ChartBlock title={t('report.chart.timeToAck')} option={charts.ack} testid="chart-time-to-ack" csv={csv('time_to_ack')}>
            <DataTable head={[t('report.col.delay'), t('report.label.acknowledged')]} rows={s.responseTimes.toAcknowledge.histogram.map((b) => [bucketLabel(b), b.count])} />
          </ChartBlock>
        </SimpleGrid>
      )}

      <Section title={t('report.section.perRule')} csv={csv('precision_by_rule')} testid="table-precision-rule">
        <DataTable head={[t('report.col.camera'), t('report.col.rule'), t('report.col.type'), ...qualHead]} rows={s.qualification.perRule.map((r) => [r.camera, r.rule, typeName(t, r.type), ...qualCells(r)])} />
      </Section>
      <Section title={t('report.section.perCamera')} csv={csv('precision_by_camera')} testid="table-precision-camera">
        <DataTable head={[t('report.col.camera'), ...qualHead]} rows={s.qualification.perCamera.map((r) => [r.camera, ...qualCells(r)])} />
      </Section>
      <Section title={t('report.section.dispatch')} csv={csv('time_to_dispatch')} testid="table-dispatch">
        <Text data-testid="dispatch-summary">
          {t('report.label.median')} : {dur(s.responseTimes.toDispatch.medianS)} · {t('report.label.p90')} : {dur(s.responseTimes.toDispatch.p90S)} ({s.responseTimes.toDispatch.count})
        </Text>
      </Section>
      <Section title={t('report.section.workload')} csv={csv('workload')} testid="table-workload">
        <DataTable
          head={[t('report.col.operator'), t('report.col.handled'), t('report.col.activeHours'), t('report.col.perHour')]}
          rows={s.workload.map((w) => [w.username, w.eventsHandled, w.activeHours, w.perActiveHour === null ? noData : num(w.perActiveHour)])}
        />
      </Section>
      <Section title={t('report.section.shadow')} csv={csv('shadow')} testid="table-shadow">
        <Text size="sm">{t('report.shadowHelp')}</Text>
        <DataTable
          head={[t('report.col.camera'), t('report.col.rule'), t('report.col.type'), t('report.col.wouldBe'), t('report.col.perDay')]}
          rows={s.shadow.map((r) => [r.camera, r.rule, typeName(t, r.type), r.wouldBeAlerts, num(r.perDay)])}
        />
      </Section>
      <Section title={t('report.section.availability')} csv={csv('availability')} testid="table-availability">
        {charts && <EChart option={charts.availability} testid="chart-availability" height={280} />}
        <DataTable head={[t('report.col.camera'), t('report.col.analysed'), t('report.col.recorded')]} rows={s.availability.map((a) => [a.camera, pct(a.analysedShare), pct(a.recordingCoverage)])} />
      </Section>
      <Section title={t('report.section.incidents')} csv={csv('incidents')} testid="table-incidents">
        <DataTable
          head={[t('report.incidents.total'), t('report.incidents.onAi'), t('report.incidents.detected'), t('report.incidents.recall'), t('report.incidents.other')]}
          rows={[[s.incidents.total, s.incidents.onAiCameras, s.incidents.detectedByAi, pct(s.incidents.recall), s.incidents.onOtherCameras]]}
        />
        <DataTable head={[t('report.col.type'), t('report.incidents.total')]} rows={s.incidents.byType.map((r) => [typeName(t, r.type), r.count])} />
      </Section>
    </Stack>
  );
}

/** The five headline figures, as strings, for one period. */
function headlineFigures(t: T, s: TrialStatistics) {
  const noData = t('report.noData');
  const ack = s.responseTimes.toAcknowledge;
  return [
    { id: 'alerts', label: t('report.kpi.alerts'), value: String(s.events.total), raw: s.events.total, help: t('report.kpi.alertsHelp', { perDay: s.days > 0 ? Math.round((s.events.total / s.days) * 10) / 10 : 0 }) },
    {
      id: 'precision',
      label: t('report.kpi.precision'),
      value: formatPercent(s.qualification.overall.precision, noData),
      raw: s.qualification.overall.precision,
      help: t('report.kpi.precisionHelp', { trueAlerts: s.qualification.overall.trueAlerts, falseAlarms: s.qualification.overall.falseAlarms }),
    },
    { id: 'recall', label: t('report.kpi.recall'), value: formatPercent(s.incidents.recall, noData), raw: s.incidents.recall, help: t('report.kpi.recallHelp', { detected: s.incidents.detectedByAi, total: s.incidents.onAiCameras }) },
    { id: 'ack', label: t('report.kpi.ack'), value: ack.medianS === null ? noData : formatDuration(ack.medianS), raw: ack.medianS, help: t('report.kpi.ackHelp', { p90: ack.p90S === null ? noData : formatDuration(ack.p90S) }) },
    { id: 'availability', label: t('report.kpi.availability'), value: formatPercent(meanAvailability(s), noData), raw: meanAvailability(s), help: t('report.kpi.availabilityHelp') },
  ] as const;
}

function Headline({ stats }: { stats: TrialStatistics }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="report-headline">
      <Title order={2} size="h3" id="report-headline" mb="sm">
        {t('report.headline')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3, lg: 5 }} spacing="md">
        {headlineFigures(t, stats).map((f) => (
          <Paper key={f.id} withBorder p="md" data-testid={`kpi-${f.id}`} data-value={f.raw ?? ''}>
            <Text size="md" fw={600}>
              {f.label}
            </Text>
            <Text fz={34} fw={800} c="white" lh={1.2} data-testid={`kpi-${f.id}-value`}>
              {f.value}
            </Text>
            <Text size="sm">{f.help}</Text>
          </Paper>
        ))}
      </SimpleGrid>
    </section>
  );
}

function Comparison({ before, after, cameras }: { before: Period; after: Period; cameras: string[] }) {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ['reports', 'compare', before, after, cameras],
    queryFn: ({ signal }) => api<PeriodComparison>('GET', `/api/reports/compare?${compareQuery(before, after, cameras)}`, undefined, { signal }),
  });
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  const b = headlineFigures(t, q.data.before);
  const a = headlineFigures(t, q.data.after);
  // Ratios differ in percentage points, durations in seconds, counts in units.
  const diff = (id: string, x: number | string | null, y: number | string | null) => {
    const d = difference(typeof x === 'number' ? x : null, typeof y === 'number' ? y : null);
    if (d.delta === null) return t('report.noData');
    const sign = d.delta > 0 ? '+' : d.delta < 0 ? '−' : '±';
    const abs = Math.abs(d.delta);
    if (id === 'precision' || id === 'recall' || id === 'availability') return `${sign}${Math.round(abs * 100)} pts`;
    const shown = id === 'ack' ? formatDuration(abs) : String(abs);
    return d.relative === null ? `${sign}${shown}` : `${sign}${shown} (${sign}${Math.round(Math.abs(d.relative) * 100)} %)`;
  };
  return (
    <Section title={t('report.mode.compare')} testid="report-compare">
      <Table striped withTableBorder fz="md" verticalSpacing="sm" data-testid="compare-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('report.col.figure')}</Table.Th>
            <Table.Th scope="col">{t('report.period.before')}</Table.Th>
            <Table.Th scope="col">{t('report.period.after')}</Table.Th>
            <Table.Th scope="col">{t('report.col.difference')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {b.map((f, i) => {
            const g = a[i]!;
            return (
              <Table.Tr key={f.id} data-testid={`compare-${f.id}`}>
                <Table.Th scope="row">{f.label}</Table.Th>
                <Table.Td data-testid={`compare-${f.id}-before`}>{f.value}</Table.Td>
                <Table.Td data-testid={`compare-${f.id}-after`}>{g.value}</Table.Td>
                <Table.Td data-testid={`compare-${f.id}-diff`}>{diff(f.id, f.raw, g.raw)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Section>
  );
}

function Section({ title, csv, testid, children }: { title: string; csv?: string; testid: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title} data-testid={testid}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        {csv && <CsvLink href={csv} testid={`${testid}-csv`} />}
      </Group>
      <Stack gap="sm">{children}</Stack>
    </Paper>
  );
}

function CsvLink({ href, testid }: { href: string; testid: string }) {
  const { t } = useI18n();
  return (
    <Anchor href={href} download fw={600} c="blue.3" data-testid={testid}>
      {t('report.csv')}
    </Anchor>
  );
}

/** A chart with its text alternative: the same figures as a table, and the CSV behind it. */
function ChartBlock({ title, option, testid, csv, height = 320, children }: { title: string; option: EChartsOption; testid: string; csv: string; height?: number; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <Paper withBorder p="md" component="section" aria-label={title} data-testid={`${testid}-block`}>
      <Title order={2} size="h4" mb="sm">
        {title}
      </Title>
      <EChart option={option} testid={testid} height={height} />
      <details>
        <summary style={{ cursor: 'pointer', fontWeight: 600, padding: '8px 0' }}>{t('report.table')}</summary>
        <div style={{ overflowX: 'auto' }}>{children}</div>
      </details>
      <CsvLink href={csv} testid={`${testid}-csv`} />
    </Paper>
  );
}

function DataTable({ head, rows }: { head: string[]; rows: (string | number)[][] }) {
  const { t } = useI18n();
  if (rows.length === 0) return <Text data-testid="report-table-empty">{t('report.empty')}</Text>;
  return (
    <Table striped withTableBorder fz="sm" verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          {head.map((h, i) => (
            <Table.Th key={i} scope="col">
              {h}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r, i) => (
          <Table.Tr key={i}>
            {r.map((c, j) => (
              <Table.Td key={j}>{c}</Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function MonthlyReports() {
  const { t, lang, dateTime } = useI18n();
  const kb = new Intl.NumberFormat(lang, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 });
  const q = useQuery({
    queryKey: ['reports', 'monthly'],
    queryFn: ({ signal }) => api<{ items: MonthlyReport[] }>('GET', '/api/reports/monthly', undefined, { signal }),
  });
  // An instance without monthly reports answers 404: nothing to show.
  if (q.isError && isApiError(q.error, 404)) return null;
  return (
    <Section title={t('report.monthly.title')} testid="monthly-reports">
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorBox error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <Text>{t('report.monthly.none')}</Text>
      ) : (
        <Table striped withTableBorder fz="md">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('report.monthly.month')}</Table.Th>
              <Table.Th scope="col">{t('report.monthly.generated')}</Table.Th>
              <Table.Th scope="col">{t('report.monthly.files')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.items.map((m) => (
              <Table.Tr key={m.month} data-testid="monthly-report" data-month={m.month}>
                <Table.Td>{m.month}</Table.Td>
                <Table.Td>{dateTime(m.generated_at)}</Table.Td>
                <Table.Td>
                  <Group gap="md">
                    {m.files.map((f) => (
                      <Anchor key={f.format} href={f.download} download c="blue.3" fw={600}>
                        {f.format.toUpperCase()} ({kb.format(Math.max(1, f.bytes / 1024))})
                      </Anchor>
                    ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}
