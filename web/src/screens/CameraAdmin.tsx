/**
 * Supervisor screen (`cameras.write`): list the cameras with their health, add,
 * edit and delete them (POST / PUT / DELETE /api/cameras). Zones, lines, masks
 * and rules are edited in the zone editor; an edit here sends them back as the
 * server gave them. Sources come back with credentials hidden (user:***@host):
 * sent back unchanged, the server keeps the real ones.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert, Badge, Button, Group, Modal, NativeSelect, NumberInput, Paper, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { isApiError } from '../api/client.js';
import { useCameras, useCreateCamera, useDeleteCamera, useUpdateCamera } from '../api/queries.js';
import { BACKEND_LIST, type CameraConfig, type CameraEntry, type CameraHealth, type CameraInput, type DetectBackend, type DetectConfig } from '../api/types.js';
import { useI18n, type TKey } from '../i18n.js';
import { href } from '../router.js';
import { useSession } from '../session.js';
import { ErrorBox, Loading, StateBadge, toast } from '../components/common.js';

const ID_RE = /^[a-z0-9][a-z0-9-]*$/;
const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i;
/** detectSchema's defaults (src/config/schema.ts, docs/CONFIG.md). */
const DETECT_DEFAULTS: DetectConfig = { fps: 5, width: 640, backend: 'model', min_score: 0.4, motion_gating: true, input_size: 512, region_crops: true };
const INPUT_SIZES = [512, 416, 320] as const;

type Field = 'id' | 'name' | 'source' | 'loop' | 'fps' | 'width' | 'backend' | 'min_score' | 'motion_gating' | 'input_size' | 'region_crops';

interface FormState {
  id: string;
  name: string;
  source: string;
  enabled: boolean;
  loop: boolean;
  fps: number | string;
  width: number | string;
  backend: DetectBackend;
  min_score: number | string;
  motion_gating: boolean;
  input_size: DetectConfig['input_size'];
  region_crops: boolean;
}

function formOf(camera: CameraConfig | null): FormState {
  const d = camera?.detect ?? DETECT_DEFAULTS;
  return {
    id: camera?.id ?? '',
    name: camera?.name ?? '',
    source: camera?.source ?? '',
    enabled: camera?.enabled ?? true,
    loop: camera?.loop ?? false,
    fps: d.fps,
    width: d.width,
    backend: d.backend,
    min_score: d.min_score,
    motion_gating: d.motion_gating,
    input_size: d.input_size,
    region_crops: d.region_crops,
  };
}

const num = (v: number | string): number => (typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v.replace(',', '.')));

/** Client-side checks mirroring cameraSchema; the server stays the judge. */
function validate(f: FormState, creating: boolean, taken: Set<string>): Partial<Record<Field, TKey>> {
  const e: Partial<Record<Field, TKey>> = {};
  if (creating) {
    if (!ID_RE.test(f.id)) e.id = 'cameraAdmin.error.id';
    else if (taken.has(f.id)) e.id = 'cameraAdmin.error.idTaken';
  }
  if (!f.source.trim()) e.source = 'cameraAdmin.error.source';
  if (f.loop && URL_RE.test(f.source.trim())) e.loop = 'cameraAdmin.error.loop';
  const fps = num(f.fps);
  if (!(fps > 0 && fps <= 30)) e.fps = 'cameraAdmin.error.fps';
  const width = num(f.width);
  if (!(Number.isInteger(width) && width >= 64 && width <= 3840)) e.width = 'cameraAdmin.error.width';
  const score = num(f.min_score);
  if (!(score >= 0 && score <= 1)) e.min_score = 'cameraAdmin.error.minScore';
  return e;
}

/** The form field a server message names, e.g. "body.config.cameras[1].detect.fps: ..." → fps. */
function fieldOf(message: string): Field | null {
  const m = /(?:cameras\[\d+\]|camera)\.([a-z_]+)(?:\.([a-z_]+))?\s*:/.exec(message);
  if (!m) return null;
  const f = m[1] === 'detect' ? m[2] : m[1];
  const known: Field[] = ['id', 'name', 'source', 'loop', 'fps', 'width', 'backend', 'min_score', 'motion_gating', 'input_size', 'region_crops'];
  return known.includes(f as Field) ? (f as Field) : null;
}

type Panel = { mode: 'add' } | { mode: 'edit'; camera: CameraConfig } | null;

