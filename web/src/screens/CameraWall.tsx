import { useEffect, useState } from 'react';
import { Alert, Box, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useCameras } from '../api/queries.js';
import type { CameraEntry } from '../api/types.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { ErrorBox, Loading, StateBadge, useNow } from '../components/common.js';

/**
 * Browsers open at most 6 HTTP/1.1 connections per host and an MJPEG stream
 * holds one for as long as it is shown: beyond this many streams the API
 * calls of the console would queue behind them. Further tiles show the camera
 * snapshot refreshed every POLL_S seconds instead.
 */
const MAX_MJPEG = 4;
const POLL_S = 2;

export function CameraWall() {
  const { t } = useI18n();
  const { can } = useSession();
  const q = useCameras();
  const canView = can('live.view');
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  const cams = q.data.cameras;
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('cameras.title')}
      </Title>
      {!canView && (
        <Alert color="gray" variant="light">
          {t('cameras.noVideo')}
        </Alert>
      )}
      {cams.length === 0 ? (
        <Text c="dimmed">{t('cameras.empty')}</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: cams.length > 2 ? 3 : 2, xl: cams.length > 6 ? 4 : 3 }} spacing="md" data-testid="camera-wall">
          {cams.map((c, i) => (
            <CameraTile key={c.camera.id} entry={c} video={canView} mjpeg={i < MAX_MJPEG} />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}

function CameraTile({ entry, video, mjpeg }: { entry: CameraEntry; video: boolean; mjpeg: boolean }) {
  const { t, ago, time } = useI18n();
  const now = useNow(2_000);
  const { camera, health } = entry;
  const name = camera.name ?? camera.id;
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!video || mjpeg) return;
    const id = window.setInterval(() => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    }, POLL_S * 1000);
    return () => window.clearInterval(id);
  }, [video, mjpeg]);
  const enc = encodeURIComponent(camera.id);
  const src = mjpeg ? `/api/cameras/${enc}/preview.mjpg` : `/api/cameras/${enc}/snapshot.jpg?t=${tick}`;
  const stale = health.lastFrameAt ? now - Date.parse(health.lastFrameAt) > 10_000 : true;
  const fps = (v: number | null) => (v === null ? '—' : v.toFixed(1));
  return (
    <Paper withBorder radius="md" p={0} style={{ overflow: 'hidden' }} data-testid="camera-tile" data-camera-id={camera.id} data-state={health.state}>
      <Box className="vigie-tile-video" bg="dark.9">
        {video && health.state !== 'disabled' ? (
          <img src={src} alt={t('cameras.previewAlt', { camera: name })} data-testid="camera-preview" />
        ) : (
          <Text c="dimmed" size="sm">
            {name}
          </Text>
        )}
      </Box>
      <Stack gap={4} p="sm">
        <Group justify="space-between" wrap="nowrap">
          <Text fw={700} size="lg" lineClamp={1} title={camera.id}>
            {name}
          </Text>
          <StateBadge state={health.state} />
        </Group>
        <Group gap="md" data-testid="camera-health">
          <Text size="sm" data-testid="camera-fps">
            {t('cameras.fps', { fps: fps(health.analysisFps), target: fps(health.targetFps) })}
          </Text>
          <Text size="sm" c={stale && health.state !== 'disabled' ? 'orange.4' : 'dimmed'} title={health.lastFrameAt ?? undefined} data-testid="camera-last-frame">
            {health.lastFrameAt ? t('cameras.lastFrame', { time: `${time(health.lastFrameAt)} (${ago(health.lastFrameAt, now)})` }) : t('cameras.noFrame')}
          </Text>
          {health.restarts > 0 && (
            <Text size="sm" c="orange.4">
              {t('cameras.restarts', { count: health.restarts })}
            </Text>
          )}
        </Group>
        {!mjpeg && video && (
          <Text size="xs" c="dimmed">
            {t('cameras.polled', { s: POLL_S })}
          </Text>
        )}
        {health.lastError && health.state !== 'running' && (
          <Text size="sm" c="red.4" lineClamp={2} title={health.lastError}>
            {health.lastError}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
