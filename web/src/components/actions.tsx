/** Event actions (acknowledge, qualify, dispatch) as buttons, keyboard shortcuts and the dispatch dialog. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Button, Group, Kbd, Modal, Stack, Textarea } from '@mantine/core';
import { useEventAction } from '../api/queries.js';
import type { ActionBody, EventItem, Qualification } from '../api/types.js';
import { useI18n, type TKey } from '../i18n.js';
import { toast } from './common.js';

export type ActionKey = 'ack' | Qualification | 'dispatch';

const LABEL: Record<ActionKey, TKey> = {
  ack: 'action.ack',
  true_alert: 'action.true_alert',
  false_alarm: 'action.false_alarm',
  duplicate: 'action.duplicate',
  dispatch: 'action.dispatch',
};

export function useActions() {
  const { t } = useI18n();
  const mutation = useEventAction();
  const [dispatchFor, setDispatchFor] = useState<EventItem | null>(null);

  const send = useCallback(
    (item: EventItem, body: ActionBody, label: TKey) => {
      mutation.mutate(
        { id: item.event.id, body },
        {
          onSuccess: () => toast(t('action.done', { action: t(label) }), 'green', 3_000),
          onError: (err) => toast(t('action.failed', { message: err.message }), 'red', 8_000),
        },
      );
    },
    [mutation, t],
  );

  const act = useCallback(
    (item: EventItem, key: ActionKey) => {
      if (key === 'dispatch') {
        setDispatchFor(item);
        return;
      }
      if (key === 'ack') {
        if (item.acknowledgedAt) return;
        send(item, { kind: 'ack' }, LABEL.ack);
        return;
      }
      send(item, { kind: 'qualify', value: key }, LABEL[key]);
    },
    [send],
  );

  const modal = (
    <DispatchModal
      item={dispatchFor}
      onClose={() => setDispatchFor(null)}
      onConfirm={(note) => {
        if (dispatchFor) send(dispatchFor, note ? { kind: 'dispatch', note } : { kind: 'dispatch' }, LABEL.dispatch);
        setDispatchFor(null);
      }}
    />
  );
  return { act, modal, pending: mutation.isPending, dialogOpen: dispatchFor !== null, addNote: (item: EventItem, note: string) => send(item, { kind: 'note', note }, 'action.note') };
}

function DispatchModal({ item, onClose, onConfirm }: { item: EventItem | null; onClose: () => void; onConfirm: (note: string) => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (item) setNote('');
  }, [item]);
  return (
    <Modal opened={item !== null} onClose={onClose} title={t('dispatch.title')} size="lg" data-testid="dispatch-modal">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm(note.trim());
        }}
      >
        <Stack>
          <Textarea
            ref={ref}
            label={t('dispatch.note')}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            autosize
            minRows={3}
            data-autofocus
            data-testid="dispatch-note"
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                onConfirm(note.trim());
              }
            }}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('dispatch.cancel')}
            </Button>
            <Button type="submit" color="blue" data-testid="dispatch-confirm">
              {t('dispatch.confirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

const BUTTONS: { key: ActionKey; kbd?: string; color: string; testid: string }[] = [
  { key: 'ack', kbd: 'a', color: 'blue', testid: 'action-ack' },
  { key: 'true_alert', kbd: 't', color: 'red', testid: 'action-true-alert' },
  { key: 'false_alarm', kbd: 'f', color: 'gray', testid: 'action-false-alarm' },
  { key: 'duplicate', color: 'gray', testid: 'action-duplicate' },
  { key: 'dispatch', kbd: 'd', color: 'violet', testid: 'action-dispatch' },
];

export function ActionButtons({ item, onAct, disabled, vertical }: { item: EventItem; onAct: (key: ActionKey) => void; disabled?: boolean; vertical?: boolean }) {
  const { t } = useI18n();
  const buttons = BUTTONS.map((b) => {
    const done = b.key === 'ack' ? item.acknowledgedAt !== null : b.key === 'dispatch' ? item.dispatchedAt !== null : item.qualification === b.key;
    return (
      <Button
        key={b.key}
        color={b.color}
        variant={done ? 'light' : 'filled'}
        size="md"
        disabled={disabled || (b.key === 'ack' && done)}
        onClick={() => onAct(b.key)}
        data-testid={b.testid}
        aria-pressed={b.key === 'ack' ? undefined : done}
        aria-keyshortcuts={b.kbd}
        rightSection={b.kbd ? <Kbd size="sm">{b.kbd}</Kbd> : undefined}
        justify={vertical ? 'space-between' : undefined}
        fullWidth={vertical}
      >
        {done && b.key !== 'ack' ? '✓ ' : ''}
        {t(LABEL[b.key])}
      </Button>
    );
  });
  return vertical ? <Stack gap="xs">{buttons}</Stack> : <Group gap="xs">{buttons}</Group>;
}

/** True when a key press is meant for a form field, not for a shortcut. */
function typingInField(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return true;
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  // Enter on a focused button or link belongs to that control.
  if (e.key === 'Enter' && (tag === 'BUTTON' || tag === 'A')) return true;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable || el.closest('[role="dialog"]') !== null;
}

/** Global shortcuts; `handlers` maps a key (`e.key`) to its action. */
export function useShortcuts(handlers: Record<string, () => void>, enabled = true): void {
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  }, [handlers]);
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (typingInField(e)) return;
      const h = ref.current[e.key];
      if (h) {
        e.preventDefault();
        h();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

/** The keys of the four operator actions, shown in every legend where the user may act. */
export const ACTION_SHORTCUTS = [
  { keys: ['a'], label: 'shortcut.ack' },
  { keys: ['t'], label: 'shortcut.true' },
  { keys: ['f'], label: 'shortcut.false' },
  { keys: ['d'], label: 'shortcut.dispatch' },
] as const satisfies readonly { readonly keys: readonly string[]; readonly label: TKey }[];

export function ShortcutLegend({ items }: { items: readonly { readonly keys: readonly string[]; readonly label: TKey }[] }) {
  const { t } = useI18n();
  return (
    <dl className="vigie-shortcuts" data-testid="shortcut-legend" aria-label={t('queue.shortcuts')}>
      {items.map((it) => (
        <div key={it.label}>
          <dt>
            {it.keys.map((k, i) => (
              <span key={k}>
                {i > 0 && ' '}
                <Kbd>{k}</Kbd>
              </span>
            ))}
          </dt>
          <dd>{t(it.label)}</dd>
        </div>
      ))}
    </dl>
  );
}
