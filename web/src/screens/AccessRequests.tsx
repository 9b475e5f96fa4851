/**
 * "Demandes d'accès" (GDPR art. 15, DPO only): the register of requests with
 * their one-month deadline (overdue in red), a form to record one, and the
 * request page: a slider over the requested range shows the recorded frame
 * with everyone blurred and numbered, the DPO clicks the requester's number,
 * exports the footage with only that person unblurred, then closes the
 * request (answered, refused with a reason, withdrawn). Every frame shown,
 * export and change is audited by the server.
 */
import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Loader, Modal, Paper, Select, SimpleGrid, Slider, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import {
  accessFrameUrl,
  evidenceDownloadUrl,
  useAccessFrame,
  useAccessRequests,
  useCloseAccessRequest,
  useCreateAccessRequest,
  useExportAccessRequest,
  type AccessRequest,
  type AccessRequestStatus,
} from '../api/access-requests.js';
import { useCameras } from '../api/queries.js';
import { fromLocalInput, toLocalInput } from '../api/recording.js';
import { ErrorBox, Loading, RequestError, toast } from '../components/common.js';
import { useI18n } from '../i18n.js';
import { href, navigate } from '../router.js';

const STATUS_COLOR: Record<AccessRequestStatus, string> = { open: 'blue', answered: 'green', refused: 'gray', withdrawn: 'gray' };
/** The server refuses longer ranges (anonymising takes long). */
const MAX_RANGE_MS = 3_600_000;

function StatusBadge({ item }: { item: AccessRequest }) {
  const { t } = useI18n();
  return (
    <Group gap={4} wrap="nowrap">
      <Badge color={STATUS_COLOR[item.status]} variant={item.status === 'open' ? 'filled' : 'outline'} size="lg" radius="sm" data-testid="access-status">
        {t(`access.status.${item.status}`)}
      </Badge>
      {item.overdue && (
        <Badge color="red" variant="filled" size="lg" radius="sm" data-testid="access-overdue">
          {t('access.overdue')}
        </Badge>
      )}
    </Group>
  );
}

