/**
 * Statistics screen: the anonymous 5-minute counts of the camera's counting
 * rules (GET /api/cameras/:id/counts): line crossings per class and direction,
 * zone occupancy (mean and peak) per class; and the occurrences of rules whose
 * legal basis is statistics (they never alert) per class. Each chart has its
 * figures as tables.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Group, Paper, SegmentedControl, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useCameras, useCounts } from '../api/queries.js';
import type { CountBucket, RuleConfig } from '../api/types.js';
import { ChartLegend, TimeChart } from '../components/TimeChart.js';
import { Loading } from '../components/common.js';
import { useI18n, type T } from '../i18n.js';
import { classLabel } from './RuleForm.js';

const HOUR = 3_600_000;
const RANGES = { '1h': HOUR, '6h': 6 * HOUR, '24h': 24 * HOUR, '7d': 7 * 24 * HOUR } as const;
type RangeKey = keyof typeof RANGES;
const ALL = '__all__';
const KIND_ORDER: readonly CountBucket['kind'][] = ['crossing', 'occupancy', 'occurrence'];
/** Rules with counts to show: counting, and rules kept to statistics by their legal basis. */
const countsSomething = (r: RuleConfig): boolean => r.type === 'counting' || r.legal_basis?.kind === 'statistics';
const COLORS = ['#4dabf7', '#ffa94d', '#69db7c', '#e599f7', '#ffd43b', '#ff8787', '#3bc9db', '#a9e34b'];

interface Group_ {
  key: string;
  rule: string;
  kind: CountBucket['kind'];
  target: string;
  buckets: CountBucket[];
}

interface Row {
  key: string;
  label: string;
  color: string;
  dashed: boolean;
  values: Map<number, number>;
}

function seriesOf(t: T, g: Group_, classOrder: string[]): Row[] {
  const rows = new Map<string, Row>();
  const color = (cls: string) => COLORS[classOrder.indexOf(cls) % COLORS.length] ?? COLORS[0] ?? '#4dabf7';
  for (const b of g.buckets) {
    const time = Date.parse(b.start);
    // Crossings and occurrences are tallies: one series per class (and direction).
    if (g.kind !== 'occupancy') {
      const key = `${b.cls}|${b.direction ?? '-'}`;
      let row = rows.get(key);
      if (!row) {
        row = { key, label: `${classLabel(t, b.cls)}${b.direction ? ` ${t(`stats.dir.${b.direction}`)}` : ''}`, color: color(b.cls), dashed: b.direction === 'b_to_a', values: new Map() };
        rows.set(key, row);
      }
      row.values.set(time, (row.values.get(time) ?? 0) + b.value);
    } else {
      for (const which of ['mean', 'peak'] as const) {
        const key = `${b.cls}|${which}`;
        let row = rows.get(key);
        if (!row) {
          row = { key, label: `${classLabel(t, b.cls)} (${t(which === 'mean' ? 'stats.mean' : 'stats.peak')})`, color: color(b.cls), dashed: which === 'peak', values: new Map() };
          rows.set(key, row);
        }
        row.values.set(time, which === 'mean' ? b.value : b.peak);
      }
    }
  }
  return [...rows.values()].sort((a, b) => a.key.localeCompare(b.key));
}

const fmtNum = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

