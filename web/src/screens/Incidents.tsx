/**
 * "Main courante": incidents operators saw, whether Vigie raised them or not
 * (`/api/incidents`). They are the basis of the AI's recall in the trial
 * report, so logging the ones the AI missed matters as much as the others.
 * Reading needs events.read; logging, editing and deleting need incidents.write.
 */
import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Anchor, Button, Group, Paper, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { api } from '../api/client.js';
import { useCameras } from '../api/queries.js';
import { fromLocalInput, toLocalInput } from '../api/recording.js';
import { incidentQuery, presetPeriod, type Incident, type IncidentInput, type IncidentType } from '../api/reports.js';
import { EVENT_TYPE_LIST, type EventDetail } from '../api/types.js';
import { ErrorBox, Loading, toast } from '../components/common.js';
import { useI18n, type T } from '../i18n.js';
import { href, navigate } from '../router.js';
import { useSession } from '../session.js';

const PERIODS = ['last30', 'thisMonth', 'lastMonth'] as const;
type ListPeriod = (typeof PERIODS)[number];

/** Select value for "no camera: a free place". */
const NO_CAMERA = '__none';

function incidentTypeName(t: T, type: IncidentType): string {
  return type === 'other' ? t('incidents.type.other') : t(`type.${type}`);
}

interface Draft {
  /** Set when editing an existing incident. */
  id: string | null;
  time: string;
  camera: string;
  place: string;
  type: IncidentType;
  description: string;
  eventId: string;
}

function emptyDraft(): Draft {
  return { id: null, time: toLocalInput(new Date()), camera: NO_CAMERA, place: '', type: 'other', description: '', eventId: '' };
}

function draftOf(i: Incident): Draft {
  return { id: i.id, time: toLocalInput(i.occurredAt), camera: i.camera ?? NO_CAMERA, place: i.place ?? '', type: i.type, description: i.description, eventId: i.eventId ?? '' };
}

export function Incidents({ eventId }: { eventId?: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const canWrite = can('incidents.write');
  const [period, setPeriod] = useState<ListPeriod>('last30');
  const [camera, setCamera] = useState<string | null>(null);
  const cameras = useCameras();
  const list = useQuery({
    queryKey: ['incidents', period, camera],
    // The period is computed at each fetch, so an incident logged "now" is inside it.
    queryFn: ({ signal }) => api<{ items: Incident[] }>('GET', `/api/incidents?${incidentQuery(presetPeriod(period, new Date()), camera)}`, undefined, { signal }),
  });
  const cameraOptions = (cameras.data?.cameras ?? []).map((c) => ({ value: c.camera.id, label: c.camera.name ? `${c.camera.name} (${c.camera.id})` : c.camera.id }));
  const [editing, setEditing] = useState<Incident | null>(null);

  return (
    <Stack gap="lg" data-testid="incidents-screen">
      <Stack gap={4} maw={960}>
        <Title order={1} size="h2">
          {t('incidents.title')}
        </Title>
        <Text>{t('incidents.intro')}</Text>
      </Stack>

      {canWrite && <IncidentForm key={editing?.id ?? `new-${eventId ?? ''}`} editing={editing} eventId={eventId} cameraOptions={cameraOptions} onDone={() => setEditing(null)} />}

      <Group align="flex-end" gap="md">
        <Select
          label={t('report.period')}
          data={PERIODS.map((p) => ({ value: p, label: t(`report.preset.${p}`) }))}
          value={period}
          onChange={(v) => v && setPeriod(v)}
          allowDeselect={false}
          w={240}
          data-testid="incidents-period"
        />
        <Select
          label={t('incidents.filter.camera')}
          placeholder={t('incidents.filter.cameraAll')}
          data={cameraOptions}
          value={camera}
          onChange={setCamera}
          clearable
          w={280}
          data-testid="incidents-camera"
        />
      </Group>

      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <Text size="lg" data-testid="incidents-empty">
          {t('incidents.empty')}
        </Text>
      ) : (
        <IncidentTable items={list.data.items} canWrite={canWrite} onEdit={setEditing} />
      )}
    </Stack>
  );
}

