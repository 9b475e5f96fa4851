import { useState } from 'react';
import { Alert, Anchor, Button, Grid, Group, Image, Paper, Stack, Table, Text, Textarea, Timeline, Title } from '@mantine/core';
import { isApiError } from '../api/client.js';
import { useCameras, useEvent } from '../api/queries.js';
import { OFFLINE_REASON_LIST, type EventAction, type OfflineReason } from '../api/types.js';
import { useI18n } from '../i18n.js';
import { href, navigate } from '../router.js';
import { useSession } from '../session.js';
import { ACTION_SHORTCUTS, ActionButtons, ShortcutLegend, useActions, useShortcuts } from '../components/actions.js';
import { ClipDialog } from '../components/ClipDialog.js';
import { ErrorBox, Labeled, Loading, SeverityBadge } from '../components/common.js';
import { HandlingBadges } from './AlertQueue.js';

export function EventDetail({ id }: { id: string }) {
  const { t, dateTime } = useI18n();
  const { can } = useSession();
  const canAct = can('events.act');
  const q = useEvent(id);
  const cameras = useCameras();
  const { act, modal, dialogOpen, addNote, pending } = useActions();
  const [note, setNote] = useState('');
  const [imgFailed, setImgFailed] = useState(false);
  const [clipOpen, setClipOpen] = useState(false);
  const canClip = can('recordings.view_original');
  const item = q.data?.item;

  useShortcuts(
    {
      a: () => item && canAct && act(item, 'ack'),
      t: () => item && canAct && act(item, 'true_alert'),
      f: () => item && canAct && act(item, 'false_alarm'),
      d: () => item && canAct && act(item, 'dispatch'),
      Escape: () => navigate({ name: 'queue' }),
      Backspace: () => navigate({ name: 'queue' }),
    },
    !dialogOpen && !clipOpen,
  );

  const back = (
    <Anchor href={href({ name: 'queue' })} data-testid="detail-back">
      ← {t('detail.back')}
    </Anchor>
  );
  if (q.isPending) return <Loading />;
  if (q.isError || !item) {
    return (
      <Stack>
        {back}
        {isApiError(q.error, 404) ? <Alert color="orange">{t('detail.notFound')}</Alert> : <ErrorBox error={q.error} onRetry={() => void q.refetch()} />}
      </Stack>
    );
  }
  const ev = item.event;
  const cam = cameras.data?.cameras.find((c) => c.camera.id === ev.camera)?.camera;
  const camName = cam?.name ?? ev.camera;
  const zone = typeof ev.details.zone === 'string' ? ev.details.zone : null;
  const line = typeof ev.details.line === 'string' ? ev.details.line : null;
  const zoneName = zone ? (cam?.zones.find((z) => z.id === zone)?.name ?? zone) : null;
  const lineName = line ? (cam?.lines.find((l) => l.id === line)?.name ?? line) : null;
  const otherDetails = Object.entries(ev.details).filter(([k]) => k !== 'zone' && k !== 'line');
  // null for events without a picture (a camera_offline event: the camera sent none)
  const snapshot = ev.snapshot;
  // A camera_offline event says why in words an operator reads at 3 a.m.
  const detailValue = (key: string, value: unknown): string =>
    ev.type === 'camera_offline' && key === 'reason' && (OFFLINE_REASON_LIST as readonly unknown[]).includes(value) ? t(`offline.reason.${value as OfflineReason}`) : String(value);
  const byAt = (user: string | null, at: string | null) => (at ? t('detail.byAt', { user: user ?? '?', time: dateTime(at) }) : t('detail.none'));

  return (
    <Stack gap="md" data-testid="event-detail" data-event-id={ev.id}>
      {back}
      <Group justify="space-between" align="center">
        <Group gap="sm">
          <SeverityBadge severity={ev.severity} size="xl" />
          <Title order={1} size="h2">
            {t('detail.title', { type: t(`type.${ev.type}`), camera: camName })}
          </Title>
        </Group>
        <HandlingBadges item={item} />
      </Group>
      {canAct && <ActionButtons item={item} onAct={(k) => act(item, k)} />}
      {can('incidents.write') && (
        <Group>
          <Button component="a" href={href({ name: 'incidents', event: ev.id })} variant="default" size="md" data-testid="event-create-incident">
            {t('incidents.fromEvent')}
          </Button>
        </Group>
      )}
      {canClip && (
        <Group>
          <Button variant="outline" size="md" onClick={() => setClipOpen(true)} data-testid="event-clip">
            {t('clip.open')}
          </Button>
        </Group>
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="xs">
            {imgFailed || snapshot === null ? (
              <Text c="dimmed" p="xl" ta="center">
                {t('detail.noSnapshot')}
              </Text>
            ) : (
              <Image src={snapshot} alt={t('detail.snapshot')} fit="contain" mah={460} onError={() => setImgFailed(true)} data-testid="event-snapshot" />
            )}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="md">
            <dl className="vigie-dl">
              <Labeled label="detail.type">{t(`type.${ev.type}`)}</Labeled>
              <Labeled label="detail.rule">
                <span data-testid="detail-rule">{ev.rule}</span>
              </Labeled>
              <Labeled label="detail.camera">{camName}</Labeled>
              {zoneName && <Labeled label="detail.zone">{zoneName}</Labeled>}
              {lineName && <Labeled label="detail.line">{lineName}</Labeled>}
              <Labeled label="detail.classes">{ev.classes.join(', ') || t('detail.none')}</Labeled>
              <Labeled label="detail.score">{`${Math.round(ev.score * 100)} %`}</Labeled>
              <Labeled label="detail.start">{dateTime(ev.start_time)}</Labeled>
              <Labeled label="detail.end">{ev.end === null ? t('status.open') : `${dateTime(new Date(Date.parse(ev.start_time) + (ev.end - ev.start) * 1000).toISOString())}`}</Labeled>
              <Labeled label="detail.ack">{byAt(item.acknowledgedBy, item.acknowledgedAt)}</Labeled>
              <Labeled label="detail.qualification">{item.qualification ? `${t(`qualification.${item.qualification}`)} (${byAt(item.qualifiedBy, item.qualifiedAt)})` : t('detail.none')}</Labeled>
              <Labeled label="detail.dispatch">{byAt(item.dispatchedBy, item.dispatchedAt)}</Labeled>
              <Labeled label="detail.tracks">{ev.track_ids.join(', ') || t('detail.none')}</Labeled>
            </dl>
            {otherDetails.length > 0 && (
              <>
                <Text fw={700} mt="sm">
                  {t('detail.details')}
                </Text>
                <Table fz="sm" withRowBorders={false}>
                  <Table.Tbody>
                    {otherDetails.map(([k, v]) => (
                      <Table.Tr key={k}>
                        <Table.Td c="dimmed">{k}</Table.Td>
                        <Table.Td>{detailValue(k, v)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </>
            )}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="sm">
              {t('detail.timeline')}
            </Title>
            <ActionTimeline actions={q.data.actions} />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          {canAct && (
            <Paper withBorder p="md">
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  if (!note.trim()) return;
                  addNote(item, note.trim());
                  setNote('');
                }}
              >
                <Stack gap="xs">
                  <Title order={2} size="h4">
                    {t('detail.addNote')}
                  </Title>
                  <Textarea
                    label={t('detail.noteLabel')}
                    placeholder={t('detail.notePlaceholder')}
                    value={note}
                    onChange={(e) => setNote(e.currentTarget.value)}
                    autosize
                    minRows={3}
                    data-testid="note-input"
                  />
                  <Group justify="flex-end">
                    <Button type="submit" disabled={!note.trim()} loading={pending} data-testid="note-submit">
                      {t('detail.noteSubmit')}
                    </Button>
                  </Group>
                </Stack>
              </form>
            </Paper>
          )}
          <Paper withBorder p="sm" mt="md">
            <ShortcutLegend
              items={[
                ...(canAct ? ACTION_SHORTCUTS : []),
                { keys: ['Esc'], label: 'shortcut.back' },
              ]}
            />
          </Paper>
        </Grid.Col>
      </Grid>
      {modal}
      {canClip && <ClipDialog event={ev} opened={clipOpen} onClose={() => setClipOpen(false)} cameraName={camName} />}
    </Stack>
  );
}

function ActionTimeline({ actions }: { actions: EventAction[] }) {
  const { t, dateTime } = useI18n();
  if (actions.length === 0) return <Text c="dimmed">{t('detail.timelineEmpty')}</Text>;
  const sorted = [...actions].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const title = (a: EventAction): string => {
    switch (a.kind) {
      case 'ack':
        return t('timeline.ack');
      case 'qualify':
        return t('timeline.qualify', {
          value: a.value === 'true_alert' || a.value === 'false_alarm' || a.value === 'duplicate' ? t(`qualification.${a.value}`) : (a.value ?? '?'),
        });
      case 'dispatch':
        return t('timeline.dispatch');
      case 'note':
        return t('timeline.note');
    }
  };
  return (
    <Timeline active={sorted.length - 1} bulletSize={18} lineWidth={2} data-testid="action-timeline">
      {sorted.map((a) => (
        <Timeline.Item key={a.id} title={title(a)} data-testid="timeline-item" data-kind={a.kind}>
          <Text size="sm" c="dimmed">
            {a.username} · {dateTime(a.createdAt)}
          </Text>
          {a.note && (
            <Text size="md" mt={4} style={{ whiteSpace: 'pre-wrap' }}>
              {a.note}
            </Text>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
