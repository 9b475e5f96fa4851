import { useEffect, useMemo, useRef } from 'react';
import { Anchor, Badge, Box, Button, Group, Image, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useCameras, useEvents } from '../api/queries.js';
import { useFreshIds } from '../api/live.js';
import { ALERT_TYPE_LIST, STATUS_FILTERS, type EventFilters, type EventItem } from '../api/types.js';
import { useI18n } from '../i18n.js';
import { href, navigate } from '../router.js';
import { useSession } from '../session.js';
import { ACTION_SHORTCUTS, ActionButtons, ShortcutLegend, useActions, useShortcuts, type ActionKey } from '../components/actions.js';
import { ErrorBox, Loading, SEVERITY_COLOR, SeverityBadge, useNow, whereOf } from '../components/common.js';

const PAGE = 100;
const MAX_LIMIT = 500;

export interface QueueState {
  filters: EventFilters;
  selected: string | null;
}

export function AlertQueue({ state, setState }: { state: QueueState; setState: (s: QueueState) => void }) {
  const { t, time, ago } = useI18n();
  const { can } = useSession();
  const canAct = can('events.act');
  const now = useNow();
  const fresh = useFreshIds();
  const { filters, selected } = state;
  const limit = filters.limit ?? PAGE;
  const events = useEvents({ ...filters, limit });
  const cameras = useCameras();
  const { act, modal, dialogOpen } = useActions();
  const tableRef = useRef<HTMLDivElement>(null);

  const items = useMemo(() => events.data?.items ?? [], [events.data]);
  const cameraName = useMemo(() => {
    const m = new Map<string, string>();
    for (const c of cameras.data?.cameras ?? []) m.set(c.camera.id, c.camera.name ?? c.camera.id);
    return (id: string) => m.get(id) ?? id;
  }, [cameras.data]);

  const selectedIdx = items.findIndex((i) => i.event.id === selected);
  const current: EventItem | undefined = items[selectedIdx >= 0 ? selectedIdx : 0];

  // Keep a valid selection: the first alert when nothing (or something gone) is selected.
  useEffect(() => {
    if (items.length > 0 && selectedIdx < 0) setState({ filters, selected: items[0]?.event.id ?? null });
  }, [items, selectedIdx, filters, setState]);

  useEffect(() => {
    if (!current) return;
    const row = tableRef.current?.querySelector<HTMLElement>(`[data-event-id="${CSS.escape(current.event.id)}"]`);
    row?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const unhandled = items.filter((i) => i.acknowledgedAt === null).length;
  useEffect(() => {
    document.title = unhandled > 0 ? `(${unhandled}) Vigie` : 'Vigie';
    return () => {
      document.title = 'Vigie';
    };
  }, [unhandled]);

  const select = (id: string | undefined) => {
    if (id) setState({ filters, selected: id });
  };
  const move = (delta: number) => {
    if (items.length === 0) return;
    const base = selectedIdx >= 0 ? selectedIdx : 0;
    const next = Math.max(0, Math.min(items.length - 1, base + delta));
    select(items[next]?.event.id);
  };
  const doAct = (key: ActionKey) => {
    if (current && canAct) act(current, key);
  };
  useShortcuts(
    {
      j: () => move(1),
      ArrowDown: () => move(1),
      k: () => move(-1),
      ArrowUp: () => move(-1),
      a: () => doAct('ack'),
      t: () => doAct('true_alert'),
      f: () => doAct('false_alarm'),
      d: () => doAct('dispatch'),
      Enter: () => {
        if (current) navigate({ name: 'event', id: current.event.id });
      },
    },
    !dialogOpen,
  );

  const setFilter = (patch: Partial<EventFilters>) => setState({ filters: { ...filters, ...patch, limit: undefined }, selected: null });

  return (
    <Group align="flex-start" gap="md" wrap="nowrap" h="100%">
      <Stack gap="sm" style={{ flex: 1, minWidth: 0 }}>
        <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
          <Group gap="sm" align="baseline">
            <Title order={1} size="h2">
              {t('queue.title')}
            </Title>
            {unhandled > 0 && (
              <Badge color="red" size="xl" variant="filled" data-testid="unhandled-count">
                {t('queue.unhandled', { count: unhandled })}
              </Badge>
            )}
          </Group>
          <Group gap="sm" role="search" aria-label={t('queue.filters')}>
            <Select
              label={t('queue.filter.camera')}
              placeholder={t('queue.filter.all')}
              clearable
              w={190}
              data={(cameras.data?.cameras ?? []).map((c) => ({ value: c.camera.id, label: c.camera.name ?? c.camera.id }))}
              value={filters.camera ?? null}
              onChange={(v) => setFilter({ camera: v ?? undefined })}
              data-testid="filter-camera"
            />
            <Select
              label={t('queue.filter.type')}
              placeholder={t('queue.filter.all')}
              clearable
              w={210}
              data={ALERT_TYPE_LIST.map((ty) => ({ value: ty, label: t(`type.${ty}`) }))}
              value={filters.type ?? null}
              onChange={(v) => setFilter({ type: (v) ?? undefined })}
              data-testid="filter-type"
            />
            <Select
              label={t('queue.filter.status')}
              placeholder={t('queue.filter.all')}
              clearable
              w={190}
              data={STATUS_FILTERS.map((s) => ({ value: s, label: t(`status.${s}`) }))}
              value={filters.status ?? null}
              onChange={(v) => setFilter({ status: (v) ?? undefined })}
              data-testid="filter-status"
            />
          </Group>
        </Group>

        {events.isPending ? (
          <Loading />
        ) : events.isError ? (
          <ErrorBox error={events.error} onRetry={() => void events.refetch()} />
        ) : items.length === 0 ? (
          <Paper withBorder p="xl" data-testid="queue-empty">
            <Text size="lg" c="dimmed" ta="center">
              {t('queue.empty')}
            </Text>
          </Paper>
        ) : (
          <Box ref={tableRef} className="vigie-queue" data-testid="alert-queue">
            <Table highlightOnHover={false} verticalSpacing={6} horizontalSpacing="sm" fz="md" stickyHeader>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('queue.col.severity')}</Table.Th>
                  <Table.Th>{t('queue.col.type')}</Table.Th>
                  <Table.Th>{t('queue.col.camera')}</Table.Th>
                  <Table.Th>{t('queue.col.where')}</Table.Th>
                  <Table.Th>{t('queue.col.time')}</Table.Th>
                  <Table.Th>{t('queue.col.state')}</Table.Th>
                  <Table.Th>
                    <span className="vigie-sr-only">{t('queue.open')}</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((item) => {
                  const ev = item.event;
                  const isSel = current?.event.id === ev.id;
                  const isNew = fresh.has(ev.id);
                  const handled = item.acknowledgedAt !== null;
                  const cls = ['vigie-row', handled ? 'vigie-row-handled' : 'vigie-row-unhandled', isNew ? 'vigie-fresh' : '', isSel ? 'vigie-row-selected' : ''].join(' ');
                  return (
                    <Table.Tr
                      key={ev.id}
                      className={cls}
                      style={{ borderLeftColor: `var(--mantine-color-${SEVERITY_COLOR[ev.severity]}-6)` }}
                      onClick={() => select(ev.id)}
                      onDoubleClick={() => navigate({ name: 'event', id: ev.id })}
                      aria-selected={isSel}
                      data-testid="alert-row"
                      data-event-id={ev.id}
                      data-severity={ev.severity}
                      data-acknowledged={handled}
                      data-qualification={item.qualification ?? ''}
                      data-selected={isSel}
                      data-fresh={isNew}
                    >
                      <Table.Td>
                        <SeverityBadge severity={ev.severity} />
                      </Table.Td>
                      <Table.Td fw={handled ? 400 : 700} fz="lg" style={{ whiteSpace: 'nowrap' }}>
                        {t(`type.${ev.type}`)}
                        {isNew && (
                          <Badge ml="xs" color="cyan" variant="filled" size="sm" data-testid="alert-new">
                            {t('queue.new')}
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td className="vigie-ellipsis" title={cameraName(ev.camera)}>
                        {cameraName(ev.camera)}
                      </Table.Td>
                      <Table.Td className="vigie-ellipsis">{whereOf(item)}</Table.Td>
                      <Table.Td>
                        <Text fz="md" fw={handled ? 400 : 700} component="span" title={ev.start_time}>
                          {time(ev.start_time)}
                        </Text>
                        <Text fz="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                          {ago(ev.start_time, now)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <HandlingBadges item={item} />
                      </Table.Td>
                      <Table.Td>
                        <Anchor href={href({ name: 'event', id: ev.id })} data-testid="alert-open" onClick={(e) => e.stopPropagation()}>
                          {t('queue.open')}
                        </Anchor>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Box>
        )}
        {events.data && (
          <Group justify="space-between">
            <Text c="dimmed" size="sm" data-testid="queue-count">
              {t('queue.count', { shown: items.length, total: events.data.total })}
            </Text>
            {events.data.total > items.length && limit < MAX_LIMIT && (
              <Button variant="subtle" onClick={() => setState({ filters: { ...filters, limit: Math.min(MAX_LIMIT, limit + PAGE) }, selected })}>
                {t('queue.more')}
              </Button>
            )}
          </Group>
        )}
      </Stack>

      <Stack gap="sm" w={300} style={{ flexShrink: 0 }} component="aside" aria-label={t('queue.selected')}>
        {current && (
          <Paper withBorder p="sm" data-testid="queue-selected" data-event-id={current.event.id}>
            <Stack gap="xs">
              <Group justify="space-between" wrap="nowrap">
                <Text fw={700} size="lg" lineClamp={1}>
                  {t(`type.${current.event.type}`)}
                </Text>
                <SeverityBadge severity={current.event.severity} size="md" />
              </Group>
              <Text size="sm" c="dimmed">
                {cameraName(current.event.camera)} · {whereOf(current)} · {current.event.rule}
              </Text>
              {current.event.snapshot !== null && (
                <Image
                  src={current.event.snapshot}
                  alt={t('detail.snapshot')}
                  radius="sm"
                  fallbackSrc="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='16' height='9'/%3E"
                  h={160}
                  fit="contain"
                  bg="dark.8"
                />
              )}
              {canAct && <ActionButtons item={current} onAct={(k) => act(current, k)} vertical />}
              <Button variant="default" component="a" href={href({ name: 'event', id: current.event.id })} rightSection={<kbd className="vigie-kbd">Enter</kbd>}>
                {t('shortcut.open')}
              </Button>
            </Stack>
          </Paper>
        )}
        <Paper withBorder p="sm">
          <Text fw={700} mb={4}>
            {t('queue.shortcuts')}
          </Text>
          <ShortcutLegend
            items={[
              { keys: ['j', 'k', '↓', '↑'], label: 'shortcut.move' },
              ...(canAct ? ACTION_SHORTCUTS : []),
              { keys: ['Enter'], label: 'shortcut.open' },
            ]}
          />
        </Paper>
      </Stack>
      {modal}
    </Group>
  );
}

export function HandlingBadges({ item }: { item: EventItem }) {
  const { t } = useI18n();
  return (
    <Group gap={4}>
      {item.acknowledgedAt === null ? (
        <Badge color="red" variant="outline" size="md">
          {t('queue.toBeHandled')}
        </Badge>
      ) : (
        <Badge color="gray" variant="light" size="md" title={t('queue.ackBy', { user: item.acknowledgedBy ?? '?' })}>
          {t('status.acknowledged')}
        </Badge>
      )}
      {item.qualification && (
        <Badge color={item.qualification === 'true_alert' ? 'red' : 'gray'} variant="light" size="md">
          {t(`qualification.${item.qualification}`)}
        </Badge>
      )}
      {item.dispatchedAt && (
        <Badge color="violet" variant="light" size="md">
          {t('queue.dispatched')}
        </Badge>
      )}
      {item.status === 'open' && (
        <Badge color="cyan" variant="dot" size="md">
          {t('status.open')}
        </Badge>
      )}
    </Group>
  );
}