export function Statistics() {
  const { t, dateTime, lang } = useI18n();
  const cams = useCameras();
  const [cameraId, setCameraId] = useState<string | null>(null);
  const [rule, setRule] = useState<string>(ALL);
  const [range, setRange] = useState<RangeKey>('24h');

  const cameras = useMemo(() => cams.data?.cameras.map((c) => c.camera) ?? [], [cams.data]);
  const countingRules = (id: string | null) => cameras.find((c) => c.id === id)?.rules.filter(countsSomething) ?? [];
  // Default: the first camera that counts something.
  useEffect(() => {
    if (cameraId && cameras.some((c) => c.id === cameraId)) return;
    const first = cameras.find((c) => c.rules.some(countsSomething)) ?? cameras[0];
    if (first) setCameraId(first.id);
  }, [cameras, cameraId]);

  const rules = countingRules(cameraId);
  const counts = useCounts(cameraId ?? undefined, rule === ALL ? undefined : rule, RANGES[range]);

  const groups = useMemo(() => {
    const m = new Map<string, Group_>();
    for (const b of counts.data?.buckets ?? []) {
      const key = `${b.rule}|${b.kind}|${b.target}`;
      const g = m.get(key) ?? { key, rule: b.rule, kind: b.kind, target: b.target, buckets: [] };
      g.buckets.push(b);
      m.set(key, g);
    }
    // Crossings first, then occupancy, then occurrences; by target within each.
    return [...m.values()].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.target.localeCompare(b.target) || a.rule.localeCompare(b.rule));
  }, [counts.data]);
  const classOrder = useMemo(() => [...new Set((counts.data?.buckets ?? []).map((b) => b.cls))].sort(), [counts.data]);
  const manyRules = new Set(groups.map((g) => g.rule)).size > 1;

  if (cams.isPending) return <Loading />;

  return (
    <Stack gap="md" data-testid="stats-screen">
      <Title order={1} size="h2">
        {t('stats.title')}
      </Title>
      <Text c="dimmed" size="sm">
        {t('stats.intro')}
      </Text>
      {cameras.length === 0 ? (
        <Text data-testid="stats-no-camera">{t('stats.noCamera')}</Text>
      ) : (
        <>
          <Group align="flex-end" wrap="wrap">
            <Select
              label={t('stats.camera')}
              data={cameras.map((c) => ({ value: c.id, label: c.name ? `${c.name} (${c.id})` : c.id }))}
              value={cameraId}
              allowDeselect={false}
              onChange={(v) => {
                if (!v) return;
                setCameraId(v);
                setRule(ALL);
              }}
              w={260}
              data-testid="stats-camera"
            />
            <Select
              label={t('stats.rule')}
              data={[{ value: ALL, label: t('stats.allRules') }, ...rules.map((r) => ({ value: r.id, label: r.id }))]}
              value={rule}
              allowDeselect={false}
              onChange={(v) => setRule(v ?? ALL)}
              w={220}
              data-testid="stats-rule"
            />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="stats-range-label">
                {t('stats.range')}
              </Text>
              <SegmentedControl
                aria-labelledby="stats-range-label"
                value={range}
                onChange={(v) => setRange(v)}
                data={(Object.keys(RANGES) as RangeKey[]).map((k) => ({ value: k, label: t(`stats.range.${k}`) }))}
                data-testid="stats-range"
              />
            </Stack>
            <Button variant="default" onClick={() => void counts.refetch()} loading={counts.isFetching} data-testid="stats-refresh">
              {t('stats.refresh')}
            </Button>
          </Group>
          {counts.data && (
            <Text size="sm" c="dimmed" data-testid="stats-period">
              {t('stats.period', { from: dateTime(counts.data.from), to: dateTime(counts.data.to) })}
            </Text>
          )}
          {rules.length === 0 && (
            <Alert color="blue" variant="light" data-testid="stats-no-rule">
              {t('stats.noCountingRule')}
            </Alert>
          )}
          {counts.isError ? (
            <Alert color="red" variant="light" role="alert" data-testid="stats-error" title={t('stats.error', { message: counts.error.message })}>
              <Button size="xs" variant="outline" color="red" onClick={() => void counts.refetch()}>
                {t('common.retry')}
              </Button>
            </Alert>
          ) : counts.isPending ? (
            <Loading />
          ) : groups.length === 0 ? (
            <Text data-testid="stats-empty">{t('stats.empty')}</Text>
          ) : (
            groups.map((g) => {
              const series = seriesOf(t, g, classOrder);
              const title =
                g.kind === 'occurrence'
                  ? t('stats.occurrences', { rule: g.rule, target: g.target })
                  : `${t(g.kind === 'crossing' ? 'stats.crossings' : 'stats.occupancy', g.kind === 'crossing' ? { line: g.target } : { zone: g.target })}${manyRules ? ` (${t('stats.rule.label', { rule: g.rule })})` : ''}`;
              const fromMs = Date.parse(counts.data.from);
              const toMs = Date.parse(counts.data.to);
              const bucketMs = (counts.data.bucket_s || 300) * 1000;
              const times = [...new Set(g.buckets.map((b) => Date.parse(b.start)))].sort((a, b) => a - b);
              const timeFmt = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
              return (
                <Paper key={g.key} withBorder p="md" data-testid="stats-chart" data-kind={g.kind} data-target={g.target} data-rule={g.rule}>
                  <Title order={2} size="h4" mb="xs">
                    {title}
                  </Title>
                  <TimeChart title={t('stats.chart', { title })} fromMs={fromMs} toMs={toMs} bucketMs={bucketMs} series={series} />
                  <ChartLegend series={series} />
                  <SummaryTable t={t} kind={g.kind} series={series} />
                  <details className="vigie-details">
                    <summary>{t('stats.table')}</summary>
                    <Table.ScrollContainer minWidth={400} mah={320}>
                      <Table striped withTableBorder data-testid="stats-bucket-table">
                        <Table.Thead>
                          <Table.Tr>
                            <Table.Th scope="col">{t('stats.col.time')}</Table.Th>
                            {series.map((s) => (
                              <Table.Th scope="col" key={s.key}>
                                {s.label}
                              </Table.Th>
                            ))}
                          </Table.Tr>
                        </Table.Thead>
                        <Table.Tbody>
                          {times.map((time) => (
                            <Table.Tr key={time}>
                              <Table.Th scope="row">{timeFmt.format(new Date(time))}</Table.Th>
                              {series.map((s) => (
                                <Table.Td key={s.key}>{fmtNum(s.values.get(time) ?? 0)}</Table.Td>
                              ))}
                            </Table.Tr>
                          ))}
                        </Table.Tbody>
                      </Table>
                    </Table.ScrollContainer>
                  </details>
                </Paper>
              );
            })
          )}
        </>
      )}
    </Stack>
  );
}