function IncidentTable({ items, canWrite, onEdit }: { items: Incident[]; canWrite: boolean; onEdit: (i: Incident) => void }) {
  const { t, dateTime } = useI18n();
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/api/incidents/${encodeURIComponent(id)}`),
    onSuccess: () => {
      setConfirming(null);
      toast(t('incidents.deleted'), 'green');
      void qc.invalidateQueries({ queryKey: ['incidents'] });
    },
    onError: (err) => toast(t('common.error', { message: err.message }), 'red'),
  });
  const sorted = [...items].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
  return (
    <Table striped withTableBorder verticalSpacing="sm" fz="md" data-testid="incidents-table">
      <Table.Caption>{t('incidents.caption')}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t('incidents.col.time')}</Table.Th>
          <Table.Th scope="col">{t('incidents.col.type')}</Table.Th>
          <Table.Th scope="col">{t('incidents.col.where')}</Table.Th>
          <Table.Th scope="col">{t('incidents.col.event')}</Table.Th>
          <Table.Th scope="col">{t('incidents.col.description')}</Table.Th>
          {canWrite && <Table.Th scope="col">{t('incidents.col.actions')}</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {sorted.map((i) => (
          <Table.Tr key={i.id} data-testid="incident-row" data-id={i.id}>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(i.occurredAt)}</Table.Td>
            <Table.Td data-testid="incident-type">{incidentTypeName(t, i.type)}</Table.Td>
            <Table.Td data-testid="incident-where">{i.camera ?? i.place ?? '—'}</Table.Td>
            <Table.Td>
              {i.eventId ? (
                <Anchor href={href({ name: 'event', id: i.eventId })} c="blue.3" fw={600} data-testid="incident-event">
                  {t('incidents.openEvent')}
                </Anchor>
              ) : (
                '—'
              )}
            </Table.Td>
            <Table.Td data-testid="incident-description" style={{ wordBreak: 'break-word' }}>
              {i.description}
            </Table.Td>
            {canWrite && (
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Button size="xs" variant="default" onClick={() => onEdit(i)} data-testid="incident-edit">
                    {t('incidents.edit')}
                  </Button>
                  {confirming === i.id ? (
                    <Button size="xs" color="red" loading={remove.isPending} onClick={() => remove.mutate(i.id)} data-testid="incident-delete-confirm">
                      {t('incidents.deleteConfirm')}
                    </Button>
                  ) : (
                    <Button size="xs" variant="default" color="red" onClick={() => setConfirming(i.id)} data-testid="incident-delete">
                      {t('incidents.delete')}
                    </Button>
                  )}
                </Group>
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function IncidentForm({ editing, eventId, cameraOptions, onDone }: { editing: Incident | null; eventId?: string; cameraOptions: { value: string; label: string }[]; onDone: () => void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => (editing ? draftOf(editing) : emptyDraft()));
  const [tried, setTried] = useState(false);
  // "Créer un incident" on an event: its camera, type and start time, and the link to it.
  const source = useQuery({
    queryKey: ['event', eventId],
    queryFn: ({ signal }) => api<EventDetail>('GET', `/api/events/${encodeURIComponent(eventId ?? '')}`, undefined, { signal }),
    enabled: !!eventId && !editing,
  });
  const sourceEvent = eventId && !editing ? source.data?.item.event : undefined;
  useEffect(() => {
    if (sourceEvent) setDraft((d) => ({ ...d, time: toLocalInput(sourceEvent.start_time), camera: sourceEvent.camera, type: sourceEvent.type, eventId: sourceEvent.id }));
  }, [sourceEvent]);

  const occurredAt = fromLocalInput(draft.time);
  const errors = {
    time: occurredAt ? null : t('incidents.error.time'),
    where: draft.camera === NO_CAMERA && !draft.place.trim() ? t('incidents.error.where') : null,
    description: draft.description.trim() ? null : t('incidents.error.description'),
  };
  const save = useMutation({
    mutationFn: (body: IncidentInput) => (editing ? api<Incident>('PATCH', `/api/incidents/${encodeURIComponent(editing.id)}`, body) : api<Incident>('POST', '/api/incidents', body)),
    onSuccess: () => {
      toast(t(editing ? 'incidents.updated' : 'incidents.saved'), 'green');
      setDraft(emptyDraft());
      setTried(false);
      void qc.invalidateQueries({ queryKey: ['incidents'] });
      onDone();
      // Logged from an event: back to the plain log, so the next incident does not start from that event.
      if (eventId) navigate({ name: 'incidents' });
    },
  });
  const submit = () => {
    setTried(true);
    if (!occurredAt || errors.where || errors.description) return;
    const withCamera = draft.camera !== NO_CAMERA;
    save.mutate({
      occurredAt,
      camera: withCamera ? draft.camera : null,
      // A place is only kept without a camera: an edit that picks a camera clears it.
      place: withCamera ? null : draft.place.trim(),
      type: draft.type,
      description: draft.description.trim(),
      eventId: draft.eventId.trim() || null,
    });
  };
  const typeOptions = [...EVENT_TYPE_LIST.map((type) => ({ value: type, label: t(`type.${type}`) })).sort((a, b) => a.label.localeCompare(b.label)), { value: 'other', label: t('incidents.type.other') }];

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="incident-form-title">
      <Title order={2} size="h4" mb="sm" id="incident-form-title">
        {editing ? t('incidents.edit') : t('incidents.new')}
      </Title>
      {sourceEvent && (
        <Text mb="sm" data-testid="incident-prefilled">
          {t('incidents.prefilled', { id: sourceEvent.id })}
        </Text>
      )}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        data-testid="incident-form"
      >
        <Stack gap="sm">
          <Group align="flex-start" gap="md" wrap="wrap">
            <TextInput
              type="datetime-local"
              label={t('incidents.field.time')}
              value={draft.time}
              onChange={(e) => setDraft({ ...draft, time: e.currentTarget.value })}
              error={tried ? errors.time : null}
              required
              data-testid="incident-time"
            />
            <Select
              label={t('incidents.field.camera')}
              data={[{ value: NO_CAMERA, label: t('incidents.field.cameraNone') }, ...cameraOptions]}
              value={draft.camera}
              onChange={(v) => setDraft({ ...draft, camera: v ?? NO_CAMERA })}
              allowDeselect={false}
              searchable
              w={280}
              data-testid="incident-camera"
            />
            {draft.camera === NO_CAMERA && (
              <TextInput
                label={t('incidents.field.place')}
                description={t('incidents.field.placeHelp')}
                value={draft.place}
                onChange={(e) => setDraft({ ...draft, place: e.currentTarget.value })}
                error={tried ? errors.where : null}
                maxLength={200}
                w={280}
                data-testid="incident-place"
              />
            )}
            <Select
              label={t('incidents.field.type')}
              data={typeOptions}
              value={draft.type}
              onChange={(v) => v && setDraft({ ...draft, type: v as IncidentType })}
              allowDeselect={false}
              searchable
              w={280}
              data-testid="incident-type-select"
            />
          </Group>
          <Textarea
            label={t('incidents.field.description')}
            description={t('incidents.field.descriptionHelp')}
            value={draft.description}
            onChange={(e) => setDraft({ ...draft, description: e.currentTarget.value })}
            error={tried ? errors.description : null}
            autosize
            minRows={3}
            maxLength={2000}
            required
            data-testid="incident-description-input"
          />
          <TextInput
            label={t('incidents.field.event')}
            description={t('incidents.field.eventHelp')}
            value={draft.eventId}
            onChange={(e) => setDraft({ ...draft, eventId: e.currentTarget.value })}
            maxLength={100}
            w={420}
            data-testid="incident-event-id"
          />
          {save.isError && (
            <Alert color="red" variant="light" role="alert" data-testid="incident-error">
              {t('common.error', { message: save.error.message })}
            </Alert>
          )}
          <Group gap="sm">
            <Button type="submit" size="md" loading={save.isPending} data-testid="incident-submit">
              {editing ? t('incidents.save') : t('incidents.new')}
            </Button>
            {editing && (
              <Button variant="default" size="md" onClick={onDone} data-testid="incident-cancel">
                {t('common.cancel')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
