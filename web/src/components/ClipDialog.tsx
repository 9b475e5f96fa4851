/**
 * "Voir le clip": an event's clip with 10 s before and after. Whoever may not
 * see the original (operator, DPO) plays the blurred MP4 the server renders;
 * a supervisor plays the original (the event clip playlist when the server
 * has one, otherwise the camera's recording around the event time) and may
 * switch to the blurred version.
 */
import { useEffect, useState } from 'react';
import { Anchor, Group, Modal, Text } from '@mantine/core';
import { blurredClipUrl, clipUrl, playlistUrl } from '../api/recording.js';
import type { VigieEvent } from '../api/types.js';
import { useI18n } from '../i18n.js';
import { href } from '../router.js';
import { Loading } from './common.js';
import { useSession } from '../session.js';
import { BlurredPlayer, HlsPlayer, VersionSwitch } from './HlsPlayer.js';

const PRE_S = 10;
const POST_S = 10;

/** Start and end of an event, ISO; an open event ends now. */
export function eventSpan(ev: VigieEvent): { start: number; end: number } {
  const start = Date.parse(ev.start_time);
  const end = ev.end === null ? Date.now() : start + Math.max(0, (ev.end - ev.start) * 1000);
  return { start, end };
}

export function ClipDialog({ event, opened, onClose, cameraName }: { event: VigieEvent; opened: boolean; onClose: () => void; cameraName: string }) {
  const { t, dateTime } = useI18n();
  const { can } = useSession();
  const mayOriginal = can('recordings.view_original');
  const [blurred, setBlurred] = useState(false);
  const [src, setSrc] = useState<string | null>(null);
  const showBlurred = blurred || !mayOriginal;

  useEffect(() => {
    if (!opened || showBlurred) return;
    const controller = new AbortController();
    const { start, end } = eventSpan(event);
    const fallback = playlistUrl(event.camera, new Date(start - PRE_S * 1000).toISOString(), new Date(end + POST_S * 1000).toISOString());
    const clip = clipUrl(event.id, PRE_S, POST_S);
    setSrc(null);
    // The clip route may not exist (or have nothing for this event): fall back to the camera's recording.
    fetch(clip, { credentials: 'same-origin', signal: controller.signal })
      .then((res) => setSrc(res.ok ? clip : fallback))
      .catch((err: unknown) => {
        if (!(err instanceof DOMException && err.name === 'AbortError')) setSrc(fallback);
      });
    return () => controller.abort();
  }, [opened, event, showBlurred]);

  const label = t('clip.videoLabel', { camera: cameraName, time: dateTime(event.start_time) });

  return (
    <Modal opened={opened} onClose={onClose} title={t('clip.title', { camera: cameraName, time: dateTime(event.start_time) })} size="xl" data-testid="clip-dialog">
      {mayOriginal && (
        <Group justify="flex-end" mb="xs">
          <VersionSwitch blurred={blurred} onChange={setBlurred} />
        </Group>
      )}
      {showBlurred ? (
        <BlurredPlayer src={blurredClipUrl(event.id, PRE_S, POST_S)} label={label} testid="clip-blurred-player" />
      ) : src ? (
        <HlsPlayer src={src} label={label} testid="clip-player" />
      ) : (
        <Loading />
      )}
      <Group justify="space-between" mt="sm">
        <Text size="sm" c="dimmed">
          {t('clip.help', { pre: PRE_S, post: POST_S })}
        </Text>
        <Anchor href={href({ name: 'recordings', camera: event.camera, at: event.start_time })} onClick={onClose} data-testid="clip-open-recordings">
          {t('clip.openRecordings')}
        </Anchor>
      </Group>
    </Modal>
  );
}