function SummaryTable({ t, kind, series }: { t: T; kind: CountBucket['kind']; series: Row[] }) {
  const tally = kind !== 'occupancy';
  const rows =
    tally
      ? series.map((s) => {
          const vals = [...s.values.values()];
          return { key: s.key, label: s.label, a: vals.reduce((x, y) => x + y, 0), b: Math.max(0, ...vals) };
        })
      : // Occupancy: one row per class, from its "mean" series (peak comes from the paired series).
        series
          .filter((s) => s.key.endsWith('|mean'))
          .map((s) => {
            const peak = series.find((p) => p.key === s.key.replace(/\|mean$/, '|peak'));
            const vals = [...s.values.values()];
            return { key: s.key, label: s.label.replace(/ \([^)]*\)$/, ''), a: vals.length ? vals.reduce((x, y) => x + y, 0) / vals.length : 0, b: Math.max(0, ...(peak ? [...peak.values.values()] : [])) };
          });
  return (
    <Table withTableBorder mt="xs" data-testid="stats-summary">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t('stats.col.series')}</Table.Th>
          <Table.Th scope="col">{t(tally ? 'stats.col.total' : 'stats.col.mean')}</Table.Th>
          <Table.Th scope="col">{t(tally ? 'stats.col.max5' : 'stats.col.peak')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.key} data-testid="stats-summary-row" data-series={r.key}>
            <Table.Th scope="row">{r.label}</Table.Th>
            <Table.Td>{fmtNum(r.a)}</Table.Td>
            <Table.Td>{fmtNum(r.b)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
