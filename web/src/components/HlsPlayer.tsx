/**
 * Plays an HLS playlist of the API in a <video>: hls.js (loaded on first use,
 * so the rest of the console does not carry it), or the browser's own HLS
 * support where hls.js cannot run. Shows the wall-clock time of the picture
 * when the playlist carries it (EXT-X-PROGRAM-DATE-TIME). Also the player of
 * the blurred MP4 version for those who may not see the original.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Box, Group, Loader, SegmentedControl, Text } from '@mantine/core';
import { useI18n } from '../i18n.js';

export function HlsPlayer({ src, label, testid = 'hls-player' }: { src: string; label: string; testid?: string }) {
  const { t, dateTime } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [wallClock, setWallClock] = useState<string | null>(null);

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    let cancelled = false;
    let destroy: (() => void) | null = null;
    let playingDate: () => Date | null = () => null;
    setError(null);
    setState('loading');
    setWallClock(null);
    const fail = (message: string) => {
      if (cancelled) return;
      setState('error');
      setError(message);
    };
    const start = () => {
      if (cancelled) return;
      setState('ready');
      el.play().catch(() => undefined);
    };
    const onTime = () => {
      const d = playingDate();
      setWallClock(d ? d.toISOString() : null);
    };
    el.addEventListener('timeupdate', onTime);

    void import('hls.js')
      .then(({ default: Hls }) => {
        if (cancelled) return;
        if (Hls.isSupported()) {
          const hls = new Hls({ enableWorker: true, lowLatencyMode: false });
          destroy = () => hls.destroy();
          playingDate = () => hls.playingDate;
          hls.on(Hls.Events.MANIFEST_PARSED, start);
          hls.on(Hls.Events.ERROR, (_evt, data) => {
            if (!data.fatal) return;
            const status = data.response?.code;
            if (data.type === Hls.ErrorTypes.NETWORK_ERROR) fail(status === 404 ? t('player.error.notFound') : status === 403 ? t('player.error.forbidden') : t('player.error.network'));
            else fail(t('player.error.media', { detail: String(data.details) }));
          });
          hls.loadSource(src);
          hls.attachMedia(el);
        } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
          el.src = src;
          el.addEventListener('loadedmetadata', start, { once: true });
          el.addEventListener('error', () => fail(t('player.error.network')), { once: true });
          destroy = () => {
            el.removeAttribute('src');
            el.load();
          };
        } else {
          fail(t('player.error.unsupported'));
        }
      })
      .catch((err: unknown) => fail(String(err)));

    return () => {
      cancelled = true;
      el.removeEventListener('timeupdate', onTime);
      destroy?.();
    };
  }, [src, t]);

  return (
    <Box data-testid={testid} data-state={state} data-src={src}>
      <video ref={video} controls muted playsInline aria-label={label} style={{ width: '100%', maxHeight: 480, background: '#000', display: 'block' }} data-testid={`${testid}-video`}>
        {t('player.noVideo')}
      </video>
      <Text size="sm" c="dimmed" mt={4} aria-live="off">
        {wallClock ? t('player.wallClock', { time: dateTime(wallClock) }) : ' '}
      </Text>
      {error && (
        <Alert color="orange" variant="light" role="alert" mt="xs" data-testid={`${testid}-error`}>
          {error}
        </Alert>
      )}
    </Box>
  );
}

/**
 * Plays the blurred MP4 of the API (people blurred, privacy masks filled) in a
 * plain <video>. The server renders it on first request, which can take tens
 * of seconds: a waiting message shows until the first frame arrives.
 */
export function BlurredPlayer({ src, label, testid = 'blurred-player' }: { src: string; label: string; testid?: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');

  useEffect(() => setState('loading'), [src]);

  return (
    <Box data-testid={testid} data-state={state} data-src={src}>
      {state === 'loading' && (
        <Group gap="xs" mb="xs" aria-live="polite" data-testid={`${testid}-preparing`}>
          <Loader size="sm" />
          <Text size="sm">{t('player.blurredPreparing')}</Text>
        </Group>
      )}
      <video
        key={src}
        src={src}
        controls
        muted
        playsInline
        autoPlay
        aria-label={label}
        onLoadedData={() => setState('ready')}
        onError={() => setState('error')}
        style={{ width: '100%', maxHeight: 480, background: '#000', display: 'block' }}
        data-testid={`${testid}-video`}
      >
        {t('player.noVideo')}
      </video>
      <Text size="sm" c="dimmed" mt={4}>
        {t('player.blurredNote')}
      </Text>
      {state === 'error' && (
        <Alert color="orange" variant="light" role="alert" mt="xs" data-testid={`${testid}-error`}>
          {t('player.blurredError')}
        </Alert>
      )}
    </Box>
  );
}

/** A supervisor's choice between the original recording (HLS) and the blurred version. */
export function VersionSwitch({ blurred, onChange }: { blurred: boolean; onChange: (blurred: boolean) => void }) {
  const { t } = useI18n();
  return (
    <SegmentedControl
      size="xs"
      value={blurred ? 'blurred' : 'original'}
      onChange={(v) => onChange(v === 'blurred')}
      data={[
        { value: 'original', label: t('player.version.original') },
        { value: 'blurred', label: t('player.version.blurred') },
      ]}
      data-testid="video-version"
    />
  );
}
