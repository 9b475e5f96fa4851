/**
 * Plays an HLS playlist of the API in a <video>: hls.js (loaded on first use,
 * so the rest of the console does not carry it), or the browser's own HLS
 * support where hls.js cannot run. Shows the wall-clock time of the picture
 * when the playlist carries it (EXT-X-PROGRAM-DATE-TIME).
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Box, Text } from '@mantine/core';
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
