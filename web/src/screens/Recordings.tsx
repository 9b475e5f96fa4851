/**
 * "Enregistrements": a camera's recorded footage over a chosen range (last
 * hours, a day, or any span) as a timeline of spans, gaps and events; a click
 * plays from that instant: the original (HLS from the index) for a supervisor,
 * who may switch to the blurred version; the blurred MP4 (10 minutes from
 * that instant) for the other roles with `recordings.view`. Recording status of every
 * camera at the top, with a banner when a disk is full. Evidence export of the
 * range for those allowed to.
 */
import { useMemo, useState } from 'react';
import { Alert, Badge, Button, Group, Paper, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { isApiError } from '../api/client.js';
import { useCameras } from '../api/queries.js';
import { footageUrl, fromLocalInput, MAX_BLURRED_MS, playlistUrl, toLocalDate, toLocalInput, useRangeEvents, useRecordings, useRecordingStatus, type RecordingState, type RecordingStatus } from '../api/recording.js';
import type { EventItem } from '../api/types.js';
import { EvidenceDialog, type EvidencePreset } from '../components/Evidence.js';
import { BlurredPlayer, HlsPlayer, VersionSwitch } from '../components/HlsPlayer.js';
import { RecordingTimeline } from '../components/RecordingTimeline.js';
import { ErrorBox, Loading } from '../components/common.js';
import { useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const PRESETS = { '1h': HOUR, '6h': 6 * HOUR, '24h': 24 * HOUR } as const;
type RangeKind = keyof typeof PRESETS | 'day' | 'custom';

const STATE_COLOR: Record<RecordingState, string> = { recording: 'green', stopped: 'gray', disk_full: 'red', error: 'orange' };

export function RecordingStateBadge({ status }: { status: RecordingStatus | undefined }) {
  const { t } = useI18n();
  if (!status) return null;
  return (
    <Badge color={STATE_COLOR[status.state] ?? 'gray'} variant="filled" size="lg" radius="sm" data-testid="recording-state" data-state={status.state}>
      {t(`recState.${status.state}`)}
    </Badge>
  );
}

export function Recordings({ cameraParam, at }: { cameraParam?: string; at?: string }) {
  const { t, dateTime, ago } = useI18n();
  const { can } = useSession();
  const cameras = useCameras();
  const status = useRecordingStatus();
  const atMs = at ? Date.parse(at) : NaN;
  const hasAt = Number.isFinite(atMs);

  const [kind, setKind] = useState<RangeKind>(hasAt ? 'custom' : '24h');
  // "Now" for the preset ranges, frozen until the operator asks for a refresh (the timeline must not move under the mouse).
  const [anchor, setAnchor] = useState(() => Math.ceil(Date.now() / MIN) * MIN);
  const [day, setDay] = useState(() => toLocalDate(hasAt ? atMs : Date.now()));
  const [customFrom, setCustomFrom] = useState(() => toLocalInput(hasAt ? atMs - HOUR : Date.now() - 2 * HOUR));
  const [customTo, setCustomTo] = useState(() => toLocalInput(hasAt ? atMs + HOUR : Date.now()));
  const [playing, setPlaying] = useState<number | null>(hasAt ? atMs - 10_000 : null);
  const [exportPreset, setExportPreset] = useState<EvidencePreset | null>(null);
  const [blurred, setBlurred] = useState(false);

  const list = cameras.data?.cameras ?? [];
  const camera = cameraParam ?? list[0]?.camera.id;
  const camName = (id: string) => list.find((c) => c.camera.id === id)?.camera.name || id;

  const range = useMemo((): { from: number; to: number } | null => {
    if (kind === 'day') {
      const start = fromLocalInput(day);
      if (!start) return null;
      const from = Date.parse(start);
      const end = new Date(from);
      end.setDate(end.getDate() + 1);
      return { from, to: end.getTime() };
    }
    if (kind === 'custom') {
      const f = fromLocalInput(customFrom);
      const to = fromLocalInput(customTo);
      if (!f || !to || f >= to) return null;
      return { from: Date.parse(f), to: Date.parse(to) };
    }
    return { from: anchor - PRESETS[kind], to: anchor };
  }, [kind, day, customFrom, customTo, anchor]);

  const fromIso = range ? new Date(range.from).toISOString() : '';
  const toIso = range ? new Date(range.to).toISOString() : '';
  const recordings = useRecordings(range ? camera : undefined, fromIso, toIso);
  const events = useRangeEvents(range ? camera : undefined, fromIso, toIso, can('events.read'));

  const statuses = status.data?.cameras ?? [];
  const storageAlert = status.data?.storage.alert ?? null;
  const diskFull = statuses.filter((s) => s.state === 'disk_full');
  const failing = statuses.filter((s) => s.state === 'error');
  const camStatus = statuses.find((s) => s.camera === camera);

  const playFrom = (ms: number) => setPlaying(ms);
  const playEvent = (item: EventItem) => setPlaying(Date.parse(item.event.start_time) - 10_000);
  // Play to the end of the range, or to now when the range reaches the present.
  const playTo = range ? Math.max(range.to, playing ?? 0) : 0;
  const mayOriginal = can('recordings.view_original');
  // Blurred footage is rendered by the server, 10 minutes at most; whole seconds so that replays hit its cache.
  const blurredFrom = playing === null ? 0 : Math.floor(playing / 1000) * 1000;
  const blurredTo = Math.min(playTo, blurredFrom + MAX_BLURRED_MS);

  if (cameras.isPending) return <Loading />;
  if (cameras.isError) return <ErrorBox error={cameras.error} onRetry={() => void cameras.refetch()} />;

  return (
    <Stack gap="md" data-testid="recordings-screen">
      <Title order={1} size="h2">
        {t('rec.title')}
      </Title>
      {diskFull.length > 0 && (
        <Alert color="red" variant="filled" role="alert" title={t('rec.diskFull.title')} data-testid="disk-full-banner">
          {t('rec.diskFull.body', { cameras: diskFull.map((s) => camName(s.camera)).join(', ') })}
        </Alert>
      )}
      {storageAlert && (
        <Alert color={storageAlert.level === 'critical' ? 'red' : 'orange'} variant="light" role="alert" title={t('rec.storage.title')} data-testid="storage-alert">
          {storageAlert.message}
        </Alert>
      )}
      {failing.length > 0 && (
        <Alert color="orange" variant="light" role="alert" title={t('rec.failing.title')} data-testid="recording-error-banner">
          {failing.map((s) => `${camName(s.camera)}${s.error ? ` : ${s.error}` : ''}`).join(' · ')}
        </Alert>
      )}
      {status.isError && !isApiError(status.error, 403) && (
        <Alert color="orange" variant="light">
          {t('rec.statusUnavailable')}
        </Alert>
      )}
      {list.length === 0 ? (
        <Alert color="blue" variant="light">
          {t('rec.noCamera')}
        </Alert>
      ) : (
        <>
          <Paper withBorder p="md">
            <Group align="flex-end" gap="md" wrap="wrap">
              <Select
                label={t('rec.camera')}
                data={list.map((c) => ({ value: c.camera.id, label: c.camera.name || c.camera.id }))}
                value={camera ?? null}
                onChange={(v) => {
                  if (!v) return;
                  setPlaying(null);
                  navigate({ name: 'recordings', camera: v });
                }}
                allowDeselect={false}
                w={260}
                data-testid="rec-camera"
              />
              <Stack gap={4}>
                <Text size="sm" fw={500} id="rec-range-label">
                  {t('rec.range')}
                </Text>
                <SegmentedControl
                  aria-labelledby="rec-range-label"
                  value={kind}
                  onChange={(v) => {
                    setKind(v);
                    setAnchor(Math.ceil(Date.now() / MIN) * MIN);
                  }}
                  data={[
                    { value: '1h', label: t('rec.range.1h') },
                    { value: '6h', label: t('rec.range.6h') },
                    { value: '24h', label: t('rec.range.24h') },
                    { value: 'day', label: t('rec.range.day') },
                    { value: 'custom', label: t('rec.range.custom') },
                  ]}
                  data-testid="rec-range"
                />
              </Stack>
              {kind === 'day' && <TextInput type="date" label={t('rec.day')} value={day} onChange={(e) => setDay(e.currentTarget.value)} data-testid="rec-day" />}
              {kind === 'custom' && (
                <>
                  <TextInput type="datetime-local" label={t('rec.from')} value={customFrom} onChange={(e) => setCustomFrom(e.currentTarget.value)} data-testid="rec-from" />
                  <TextInput type="datetime-local" label={t('rec.to')} value={customTo} onChange={(e) => setCustomTo(e.currentTarget.value)} data-testid="rec-to" />
                </>
              )}
              {(kind === '1h' || kind === '6h' || kind === '24h') && (
                <Button variant="default" onClick={() => setAnchor(Math.ceil(Date.now() / MIN) * MIN)} data-testid="rec-refresh">
                  {t('rec.refresh')}
                </Button>
              )}
              {can('exports.create') && camera && range && (
                <Button
                  variant="outline"
                  onClick={() =>
                    setExportPreset({
                      cameras: list.map((c) => ({ value: c.camera.id, label: c.camera.name || c.camera.id })),
                      camera,
                      from: fromIso,
                      to: toIso,
                    })
                  }
                  data-testid="rec-export"
                >
                  {t('evidence.open')}
                </Button>
              )}
            </Group>
            {camStatus && (
              <Group gap="sm" mt="sm" data-testid="rec-camera-status">
                <RecordingStateBadge status={camStatus} />
                <Text size="sm" c="dimmed">
                  {camStatus.lastSegmentAt ? t('rec.lastSegment', { ago: ago(camStatus.lastSegmentAt) }) : t('rec.noSegmentYet')}
                  {camStatus.error ? ` · ${camStatus.error}` : ''}
                </Text>
              </Group>
            )}
          </Paper>
          {!range ? (
            <Alert color="orange" variant="light" role="alert">
              {t('rec.badRange')}
            </Alert>
          ) : (
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="xs">
                {t('rec.timelineTitle', { camera: camera ? camName(camera) : '', from: dateTime(fromIso), to: dateTime(toIso) })}
              </Title>
              {recordings.isPending ? (
                <Loading />
              ) : recordings.isError ? (
                isApiError(recordings.error, 404) || isApiError(recordings.error, 503) ? (
                  <Alert color="orange" variant="light">
                    {t('rec.unavailable')}
                  </Alert>
                ) : (
                  <ErrorBox error={recordings.error} onRetry={() => void recordings.refetch()} />
                )
              ) : (
                <>
                  {recordings.data.segments.length === 0 && (
                    <Alert color="blue" variant="light" mb="sm" data-testid="rec-empty">
                      {t('rec.empty')}
                    </Alert>
                  )}
                  <RecordingTimeline
                    from={range.from}
                    to={range.to}
                    segments={recordings.data.segments}
                    gaps={recordings.data.gaps}
                    events={events.data ?? []}
                    playing={playing}
                    onPick={playFrom}
                    onPickEvent={playEvent}
                  />
                </>
              )}
            </Paper>
          )}
          {camera && playing !== null && range && (
            <Paper withBorder p="md">
              <Group justify="space-between" mb="xs">
                <Title order={2} size="h4">
                  {t('rec.playingFrom', { time: dateTime(new Date(playing).toISOString()) })}
                </Title>
                <Group gap="xs">
                  {mayOriginal && <VersionSwitch blurred={blurred} onChange={setBlurred} />}
                  <Button variant="default" size="xs" onClick={() => setPlaying(null)} data-testid="rec-stop">
                    {t('rec.stop')}
                  </Button>
                </Group>
              </Group>
              {/* The screen needs recordings.view: whoever may not play the original gets the blurred rendering. */}
              {blurred || !mayOriginal ? (
                <BlurredPlayer
                  src={footageUrl(camera, new Date(blurredFrom).toISOString(), new Date(blurredTo).toISOString())}
                  label={t('rec.videoLabel', { camera: camName(camera), time: dateTime(new Date(playing).toISOString()) })}
                  testid="rec-blurred-player"
                />
              ) : (
                <HlsPlayer
                  src={playlistUrl(camera, new Date(playing).toISOString(), new Date(playTo).toISOString())}
                  label={t('rec.videoLabel', { camera: camName(camera), time: dateTime(new Date(playing).toISOString()) })}
                  testid="rec-player"
                />
              )}
            </Paper>
          )}
        </>
      )}
      <EvidenceDialog preset={exportPreset} onClose={() => setExportPreset(null)} />
    </Stack>
  );
}