export function AccessRequests({ id }: { id?: string | undefined }) {
  const { t, dateTime } = useI18n();
  const requests = useAccessRequests();
  const cameras = useCameras();
  const [creating, setCreating] = useState(false);
  const camName = (cam: string) => cameras.data?.cameras.find((c) => c.camera.id === cam)?.camera.name || cam;

  if (requests.isPending) return <Loading />;
  if (requests.isError) return <ErrorBox error={requests.error} onRetry={() => void requests.refetch()} />;
  const items = requests.data.items;
  const selected = id ? items.find((r) => r.id === id) : undefined;
  if (id) {
    return selected ? (
      <RequestPage key={selected.id} item={selected} cameraName={camName(selected.camera)} />
    ) : (
      <Alert color="orange" title={t('access.notFound')}>
        <Anchor href={href({ name: 'accessRequests' })}>{t('access.back')}</Anchor>
      </Alert>
    );
  }

  return (
    <Stack gap="md" data-testid="access-screen">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('access.title')}
        </Title>
        <Button size="md" onClick={() => setCreating(true)} data-testid="access-new">
          {t('access.new')}
        </Button>
      </Group>
      <Alert color="blue" variant="light" title={t('access.explain.title')}>
        {t('access.explain.body')}
      </Alert>
      {items.length === 0 ? (
        <Text c="dimmed" data-testid="access-empty">
          {t('access.empty')}
        </Text>
      ) : (
        <Table striped highlightOnHover withTableBorder verticalSpacing="sm" data-testid="access-table">
          <Table.Caption>{t('access.caption')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('access.col.status')}</Table.Th>
              <Table.Th>{t('access.col.ref')}</Table.Th>
              <Table.Th>{t('access.col.footage')}</Table.Th>
              <Table.Th>{t('access.col.received')}</Table.Th>
              <Table.Th>{t('access.col.due')}</Table.Th>
              <Table.Th>{t('access.col.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((r) => (
              <Table.Tr key={r.id} data-testid="access-row" data-request-id={r.id} data-overdue={r.overdue}>
                <Table.Td>
                  <StatusBadge item={r} />
                </Table.Td>
                <Table.Td>
                  <Text fw={700}>{r.requesterRef}</Text>
                </Table.Td>
                <Table.Td>
                  {camName(r.camera)}
                  <Text size="sm" c="dimmed">
                    {dateTime(r.from)} → {dateTime(r.to)}
                  </Text>
                </Table.Td>
                <Table.Td>{dateTime(r.receivedAt)}</Table.Td>
                <Table.Td>
                  <Text c={r.overdue ? 'red' : undefined} fw={r.overdue ? 700 : undefined} data-testid="access-due">
                    {r.status === 'open' ? dateTime(r.dueAt) : t('access.closedOn', { time: dateTime(r.answeredAt) })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Button component="a" href={href({ name: 'accessRequests', id: r.id })} size="xs" variant="default" aria-label={t('access.openFor', { ref: r.requesterRef })} data-testid="access-open">
                    {t('access.open')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('access.new')} size="lg">
        {creating && <RequestForm cameraOptions={(cameras.data?.cameras ?? []).map((c) => ({ value: c.camera.id, label: c.camera.name || c.camera.id }))} onDone={() => setCreating(false)} />}
      </Modal>
    </Stack>
  );
}

function RequestForm({ cameraOptions, onDone }: { cameraOptions: { value: string; label: string }[]; onDone: () => void }) {
  const { t } = useI18n();
  const create = useCreateAccessRequest();
  const [receivedAt, setReceivedAt] = useState(() => toLocalInput(Date.now()));
  const [requesterRef, setRequesterRef] = useState('');
  const [contact, setContact] = useState('');
  const [camera, setCamera] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [description, setDescription] = useState('');
  const [tried, setTried] = useState(false);

  const receivedIso = fromLocalInput(receivedAt);
  const fromIso = fromLocalInput(from);
  const toIso = fromLocalInput(to);
  const span = fromIso && toIso ? Date.parse(toIso) - Date.parse(fromIso) : NaN;
  const errors = {
    received: receivedIso ? null : t('access.error.received'),
    ref: requesterRef.trim() ? null : t('access.error.ref'),
    camera: camera ? null : t('access.error.camera'),
    range: !fromIso || !toIso ? t('access.error.range') : !(span > 0) ? t('access.error.order') : span > MAX_RANGE_MS ? t('access.error.long') : null,
    description: description.trim() ? null : t('access.error.description'),
  };
  const valid = Object.values(errors).every((e) => e === null);
  const show = (e: string | null) => (tried ? e : null);

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (!valid || !receivedIso || !camera || !fromIso || !toIso) return;
        create.mutate(
          { receivedAt: receivedIso, requesterRef: requesterRef.trim(), camera, from: fromIso, to: toIso, description: description.trim(), ...(contact.trim() ? { contact: contact.trim() } : {}) },
          {
            onSuccess: ({ item }) => {
              toast(t('access.created', { ref: item.requesterRef }), 'green');
              onDone();
              navigate({ name: 'accessRequests', id: item.id });
            },
          },
        );
      }}
      data-testid="access-form"
    >
      <Stack gap="sm">
        <Text size="sm">{t('access.formHelp')}</Text>
        <TextInput type="datetime-local" label={t('access.received')} description={t('access.receivedHelp')} value={receivedAt} onChange={(e) => setReceivedAt(e.currentTarget.value)} required error={show(errors.received)} data-testid="access-received" />
        <TextInput label={t('access.ref')} description={t('access.refHelp')} value={requesterRef} onChange={(e) => setRequesterRef(e.currentTarget.value)} required maxLength={100} error={show(errors.ref)} data-autofocus data-testid="access-ref" />
        <TextInput label={t('access.contact')} description={t('access.contactHelp')} value={contact} onChange={(e) => setContact(e.currentTarget.value)} maxLength={500} data-testid="access-contact" />
        <Select label={t('access.camera')} data={cameraOptions} value={camera} onChange={setCamera} required searchable error={show(errors.camera)} data-testid="access-camera" />
        <Group grow align="flex-start">
          <TextInput type="datetime-local" label={t('access.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} required data-testid="access-from" />
          <TextInput type="datetime-local" label={t('access.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} required error={show(errors.range)} data-testid="access-to" />
        </Group>
        <Textarea label={t('access.description')} description={t('access.descriptionHelp')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} required autosize minRows={2} maxLength={2000} error={show(errors.description)} data-testid="access-description" />
        {create.isError && <RequestError error={create.error} testid="access-error" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="access-submit">
            {t('access.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RequestPage({ item, cameraName }: { item: AccessRequest; cameraName: string }) {
  const { t, dateTime } = useI18n();
  const [closing, setClosing] = useState<'answered' | 'refused' | 'withdrawn' | null>(null);
  return (
    <Stack gap="md" data-testid="access-page" data-request-id={item.id}>
      <Anchor href={href({ name: 'accessRequests' })} data-testid="access-back">
        ← {t('access.back')}
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Title order={1} size="h2">
          {t('access.pageTitle', { ref: item.requesterRef })}
        </Title>
        <StatusBadge item={item} />
      </Group>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          <Text size="sm">
            <strong>{t('access.camera')} :</strong> {cameraName}
          </Text>
          <Text size="sm">
            <strong>{t('access.col.footage')} :</strong> {dateTime(item.from)} → {dateTime(item.to)}
          </Text>
          <Text size="sm">
            <strong>{t('access.received')} :</strong> {dateTime(item.receivedAt)}
          </Text>
          <Text size="sm" c={item.overdue ? 'red' : undefined} fw={item.overdue ? 700 : undefined}>
            <strong>{t('access.col.due')} :</strong> {dateTime(item.dueAt)}
          </Text>
          {item.contact && (
            <Text size="sm">
              <strong>{t('access.contact')} :</strong> {item.contact}
            </Text>
          )}
        </SimpleGrid>
        <Text size="sm" mt="xs" style={{ whiteSpace: 'pre-wrap' }}>
          <strong>{t('access.description')} :</strong> {item.description}
        </Text>
        {item.answeredAt && (
          <Text size="sm" mt="xs" c="dimmed" data-testid="access-answer">
            {t('access.closedOn', { time: dateTime(item.answeredAt) })}
            {item.answerNote ? ` — ${item.answerNote}` : ''}
          </Text>
        )}
        {item.exportId && (
          <Button component="a" href={evidenceDownloadUrl(item.exportId)} download mt="sm" variant="light" data-testid="access-download">
            {t('access.download')}
          </Button>
        )}
      </Paper>
      {item.status === 'open' && (
        <>
          <Picker item={item} />
          <Group>
            <Button color="green" onClick={() => setClosing('answered')} data-testid="access-answer-open">
              {t('access.answer')}
            </Button>
            <Button color="red" variant="outline" onClick={() => setClosing('refused')} data-testid="access-refuse-open">
              {t('access.refuse')}
            </Button>
            <Button variant="default" onClick={() => setClosing('withdrawn')} data-testid="access-withdraw-open">
              {t('access.withdraw')}
            </Button>
          </Group>
        </>
      )}
      <Modal opened={closing !== null} onClose={() => setClosing(null)} title={closing ? t(`access.close.${closing}`) : ''} size="md">
        {closing && <CloseForm item={item} status={closing} onDone={() => setClosing(null)} />}
      </Modal>
    </Stack>
  );
}

/** The slider over the range, the blurred numbered frame, the pick and the export. */
function Picker({ item }: { item: AccessRequest }) {
  const { t, time, dateTime } = useI18n();
  const fromMs = Date.parse(item.from);
  const spanS = Math.max(1, Math.floor((Date.parse(item.to) - fromMs) / 1000) - 1);
  const [offset, setOffset] = useState(0);
  // The frame is fetched when the slider is released: each view runs the detector and is audited.
  const [shownAt, setShownAt] = useState<string | null>(null);
  const [subject, setSubject] = useState<{ at: string; box: number } | null>(null);
  const frame = useAccessFrame(item.id, shownAt);
  const view = frame.data ?? null;
  const isPicked = (box: number) => view !== null && subject?.at === view.at && subject.box === box;
  const exporter = useExportAccessRequest();
  const atOf = (s: number) => new Date(fromMs + s * 1000).toISOString();

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="access-picker-title">
      <Title order={2} size="h4" id="access-picker-title" mb="xs">
        {t('access.picker.title')}
      </Title>
      <Text size="sm" mb="sm">
        {t('access.picker.help')}
      </Text>
      <Group align="flex-end" gap="md" wrap="nowrap">
        <Stack gap={4} style={{ flex: 1 }}>
          <Text size="sm" id="access-slider-label">
            {t('access.picker.at', { time: time(atOf(offset)) })}
          </Text>
          <Slider
            min={0}
            max={spanS}
            step={1}
            value={offset}
            onChange={setOffset}
            onChangeEnd={(s) => setShownAt(atOf(s))}
            label={(s) => time(atOf(s))}
            aria-labelledby="access-slider-label"
            data-testid="access-slider"
          />
        </Stack>
        <Button variant="default" onClick={() => setShownAt(atOf(offset))} data-testid="access-show">
          {t('access.picker.show')}
        </Button>
      </Group>
      {shownAt && (
        <Stack gap="xs" mt="md">
          <div style={{ position: 'relative', width: '100%', maxWidth: 960 }}>
            <img src={accessFrameUrl(item.id, shownAt)} alt={t('access.picker.alt', { time: dateTime(shownAt) })} style={{ width: '100%', display: 'block' }} data-testid="access-frame" />
            {view?.boxes.map((b) => (
              <button
                key={b.number}
                type="button"
                onClick={() => setSubject({ at: view.at, box: b.number })}
                aria-label={t('access.picker.pick', { n: b.number })}
                aria-pressed={isPicked(b.number)}
                className="vigie-access-box"
                style={{
                  position: 'absolute',
                  left: `${b.box[0] * 100}%`,
                  top: `${b.box[1] * 100}%`,
                  width: `${(b.box[2] - b.box[0]) * 100}%`,
                  height: `${(b.box[3] - b.box[1]) * 100}%`,
                  background: 'transparent',
                  border: isPicked(b.number) ? '3px solid #fab005' : 'none',
                  cursor: 'pointer',
                }}
                data-testid="access-box"
              />
            ))}
          </div>
          {frame.isError ? (
            <RequestError error={frame.error} testid="access-frame-error" />
          ) : view === null ? (
            <Group gap="xs">
              <Loader size="xs" />
              <Text size="sm">{t('access.picker.loading')}</Text>
            </Group>
          ) : (
            <Group gap="xs">
              <Text size="sm">{view.boxes.length === 0 ? t('access.picker.nobody') : t('access.picker.count', { n: view.boxes.length })}</Text>
              {view.boxes.map((b) => (
                <Button key={b.number} size="xs" variant={isPicked(b.number) ? 'filled' : 'default'} onClick={() => setSubject({ at: view.at, box: b.number })} data-testid="access-pick">
                  {b.number}
                </Button>
              ))}
            </Group>
          )}
        </Stack>
      )}
      <Text size="sm" mt="md" fw={600} role="status" data-testid="access-subject">
        {subject ? t('access.picker.picked', { n: subject.box, time: time(subject.at) }) : t('access.picker.none')}
      </Text>
      <Group mt="sm">
        <Button
          size="md"
          onClick={() => exporter.mutate({ id: item.id, subject }, { onSuccess: () => toast(t('access.exported'), 'green') })}
          loading={exporter.isPending}
          data-testid="access-export"
        >
          {t('access.export')}
        </Button>
        {exporter.isPending && (
          <Text size="sm" c="dimmed" role="status">
            {t('access.exporting')}
          </Text>
        )}
        {exporter.data && (
          <Anchor href={exporter.data.export.download} download={exporter.data.export.file} data-testid="access-export-download">
            {t('access.downloadFile', { file: exporter.data.export.file })}
          </Anchor>
        )}
      </Group>
      {exporter.isError && <RequestError error={exporter.error} testid="access-export-error" />}
    </Paper>
  );
}

function CloseForm({ item, status, onDone }: { item: AccessRequest; status: 'answered' | 'refused' | 'withdrawn'; onDone: () => void }) {
  const { t } = useI18n();
  const close = useCloseAccessRequest();
  const [note, setNote] = useState('');
  const [tried, setTried] = useState(false);
  const noteError = status === 'refused' && !note.trim() ? t('access.error.refuseNote') : null;
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (noteError) return;
        close.mutate({ id: item.id, status, note: note.trim() || null }, { onSuccess: onDone });
      }}
      data-testid="access-close-form"
    >
      <Stack gap="sm">
        {status === 'answered' && !item.exportId && (
          <Alert color="orange" variant="light">
            {t('access.close.noExport')}
          </Alert>
        )}
        <Textarea
          label={t(status === 'refused' ? 'access.close.reason' : 'access.close.note')}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          required={status === 'refused'}
          autosize
          minRows={2}
          maxLength={2000}
          error={tried ? noteError : null}
          data-autofocus
          data-testid="access-close-note"
        />
        {close.isError && <RequestError error={close.error} testid="access-close-error" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" color={status === 'refused' ? 'red' : undefined} loading={close.isPending} data-testid="access-close-confirm">
            {t(`access.close.${status}`)}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
