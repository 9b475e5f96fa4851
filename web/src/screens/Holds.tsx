/**
 * "Réquisitions" (legal holds): footage a judicial requisition covers is kept
 * beyond the normal retention until the hold ends or is released. Active holds
 * first; released ones greyed with who released them and why. Creating and
 * releasing are audited by the server. Evidence export from a hold, and the
 * instance's signing key, for those allowed to export.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, MultiSelect, Radio, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useCameras, useUsers } from '../api/queries.js';
import { fromLocalInput, toLocalInput, useCreateHold, useHolds, useReleaseHold, holdActive, type Hold } from '../api/recording.js';
import { EvidenceDialog, SigningKeySection, type EvidencePreset } from '../components/Evidence.js';
import { ErrorBox, Loading, RequestError, toast } from '../components/common.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';

function sortHolds(items: readonly Hold[]): Hold[] {
  return [...items].sort((a, b) => (holdActive(a) === holdActive(b) ? b.createdAt.localeCompare(a.createdAt) : holdActive(a) ? -1 : 1));
}

export function Holds() {
  const { t, dateTime } = useI18n();
  const { can } = useSession();
  const holds = useHolds();
  const cameras = useCameras();
  const [creating, setCreating] = useState(false);
  const [releasing, setReleasing] = useState<Hold | null>(null);
  const [exportPreset, setExportPreset] = useState<EvidencePreset | null>(null);
  const camName = (id: string) => cameras.data?.cameras.find((c) => c.camera.id === id)?.camera.name || id;
  // The API names users by id: show their username when this role may list users.
  const users = useUsers(can('users.read'));
  const userName = (id: string | null) => (id ? (users.data?.users.find((u) => u.id === id)?.username ?? id) : '?');

  const items = sortHolds(holds.data?.items ?? []);
  return (
    <Stack gap="md" data-testid="holds-screen">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('holds.title')}
        </Title>
        <Button size="md" onClick={() => setCreating(true)} data-testid="hold-new">
          {t('holds.new')}
        </Button>
      </Group>
      <Alert color="blue" variant="light" title={t('holds.explain.title')}>
        {t('holds.explain.body')}
      </Alert>
      {holds.isPending ? (
        <Loading />
      ) : holds.isError ? (
        <ErrorBox error={holds.error} onRetry={() => void holds.refetch()} />
      ) : items.length === 0 ? (
        <Text c="dimmed" data-testid="holds-empty">
          {t('holds.empty')}
        </Text>
      ) : (
        <Table striped highlightOnHover withTableBorder verticalSpacing="sm" data-testid="holds-table">
          <Table.Caption>{t('holds.caption')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('holds.col.state')}</Table.Th>
              <Table.Th>{t('holds.col.case')}</Table.Th>
              <Table.Th>{t('holds.col.cameras')}</Table.Th>
              <Table.Th>{t('holds.col.range')}</Table.Th>
              <Table.Th>{t('holds.col.until')}</Table.Th>
              <Table.Th>{t('holds.col.created')}</Table.Th>
              <Table.Th>{t('holds.col.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((h) => (
              <Table.Tr key={h.id} className={holdActive(h) ? undefined : 'vigie-hold-released'} data-testid="hold-row" data-hold-id={h.id} data-active={holdActive(h)}>
                <Table.Td>
                  {holdActive(h) ? (
                    <Badge color="orange" variant="filled" size="lg" radius="sm">
                      {t('holds.state.active')}
                    </Badge>
                  ) : (
                    <Badge color="gray" variant="outline" size="lg" radius="sm">
                      {h.releasedAt ? t('holds.state.released') : t('holds.state.expired')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text fw={700} data-testid="hold-case">
                    {h.caseRef}
                  </Text>
                  <Text size="sm">{h.authority}</Text>
                  {h.note && (
                    <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
                      {h.note}
                    </Text>
                  )}
                  {h.releasedAt && (
                    <Text size="sm" c="dimmed" data-testid="hold-release-info">
                      {t('holds.releasedBy', { user: userName(h.releasedBy), time: dateTime(h.releasedAt), reason: h.releaseReason ?? '' })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{h.cameras.map(camName).join(', ')}</Table.Td>
                <Table.Td>
                  {dateTime(h.from)}
                  <br />→ {dateTime(h.to)}
                </Table.Td>
                <Table.Td>{h.until ? dateTime(h.until) : t('holds.untilReleased')}</Table.Td>
                <Table.Td>
                  {dateTime(h.createdAt)}
                  <Text size="sm" c="dimmed">
                    {userName(h.createdBy)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    {holdActive(h) && (
                      <Button size="xs" color="red" variant="outline" onClick={() => setReleasing(h)} aria-label={t('holds.releaseFor', { case: h.caseRef })} data-testid="hold-release">
                        {t('holds.release')}
                      </Button>
                    )}
                    {can('exports.create') && (
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() =>
                          setExportPreset({
                            cameras: h.cameras.map((c) => ({ value: c, label: camName(c) })),
                            from: h.from,
                            to: h.to,
                            caseRef: h.caseRef,
                          })
                        }
                        aria-label={t('holds.exportFor', { case: h.caseRef })}
                        data-testid="hold-export"
                      >
                        {t('evidence.open')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {can('exports.create') && <SigningKeySection />}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('holds.new')} size="lg">
        {creating && <HoldForm cameraOptions={(cameras.data?.cameras ?? []).map((c) => ({ value: c.camera.id, label: c.camera.name || c.camera.id }))} onDone={() => setCreating(false)} />}
      </Modal>
      <Modal opened={releasing !== null} onClose={() => setReleasing(null)} title={t('holds.releaseTitle')} size="md">
        {releasing && <ReleaseForm hold={releasing} onDone={() => setReleasing(null)} />}
      </Modal>
      <EvidenceDialog preset={exportPreset} onClose={() => setExportPreset(null)} />
    </Stack>
  );
}

function HoldForm({ cameraOptions, onDone }: { cameraOptions: { value: string; label: string }[]; onDone: () => void }) {
  const { t } = useI18n();
  const create = useCreateHold();
  const [caseRef, setCaseRef] = useState('');
  const [authority, setAuthority] = useState('');
  const [cams, setCams] = useState<string[]>([]);
  const [from, setFrom] = useState(() => toLocalInput(Date.now() - 24 * 3_600_000));
  const [to, setTo] = useState(() => toLocalInput(Date.now()));
  const [untilMode, setUntilMode] = useState<'released' | 'date'>('released');
  const [until, setUntil] = useState('');
  const [note, setNote] = useState('');
  const [tried, setTried] = useState(false);

  const fromIso = fromLocalInput(from);
  const toIso = fromLocalInput(to);
  // Kept up to the end of the chosen day (local time).
  const untilIso = untilMode === 'date' && until ? fromLocalInput(`${until}T23:59`) : null;
  const errors = {
    caseRef: caseRef.trim() ? null : t('holds.error.case'),
    authority: authority.trim() ? null : t('holds.error.authority'),
    cameras: cams.length > 0 ? null : t('holds.error.cameras'),
    range: !fromIso || !toIso ? t('holds.error.range') : fromIso >= toIso ? t('holds.error.order') : null,
    until: untilMode === 'date' && (!untilIso || untilIso <= new Date().toISOString()) ? t('holds.error.until') : null,
  };
  const valid = Object.values(errors).every((e) => e === null);
  const show = (e: string | null) => (tried ? e : null);

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (!valid || !fromIso || !toIso) return;
        create.mutate(
          { caseRef: caseRef.trim(), authority: authority.trim(), cameras: cams, from: fromIso, to: toIso, until: untilIso, ...(note.trim() ? { note: note.trim() } : {}) },
          {
            onSuccess: () => {
              toast(t('holds.created', { case: caseRef.trim() }), 'green');
              onDone();
            },
          },
        );
      }}
      data-testid="hold-form"
    >
      <Stack gap="sm">
        <Text size="sm">{t('holds.formHelp')}</Text>
        <TextInput label={t('holds.case')} placeholder={t('holds.casePlaceholder')} value={caseRef} onChange={(e) => setCaseRef(e.currentTarget.value)} required maxLength={200} error={show(errors.caseRef)} data-autofocus data-testid="hold-case-input" />
        <TextInput label={t('holds.authority')} placeholder={t('holds.authorityPlaceholder')} value={authority} onChange={(e) => setAuthority(e.currentTarget.value)} required maxLength={200} error={show(errors.authority)} data-testid="hold-authority" />
        <MultiSelect label={t('holds.cameras')} data={cameraOptions} value={cams} onChange={setCams} required searchable clearable error={show(errors.cameras)} data-testid="hold-cameras" />
        <Group grow align="flex-start">
          <TextInput type="datetime-local" label={t('holds.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} required data-testid="hold-from" />
          <TextInput type="datetime-local" label={t('holds.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} required error={show(errors.range)} data-testid="hold-to" />
        </Group>
        <Radio.Group label={t('holds.until')} value={untilMode} onChange={(v) => setUntilMode(v === 'date' ? 'date' : 'released')} data-testid="hold-until-mode">
          <Stack gap={6} mt={6}>
            <Radio value="released" label={t('holds.untilReleased')} data-testid="hold-until-released" />
            <Radio value="date" label={t('holds.untilDate')} data-testid="hold-until-date" />
          </Stack>
        </Radio.Group>
        {untilMode === 'date' && <TextInput type="date" label={t('holds.untilDateLabel')} value={until} onChange={(e) => setUntil(e.currentTarget.value)} error={show(errors.until)} data-testid="hold-until" />}
        <Textarea label={t('holds.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} maxLength={2000} data-testid="hold-note" />
        {create.isError && <RequestError error={create.error} testid="hold-error" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="hold-submit">
            {t('holds.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ReleaseForm({ hold, onDone }: { hold: Hold; onDone: () => void }) {
  const { t } = useI18n();
  const release = useReleaseHold();
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (!reason.trim()) return;
        release.mutate(
          { id: hold.id, reason: reason.trim() },
          {
            onSuccess: () => {
              toast(t('holds.released', { case: hold.caseRef }), 'blue');
              onDone();
            },
          },
        );
      }}
      data-testid="hold-release-form"
    >
      <Stack gap="sm">
        <Alert color="orange" variant="light" title={t('holds.releaseWarnTitle', { case: hold.caseRef })}>
          {t('holds.releaseWarn')}
        </Alert>
        <Textarea
          label={t('holds.releaseReason')}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          required
          autosize
          minRows={2}
          maxLength={2000}
          error={tried && !reason.trim() ? t('holds.error.reason') : null}
          data-autofocus
          data-testid="hold-release-reason"
        />
        {release.isError && (
          <Alert color="red" variant="light" role="alert">
            {t('common.error', { message: release.error.message })}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" color="red" loading={release.isPending} data-testid="hold-release-confirm">
            {t('holds.releaseConfirm')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