export function CameraAdmin() {
  const { t } = useI18n();
  const { can } = useSession();
  const q = useCameras();
  const [panel, setPanel] = useState<Panel>(null);
  const [toDelete, setToDelete] = useState<CameraConfig | null>(null);
  const del = useDeleteCamera();

  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  const cams = q.data.cameras;
  const taken = new Set(cams.map((c) => c.camera.id));

  const confirmDelete = () => {
    if (!toDelete) return;
    const camera = toDelete;
    del.mutate(camera.id, {
      onSuccess: ({ version }) => {
        toast(t('cameraAdmin.deleted', { camera: camera.name ?? camera.id, version }), 'green');
        setToDelete(null);
        if (panel?.mode === 'edit' && panel.camera.id === camera.id) setPanel(null);
      },
    });
  };

  return (
    <Stack gap="md" data-testid="camera-admin">
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">
          {t('cameraAdmin.title')}
        </Title>
        <Button onClick={() => setPanel({ mode: 'add' })} disabled={panel?.mode === 'add'} data-testid="camera-add">
          {t('cameraAdmin.add')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('cameraAdmin.intro')}
      </Text>
      <Group align="flex-start" wrap="nowrap" gap="md">
        <Paper withBorder style={{ flex: 1, minWidth: 0 }}>
          {cams.length === 0 ? (
            <Text c="dimmed" p="md">
              {t('cameras.empty')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={820}>
              <Table verticalSpacing="xs" fz="md" data-testid="camera-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('cameraAdmin.col.name')}</Table.Th>
                    <Table.Th>{t('cameraAdmin.col.source')}</Table.Th>
                    <Table.Th>{t('cameraAdmin.col.enabled')}</Table.Th>
                    <Table.Th>{t('cameraAdmin.col.analysis')}</Table.Th>
                    <Table.Th>{t('cameraAdmin.col.state')}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {cams.map((entry) => (
                    <CameraRow
                      key={entry.camera.id}
                      entry={entry}
                      selected={panel?.mode === 'edit' && panel.camera.id === entry.camera.id}
                      canZones={can('config.write')}
                      onEdit={() => setPanel({ mode: 'edit', camera: entry.camera })}
                      onDelete={() => {
                        del.reset();
                        setToDelete(entry.camera);
                      }}
                    />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
        {panel && (
          <CameraForm
            // A fresh form for each camera (and for "add"), so no half-typed value leaks from one to the other.
            key={panel.mode === 'edit' ? `edit:${panel.camera.id}` : 'add'}
            camera={panel.mode === 'edit' ? panel.camera : null}
            taken={taken}
            onDone={(camera) => {
              setPanel(null);
              if (camera) toast(camera, 'green');
            }}
          />
        )}
      </Group>
      <Modal opened={toDelete !== null} onClose={() => setToDelete(null)} title={t('cameraAdmin.delete.title', { camera: toDelete?.name ?? toDelete?.id ?? '' })}>
        <Stack>
          <Text>{t('cameraAdmin.delete.body', { id: toDelete?.id ?? '' })}</Text>
          {del.isError && (
            <Text c="red.4" role="alert" size="sm" data-testid="camera-delete-error">
              {t('cameraAdmin.failed', { message: del.error.message })}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setToDelete(null)}>
              {t('common.cancel')}
            </Button>
            <Button color="red" onClick={confirmDelete} loading={del.isPending} data-testid="camera-delete-confirm">
              {t('cameraAdmin.delete.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function CameraRow({ entry, selected, canZones, onEdit, onDelete }: { entry: CameraEntry; selected: boolean; canZones: boolean; onEdit: () => void; onDelete: () => void }) {
  const { t } = useI18n();
  const { camera } = entry;
  // The server answers health null for a camera it has not started yet (just added).
  const health: CameraHealth | null = entry.health;
  const name = camera.name ?? camera.id;
  return (
    <Table.Tr data-testid="camera-row" data-camera-id={camera.id} data-enabled={camera.enabled} bg={selected ? 'var(--mantine-color-dark-5)' : undefined}>
      <Table.Td>
        <Text fw={600}>{name}</Text>
        <Text size="sm" c="dimmed" ff="monospace" data-testid="camera-row-id">
          {camera.id}
        </Text>
      </Table.Td>
      <Table.Td style={{ maxWidth: 280 }}>
        <Text size="sm" ff="monospace" truncate="end" title={camera.source} data-testid="camera-row-source">
          {camera.source}
        </Text>
        {camera.loop && (
          <Text size="xs" c="dimmed">
            {t('cameraAdmin.looped')}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Badge color={camera.enabled ? 'green' : 'gray'} variant="light">
          {camera.enabled ? t('cameraAdmin.enabled.yes') : t('cameraAdmin.enabled.no')}
        </Badge>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="camera-row-detect">
        <Text size="sm">{t('cameraAdmin.analysis', { fps: camera.detect.fps, width: camera.detect.width })}</Text>
        <Text size="xs" c="dimmed">
          {t(`cameraAdmin.backend.${camera.detect.backend}`)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Stack gap={2} align="flex-start">
          <StateBadge state={health?.state ?? 'starting'} />
          {health?.lastError && health.state !== 'running' && (
            <Text size="xs" c="red.4" lineClamp={2} title={health.lastError} maw={220}>
              {health.lastError}
            </Text>
          )}
        </Stack>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap" justify="flex-end">
          {canZones && (
            <Button size="xs" variant="subtle" component="a" href={href({ name: 'setup', camera: camera.id })}>
              {t('cameraAdmin.zones')}
            </Button>
          )}
          <Button size="xs" variant="default" onClick={onEdit} aria-label={t('cameraAdmin.editOf', { camera: name })} data-testid="camera-edit">
            {t('cameraAdmin.edit')}
          </Button>
          <Button size="xs" variant="light" color="red" onClick={onDelete} aria-label={t('cameraAdmin.deleteOf', { camera: name })} data-testid="camera-delete">
            {t('cameraAdmin.delete')}
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** Add (camera null) or edit form; `onDone` gets the toast text after a save, null on cancel. */
function CameraForm({ camera, taken, onDone }: { camera: CameraConfig | null; taken: Set<string>; onDone: (saved: string | null) => void }) {
  const { t } = useI18n();
  const creating = camera === null;
  const [f, setF] = useState<FormState>(() => formOf(camera));
  const [touched, setTouched] = useState(false);
  const [serverError, setServerError] = useState<{ message: string; field: Field | null } | null>(null);
  const create = useCreateCamera();
  const update = useUpdateCamera();
  const pending = create.isPending || update.isPending;

  const errors = touched ? validate(f, creating, taken) : {};
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => {
    setF((old) => ({ ...old, [k]: v }));
    setServerError(null);
  };
  const fieldError = (k: Field): ReactNode => {
    const e = errors[k];
    if (e) return t(e);
    return serverError?.field === k ? true : undefined;
  };

  const onError = (err: Error) => {
    if (isApiError(err, 409)) setServerError({ message: t('cameraAdmin.error.conflict', { id: f.id }), field: 'id' });
    else setServerError({ message: t('cameraAdmin.failed', { message: err.message }), field: fieldOf(err.message) });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(validate(f, creating, taken)).length > 0) return;
    const detect: DetectConfig = {
      fps: num(f.fps), width: num(f.width), backend: f.backend, min_score: num(f.min_score), motion_gating: f.motion_gating,
      input_size: f.input_size, region_crops: f.region_crops,
    };
    const name = f.name.trim();
    const fields = { source: f.source.trim(), enabled: f.enabled, loop: f.loop, detect };
    if (creating) {
      const body: CameraInput = { id: f.id, ...(name ? { name } : {}), ...fields };
      create.mutate(body, {
        onSuccess: ({ version }) => onDone(t('cameraAdmin.added', { camera: name || f.id, version })),
        onError,
      });
    } else {
      // The whole camera as the server gave it (zones, rules, masked source...), with the edited settings.
      const body: CameraConfig = { ...camera, ...fields };
      if (name) body.name = name;
      else delete body.name;
      update.mutate(body, {
        onSuccess: ({ version }) => onDone(t('cameraAdmin.updated', { camera: name || camera.id, version })),
        onError,
      });
    }
  };

  const isUrl = URL_RE.test(f.source.trim());
  return (
    <Paper withBorder p="md" w={400} style={{ flexShrink: 0 }}>
      <form onSubmit={submit} noValidate data-testid="camera-form" data-mode={creating ? 'add' : 'edit'}>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {creating ? t('cameraAdmin.add') : t('cameraAdmin.editTitle', { camera: camera.name ?? camera.id })}
          </Title>
          <TextInput
            label={t('cameraAdmin.field.id')}
            description={creating ? t('cameraAdmin.help.id') : t('cameraAdmin.help.idFixed')}
            value={f.id}
            onChange={(e) => set('id', e.currentTarget.value.trim())}
            disabled={!creating}
            required
            autoComplete="off"
            error={fieldError('id')}
            data-autofocus
            data-testid="camera-form-id"
          />
          <TextInput
            label={t('cameraAdmin.field.name')}
            description={t('cameraAdmin.help.name')}
            value={f.name}
            onChange={(e) => set('name', e.currentTarget.value)}
            autoComplete="off"
            error={fieldError('name')}
            data-testid="camera-form-name"
          />
          <TextInput
            label={t('cameraAdmin.field.source')}
            description={creating ? t('cameraAdmin.help.source') : t('cameraAdmin.help.sourceEdit')}
            placeholder="rtsp://user:password@192.0.2.10:554/stream1"
            value={f.source}
            onChange={(e) => set('source', e.currentTarget.value)}
            required
            autoComplete="off"
            spellCheck={false}
            error={fieldError('source')}
            data-testid="camera-form-source"
          />
          <Switch
            label={t('cameraAdmin.field.enabled')}
            description={t('cameraAdmin.help.enabled')}
            checked={f.enabled}
            onChange={(e) => set('enabled', e.currentTarget.checked)}
            data-testid="camera-form-enabled"
          />
          <Switch
            label={t('cameraAdmin.field.loop')}
            description={t('cameraAdmin.help.loop')}
            checked={f.loop}
            onChange={(e) => set('loop', e.currentTarget.checked)}
            disabled={isUrl && !f.loop}
            error={fieldError('loop')}
            data-testid="camera-form-loop"
          />
          <Title order={3} size="h5" mt="xs">
            {t('cameraAdmin.detect')}
          </Title>
          <NumberInput
            label={t('cameraAdmin.field.fps')}
            description={t('cameraAdmin.help.fps')}
            value={f.fps}
            onChange={(v) => set('fps', v)}
            min={0.01}
            max={30}
            step={1}
            decimalScale={2}
            suffix={` ${t('cameraAdmin.unit.fps')}`}
            error={fieldError('fps')}
            data-testid="camera-form-fps"
          />
          <NumberInput
            label={t('cameraAdmin.field.width')}
            description={t('cameraAdmin.help.width')}
            value={f.width}
            onChange={(v) => set('width', v)}
            min={64}
            max={3840}
            step={32}
            allowDecimal={false}
            suffix=" px"
            error={fieldError('width')}
            data-testid="camera-form-width"
          />
          <NativeSelect
            label={t('cameraAdmin.field.backend')}
            description={t('cameraAdmin.help.backend')}
            data={BACKEND_LIST.map((b) => ({ value: b, label: t(`cameraAdmin.backend.${b}`) }))}
            value={f.backend}
            onChange={(e) => set('backend', e.currentTarget.value as DetectBackend)}
            error={fieldError('backend')}
            data-testid="camera-form-backend"
          />
          <NumberInput
            label={t('cameraAdmin.field.minScore')}
            description={t('cameraAdmin.help.minScore')}
            value={f.min_score}
            onChange={(v) => set('min_score', v)}
            min={0}
            max={1}
            step={0.05}
            decimalScale={2}
            error={fieldError('min_score')}
            data-testid="camera-form-min-score"
          />
          <Switch
            label={t('cameraAdmin.field.motionGating')}
            description={t('cameraAdmin.help.motionGating')}
            checked={f.motion_gating}
            onChange={(e) => set('motion_gating', e.currentTarget.checked)}
            error={fieldError('motion_gating')}
            data-testid="camera-form-motion-gating"
          />
          <NativeSelect
            label={t('cameraAdmin.field.inputSize')}
            description={t('cameraAdmin.help.inputSize')}
            data={INPUT_SIZES.map((s) => ({ value: String(s), label: `${s} px` }))}
            value={String(f.input_size)}
            onChange={(e) => set('input_size', Number(e.currentTarget.value) as DetectConfig['input_size'])}
            error={fieldError('input_size')}
            data-testid="camera-form-input-size"
          />
          <Switch
            label={t('cameraAdmin.field.regionCrops')}
            description={t('cameraAdmin.help.regionCrops')}
            checked={f.region_crops}
            onChange={(e) => set('region_crops', e.currentTarget.checked)}
            error={fieldError('region_crops')}
            data-testid="camera-form-region-crops"
          />
          {serverError && (
            <Alert color="red" variant="light" role="alert" data-testid="camera-form-error">
              {serverError.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onDone(null)} disabled={pending} data-testid="camera-form-cancel">
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={pending} data-testid="camera-form-submit">
              {creating ? t('cameraAdmin.submit.add') : t('cameraAdmin.submit.edit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
