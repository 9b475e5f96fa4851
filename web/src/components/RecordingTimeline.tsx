/**
 * A camera's recording timeline: recorded spans (green), gaps (red, hatched,
 * with their reason on hover or focus) and events (ticks coloured by
 * severity). Click anywhere, or move the cursor with the arrow keys and press
 * Enter, to play from that instant. The summary and the gap list under it
 * give the same information as text.
 */
import { useMemo, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { Box, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import type { RecordedSegment, RecordingGapItem } from '../api/recording.js';
import type { EventItem } from '../api/types.js';
import { isKey, useI18n, type T } from '../i18n.js';
import { SEVERITY_COLOR } from './common.js';

interface Span {
  start: number;
  end: number;
}

/** Segments that follow each other (less than 2 s apart) become one span. */
export function mergeSegments(segments: readonly RecordedSegment[]): Span[] {
  const sorted = segments.map((s) => ({ start: Date.parse(s.start), end: Date.parse(s.end) })).filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start - last.end <= 2_000) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

export function gapReason(t: T, reason: string): string {
  const key = `gap.reason.${reason}`;
  return isKey(key) ? t(key) : reason;
}

function duration(t: T, ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return t('rec.duration.s', { s: Math.max(1, Math.round(ms / 1000)) });
  if (min < 60) return t('rec.duration.min', { min });
  return t('rec.duration.h', { h: Math.floor(min / 60), min: String(min % 60).padStart(2, '0') });
}

export interface TimelineProps {
  from: number;
  to: number;
  segments: readonly RecordedSegment[];
  gaps: readonly RecordingGapItem[];
  events: readonly EventItem[];
  /** The instant being played, if any. */
  playing: number | null;
  onPick: (ms: number) => void;
  onPickEvent: (item: EventItem) => void;
}

export function RecordingTimeline({ from, to, segments, gaps, events, playing, onPick, onPickEvent }: TimelineProps) {
  const { t, dateTime, time, lang } = useI18n();
  const span = Math.max(1, to - from);
  const spans = useMemo(() => mergeSegments(segments), [segments]);
  const [cursor, setCursor] = useState<number>(() => playing ?? to - 60 * 60_000);
  const clampMs = (ms: number) => Math.min(to, Math.max(from, ms));
  const pct = (ms: number) => `${(((clampMs(ms) - from) / span) * 100).toFixed(3)}%`;
  const width = (a: number, b: number) => `${Math.max(0.15, ((clampMs(b) - clampMs(a)) / span) * 100).toFixed(3)}%`;
  const iso = (ms: number) => new Date(ms).toISOString();

  const recordedMs = spans.reduce((sum, s) => sum + (clampMs(s.end) - clampMs(s.start)), 0);
  const at = (ms: number): string => {
    if (spans.some((s) => s.start <= ms && ms < s.end)) return t('rec.at.recorded');
    const g = gaps.find((x) => Date.parse(x.start) <= ms && ms < Date.parse(x.end));
    if (g) return t('rec.at.gap', { reason: gapReason(t, g.reason) });
    return t('rec.at.none');
  };

  const fromPointer = (e: MouseEvent<HTMLElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (e.clientX - rect.left) / Math.max(1, rect.width)));
    return Math.round(from + x * span);
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 10 * 60_000 : 60_000;
    let next: number | null = null;
    switch (e.key) {
      case 'ArrowLeft':
      case 'ArrowDown':
        next = cursor - step;
        break;
      case 'ArrowRight':
      case 'ArrowUp':
        next = cursor + step;
        break;
      case 'PageDown':
        next = cursor - 60 * 60_000;
        break;
      case 'PageUp':
        next = cursor + 60 * 60_000;
        break;
      case 'Home':
        next = from;
        break;
      case 'End':
        next = to;
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        onPick(clampMs(cursor));
        return;
      default:
        return;
    }
    e.preventDefault();
    setCursor(clampMs(next));
  };

  // Hour labels: about 6 to 12 across whatever range is shown.
  const ticks = useMemo(() => {
    const steps = [15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * 60_000);
    const step = steps.find((s) => span / s <= 12) ?? 1440 * 60_000;
    const first = Math.ceil(from / step) * step;
    const out: number[] = [];
    for (let x = first; x <= to; x += step) out.push(x);
    return out;
  }, [from, to, span]);

  const visibleEvents = events.filter((i) => {
    const ms = Date.parse(i.event.start_time);
    return ms >= from && ms <= to;
  });

  return (
    <Box data-testid="rec-timeline" data-from={iso(from)} data-to={iso(to)}>
      {/* Events above the bar: one button each. */}
      <Box pos="relative" h={22} aria-label={t('rec.eventsRow')} role="group">
        {visibleEvents.map((i) => (
          <Tooltip key={i.event.id} label={`${t(`type.${i.event.type}`)} · ${dateTime(i.event.start_time)}`} withArrow openDelay={100} events={{ hover: true, focus: true, touch: true }}>
            <UnstyledButton
              className="vigie-rec-event"
              style={{ left: pct(Date.parse(i.event.start_time)), background: `var(--mantine-color-${SEVERITY_COLOR[i.event.severity]}-6)` }}
              aria-label={t('rec.eventMarker', { type: t(`type.${i.event.type}`), time: dateTime(i.event.start_time) })}
              onClick={() => onPickEvent(i)}
              data-testid="rec-event"
              data-event-id={i.event.id}
            />
          </Tooltip>
        ))}
      </Box>
      <div
        className="vigie-rec-bar"
        role="slider"
        tabIndex={0}
        aria-label={t('rec.timelineLabel')}
        aria-valuemin={from}
        aria-valuemax={to}
        aria-valuenow={cursor}
        aria-valuetext={`${dateTime(iso(cursor))}, ${at(cursor)}`}
        aria-describedby="rec-timeline-help"
        onKeyDown={onKey}
        onClick={(e) => {
          const ms = fromPointer(e);
          setCursor(ms);
          onPick(ms);
        }}
        data-testid="rec-bar"
      >
        {spans.map((s) => (
          <div key={s.start} className="vigie-rec-span" style={{ left: pct(s.start), width: width(s.start, s.end) }} data-testid="rec-span" data-start={iso(s.start)} data-end={iso(s.end)} />
        ))}
        {gaps.map((g) => (
          <Tooltip key={`${g.start}-${g.end}`} label={`${gapReason(t, g.reason)} · ${time(g.start)} – ${time(g.end)}`} withArrow>
            <div className="vigie-rec-gap" style={{ left: pct(Date.parse(g.start)), width: width(Date.parse(g.start), Date.parse(g.end)) }} />
          </Tooltip>
        ))}
        <div className="vigie-rec-cursor" style={{ left: pct(cursor) }} aria-hidden />
        {playing !== null && <div className="vigie-rec-playing" style={{ left: pct(playing) }} aria-hidden data-testid="rec-playing" />}
      </div>
      {/* Gaps below the bar: focusable, so the reason can be read from the keyboard too. */}
      <Box pos="relative" h={16} role="group" aria-label={t('rec.gapsRow')}>
        {gaps.map((g) => (
          <Tooltip key={`${g.start}-${g.end}`} label={`${gapReason(t, g.reason)} · ${time(g.start)} – ${time(g.end)}`} withArrow events={{ hover: true, focus: true, touch: true }}>
            <UnstyledButton
              className="vigie-rec-gapmark"
              style={{ left: pct(Date.parse(g.start)), width: width(Date.parse(g.start), Date.parse(g.end)) }}
              aria-label={t('rec.gapLabel', { from: dateTime(g.start), to: dateTime(g.end), reason: gapReason(t, g.reason) })}
              data-testid="rec-gap"
              data-reason={g.reason}
            />
          </Tooltip>
        ))}
      </Box>
      <Box pos="relative" h={20} aria-hidden>
        {ticks.map((x) => (
          <Text key={x} size="xs" c="dimmed" className="vigie-rec-tick" style={{ left: pct(x) }}>
            {new Date(x).toLocaleTimeString(lang === 'fr' ? 'fr-FR' : 'en-GB', { hour: '2-digit', minute: '2-digit' })}
          </Text>
        ))}
      </Box>
      <Text size="sm" id="rec-timeline-help" c="dimmed">
        {t('rec.timelineHelp')}
      </Text>
      <Text size="md" mt="xs" data-testid="rec-summary">
        {t('rec.summary', { recorded: duration(t, recordedMs), total: duration(t, span), gaps: gaps.length })}
      </Text>
      {gaps.length > 0 && (
        <Table fz="sm" mt="xs" striped withTableBorder data-testid="rec-gap-table">
          <Table.Caption>{t('rec.gapTable')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rec.col.start')}</Table.Th>
              <Table.Th>{t('rec.col.end')}</Table.Th>
              <Table.Th>{t('rec.col.duration')}</Table.Th>
              <Table.Th>{t('rec.col.reason')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {gaps.slice(0, 50).map((g) => (
              <Table.Tr key={`${g.start}-${g.end}`}>
                <Table.Td>{dateTime(g.start)}</Table.Td>
                <Table.Td>{dateTime(g.end)}</Table.Td>
                <Table.Td>{duration(t, Date.parse(g.end) - Date.parse(g.start))}</Table.Td>
                <Table.Td>{gapReason(t, g.reason)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Box>
  );
}
