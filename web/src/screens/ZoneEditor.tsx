/**
 * Supervisor screen: draw zones, lines and privacy masks on a camera snapshot
 * (normalised coordinates, origin top-left), attach rules, and save the whole
 * configuration as a new version (PUT /api/config), leaving every other camera
 * and field exactly as the server gave it.
 */
import { useCallback, useEffect, useMemo, useState, type MouseEvent as ReactMouseEvent, type ReactNode } from 'react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { api, isApiError } from '../api/client.js';
import { useCameras, useConfig, useSaveConfig } from '../api/queries.js';
import type { CameraConfig, ConfigResponse, LineConfig, RuleConfig, VigieConfig, ZoneConfig } from '../api/types.js';
import { useI18n, type T, type TKey } from '../i18n.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import { useShortcuts } from '../components/actions.js';
import { ErrorBox, Loading, SEVERITY_COLOR, toast } from '../components/common.js';
import { LegalBadge } from '../legal-basis.js';
import { RuleForm, ruleRefs, scheduleSummary, targetSummary } from './RuleForm.js';

type Pt = [number, number];
type Tool = 'none' | 'zone' | 'line' | 'mask';
interface Draft {
  masks: Pt[][];
  zones: ZoneConfig[];
  lines: LineConfig[];
  rules: RuleConfig[];
}

const ID_RE = /^[a-z0-9][a-z0-9-]*$/;
const DIRECTIONS: { key: string; label: TKey; v: Pt | null }[] = [
  { key: 'none', label: 'setup.direction.none', v: null },
  { key: 'down', label: 'setup.direction.down', v: [0, 1] },
  { key: 'up', label: 'setup.direction.up', v: [0, -1] },
  { key: 'right', label: 'setup.direction.right', v: [1, 0] },
  { key: 'left', label: 'setup.direction.left', v: [-1, 0] },
];

const round = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 10_000) / 10_000;

function draftOf(cam: CameraConfig | undefined): Draft {
  // Copies, so editing never mutates the cached server configuration.
  return {
    masks: (cam?.masks ?? []).map((m) => m.map((p) => [p[0], p[1]] as Pt)),
    zones: (cam?.zones ?? []).map((z) => ({ ...z })),
    lines: (cam?.lines ?? []).map((l) => ({ ...l })),
    rules: (cam?.rules ?? []).map((r) => ({ ...r })),
  };
}

function directionKey(v: readonly number[] | undefined): string {
  if (!v) return 'none';
  const found = DIRECTIONS.find((d) => d.v && Math.abs(d.v[0] - (v[0] ?? 0)) < 1e-9 && Math.abs(d.v[1] - (v[1] ?? 0)) < 1e-9);
  return found?.key ?? `custom:${v.join(',')}`;
}

function centroid(pts: readonly (readonly number[])[]): Pt {
  const n = Math.max(1, pts.length);
  return [pts.reduce((s, p) => s + (p[0] ?? 0), 0) / n, pts.reduce((s, p) => s + (p[1] ?? 0), 0) / n];
}

function pct(p: readonly number[]) {
  return { left: `${(p[0] ?? 0) * 100}%`, top: `${(p[1] ?? 0) * 100}%` };
}

export function ZoneEditor({ cameraParam }: { cameraParam?: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const canMasks = can('masks.write');
  const cfg = useConfig();
  const cams = useCameras();
  const save = useSaveConfig();
  const cameraIds = useMemo(() => (cfg.data?.config.cameras ?? []).map((c) => c.id), [cfg.data]);
  const cameraId = cameraParam && cameraIds.includes(cameraParam) ? cameraParam : cameraIds[0];
  const camera = cfg.data?.config.cameras.find((c) => c.id === cameraId);

  const [base, setBase] = useState<{ camera: string; version: number } | null>(null);
  const [draft, setDraft] = useState<Draft>(() => draftOf(undefined));
  const [dirty, setDirty] = useState(false);
  const [tool, setTool] = useState<Tool>('none');
  const [points, setPoints] = useState<Pt[]>([]);
  const [pending, setPending] = useState<{ kind: 'zone' | 'line'; points: Pt[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The server's validation problems, one per line, rules named by id.
  const [problems, setProblems] = useState<string[]>([]);
  const [conflict, setConflict] = useState<number | null>(null);
  const [comment, setComment] = useState('');

  // (Re)load the draft when the camera changes or a new version arrives and nothing is being edited.
  useEffect(() => {
    if (!cfg.data || !cameraId) return;
    if (base && base.camera === cameraId && (base.version === cfg.data.version || dirty)) return;
    setBase({ camera: cameraId, version: cfg.data.version });
    setDraft(draftOf(camera));
    setDirty(false);
    setPoints([]);
    setPending(null);
    setError(null);
    setConflict(null);
  }, [cfg.data, cameraId, camera, base, dirty]);

  const edit = useCallback((f: (d: Draft) => Draft) => {
    setDraft((d) => f(d));
    setDirty(true);
    setError(null);
    setProblems([]);
  }, []);

  const finishShape = useCallback(() => {
    if (tool === 'zone' && points.length >= 3) {
      setPending({ kind: 'zone', points });
      setPoints([]);
    } else if (tool === 'mask' && points.length >= 3) {
      edit((d) => ({ ...d, masks: [...d.masks, points] }));
      setPoints([]);
    }
  }, [tool, points, edit]);

  const onCanvasClick = (e: ReactMouseEvent<HTMLDivElement>) => {
    if (tool === 'none' || pending) return;
    const r = e.currentTarget.getBoundingClientRect();
    const p: Pt = [round((e.clientX - r.left) / r.width), round((e.clientY - r.top) / r.height)];
    if (tool === 'line') {
      const next = [...points, p];
      if (next.length === 2) {
        setPending({ kind: 'line', points: next });
        setPoints([]);
      } else setPoints(next);
      return;
    }
    setPoints([...points, p]);
  };

  useShortcuts(
    {
      Enter: finishShape,
      Escape: () => {
        setPoints([]);
        setPending(null);
      },
      Backspace: () => setPoints((p) => p.slice(0, -1)),
    },
    tool !== 'none',
  );

  const doSave = async () => {
    if (!cfg.data || !cameraId || !base) return;
    setError(null);
    setProblems([]);
    let latest: ConfigResponse;
    try {
      latest = await api<ConfigResponse>('GET', '/api/config');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return;
    }
    if (latest.version !== base.version) {
      setConflict(latest.version);
      return;
    }
    const config = {
      ...latest.config,
      cameras: latest.config.cameras.map((c) => (c.id === cameraId ? { ...c, masks: draft.masks, zones: draft.zones, lines: draft.lines, rules: draft.rules } : c)),
    };
    save.mutate(
      // baseVersion: the server refuses (409) if another save lands between our read and this write.
      { config, baseVersion: latest.version, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      {
        onSuccess: ({ version }) => {
          toast(t('setup.saved', { version }), 'green');
          setDirty(false);
          setComment('');
        },
        onError: (err) => {
          const list = isApiError(err, 400) ? serverProblems(t, err.message, config) : [];
          if (list.length > 0) {
            setError(t('setup.error.problems'));
            setProblems(list);
          } else setError(t('setup.saveFailed', { message: err.message }));
        },
      },
    );
  };

  const reload = () => {
    setDirty(false);
    setBase(null);
    void cfg.refetch();
  };

  if (cfg.isPending) return <Loading />;
  if (cfg.isError) return <ErrorBox error={cfg.error} onRetry={() => void cfg.refetch()} />;

  const health = cams.data?.cameras.find((c) => c.camera.id === cameraId)?.health;
  const usedBy = (id: string, kind: 'zone' | 'line') => draft.rules.find((r) => ruleRefs(r).some((ref) => ref.kind === kind && ref.id === id));
  const removeZone = (id: string) => {
    const rule = usedBy(id, 'zone');
    if (rule) return setError(t('setup.error.inUse', { id, rule: rule.id }));
    edit((d) => ({ ...d, zones: d.zones.filter((z) => z.id !== id) }));
  };
  const removeLine = (id: string) => {
    const rule = usedBy(id, 'line');
    if (rule) return setError(t('setup.error.inUse', { id, rule: rule.id }));
    edit((d) => ({ ...d, lines: d.lines.filter((l) => l.id !== id) }));
  };
  const takenIds = new Set([...draft.zones.map((z) => z.id), ...draft.lines.map((l) => l.id)]);

  const tools: { value: Tool; label: string }[] = [
    { value: 'none', label: t('setup.tool.none') },
    { value: 'zone', label: t('setup.tool.zone') },
    { value: 'line', label: t('setup.tool.line') },
    ...(canMasks ? [{ value: 'mask' as const, label: t('setup.tool.mask') }] : []),
  ];
  const help: Record<Tool, TKey> = { none: 'setup.help.none', zone: 'setup.help.zone', line: 'setup.help.line', mask: 'setup.help.mask' };

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Group align="flex-end">
          <Title order={1} size="h2">
            {t('setup.title')}
          </Title>
          <Select
            label={t('setup.camera')}
            placeholder={t('setup.pickCamera')}
            data={(cfg.data.config.cameras ?? []).map((c) => ({ value: c.id, label: c.name ?? c.id }))}
            value={cameraId ?? null}
            allowDeselect={false}
            onChange={(v) => {
              if (!v || v === cameraId) return;
              if (dirty && !window.confirm(t('setup.discard'))) return;
              setDirty(false);
              setBase(null);
              navigate({ name: 'setup', camera: v });
            }}
            w={240}
            data-testid="setup-camera"
          />
          <Badge variant="light" color="gray" size="lg">
            {t('setup.version', { version: cfg.data.version })}
          </Badge>
          {dirty && (
            <Badge color="yellow" size="lg" data-testid="setup-dirty">
              {t('setup.unsaved')}
            </Badge>
          )}
        </Group>

      </Group>

      {conflict !== null && (
        <Alert color="orange" variant="filled" data-testid="config-conflict">
          <Group justify="space-between">
            <span>{t('setup.conflict', { version: conflict })}</span>
            <Button variant="white" color="orange" size="xs" onClick={reload}>
              {t('setup.reload')}
            </Button>
          </Group>
        </Alert>
      )}
      {error && (
        <Alert
          color="red"
          variant="filled"
          role="alert"
          data-testid="config-error"
          withCloseButton
          onClose={() => {
            setError(null);
            setProblems([]);
          }}
        >
          {error}
          {problems.length > 0 && (
            <ul style={{ margin: '6px 0 0', paddingInlineStart: 20 }}>
              {problems.map((p, i) => (
                <li key={i} data-testid="config-problem">
                  {p}
                </li>
              ))}
            </ul>
          )}
        </Alert>
      )}
      {!camera ? (
        <Text c="dimmed">{t('cameras.empty')}</Text>
      ) : (
        <Group align="flex-start" wrap="nowrap" gap="md">
          <Stack gap="xs" style={{ flex: 1, minWidth: 0 }}>
            <Group justify="space-between">
              <SegmentedControl
                aria-label={t('setup.tool')}
                value={tool}
                onChange={(v) => {
                  setTool(v);
                  setPoints([]);
                }}
                data={tools}
                data-testid="setup-tool"
              />
              {(tool === 'zone' || tool === 'mask') && (
                <Group gap="xs">
                  <Button size="xs" variant="default" onClick={() => setPoints((p) => p.slice(0, -1))} disabled={points.length === 0}>
                    {t('setup.undoPoint')}
                  </Button>
                  <Button size="xs" onClick={finishShape} disabled={points.length < 3} data-testid="shape-close">
                    {t('setup.closePolygon')}
                  </Button>
                </Group>
              )}
            </Group>
            <Text size="sm" c="dimmed" data-testid="setup-help">
              {t(help[tool])}
            </Text>
            <EditorCanvas
              cameraId={camera.id}
              draft={draft}
              points={points}
              pending={pending}
              tool={tool}
              onClick={onCanvasClick}
              onFirstPoint={finishShape}
              offline={health?.state === 'offline'}
            />
          </Stack>

          <ScrollArea.Autosize mah="calc(100vh - 180px)" w={380} style={{ flexShrink: 0 }} type="auto">
            <Stack gap="sm" pr="xs">
              <Paper withBorder p="sm">
                <Stack gap="xs">
                  <TextInput label={t('setup.comment')} value={comment} onChange={(e) => setComment(e.currentTarget.value)} data-testid="config-comment" />
                  <Button size="md" onClick={() => void doSave()} loading={save.isPending} disabled={!dirty || !!pending} data-testid="config-save">
                    {t('setup.save')}
                  </Button>
                </Stack>
              </Paper>
              {pending && (
                <ShapeForm
                  kind={pending.kind}
                  taken={takenIds}
                  onCancel={() => setPending(null)}
                  onAdd={(id, name, direction) => {
                    if (pending.kind === 'zone') {
                      const zone: ZoneConfig = { id, polygon: pending.points, ...(name ? { name } : {}), ...(direction ? { direction } : {}) };
                      edit((d) => ({ ...d, zones: [...d.zones, zone] }));
                    } else {
                      const [a, b] = pending.points as [Pt, Pt];
                      const line: LineConfig = { id, points: [a, b], ...(name ? { name } : {}) };
                      edit((d) => ({ ...d, lines: [...d.lines, line] }));
                    }
                    setPending(null);
                  }}
                />
              )}
              <Section title="setup.zones" count={draft.zones.length}>
                {draft.zones.map((z) => (
                  <Group key={z.id} justify="space-between" wrap="nowrap" data-testid="zone-item" data-zone-id={z.id}>
                    <div style={{ minWidth: 0 }}>
                      <Text fw={600} truncate>
                        {z.name ? `${z.name} (${z.id})` : z.id}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {t('setup.points', { n: z.polygon.length })}
                      </Text>
                    </div>
                    <Group gap={4} wrap="nowrap">
                      <Select
                        aria-label={`${t('setup.direction')} — ${z.id}`}
                        size="xs"
                        w={130}
                        value={directionKey(z.direction)}
                        data={[
                          ...DIRECTIONS.map((d) => ({ value: d.key, label: t(d.label) })),
                          ...(directionKey(z.direction).startsWith('custom:') ? [{ value: directionKey(z.direction), label: `[${z.direction?.join(', ')}]` }] : []),
                        ]}
                        allowDeselect={false}
                        onChange={(v) => {
                          const dir = DIRECTIONS.find((d) => d.key === v);
                          if (!dir) return;
                          edit((d) => ({
                            ...d,
                            zones: d.zones.map((x) => {
                              if (x.id !== z.id) return x;
                              const { direction: _old, ...rest } = x;
                              return dir.v ? { ...rest, direction: dir.v } : rest;
                            }),
                          }));
                        }}
                      />
                      <DeleteButton label={t('setup.delete', { name: z.id })} onClick={() => removeZone(z.id)} testid="zone-delete" />
                    </Group>
                  </Group>
                ))}
              </Section>
              <Section title="setup.lines" count={draft.lines.length}>
                {draft.lines.map((l) => (
                  <Group key={l.id} justify="space-between" wrap="nowrap" data-testid="line-item" data-line-id={l.id}>
                    <Text fw={600} truncate>
                      {l.name ? `${l.name} (${l.id})` : l.id}
                    </Text>
                    <DeleteButton label={t('setup.delete', { name: l.id })} onClick={() => removeLine(l.id)} testid="line-delete" />
                  </Group>
                ))}
              </Section>
              <Section title="setup.masks" count={draft.masks.length}>
                {draft.masks.map((m, i) => (
                  <Group key={i} justify="space-between" wrap="nowrap" data-testid="mask-item">
                    <Text fw={600}>
                      {t('setup.mask', { n: i + 1 })}{' '}
                      <Text span size="xs" c="dimmed">
                        {t('setup.points', { n: m.length })}
                      </Text>
                    </Text>
                    {canMasks && <DeleteButton label={t('setup.delete', { name: t('setup.mask', { n: i + 1 }) })} onClick={() => edit((d) => ({ ...d, masks: d.masks.filter((_, n) => n !== i) }))} testid="mask-delete" />}
                  </Group>
                ))}
              </Section>
              <Section title="setup.rules" count={draft.rules.length}>
                {draft.rules.map((r) => {
                  const shadow = 'mode' in r && r.mode === 'shadow';
                  return (
                    <Group key={r.id} justify="space-between" wrap="nowrap" align="flex-start" data-testid="rule-item" data-rule-id={r.id} data-rule-type={r.type} data-mode={'mode' in r ? r.mode : 'stats'}>
                      <div style={{ minWidth: 0 }}>
                        <Group gap={6} wrap="wrap">
                          {'severity' in r ? (
                            <Badge color={SEVERITY_COLOR[r.severity]} size="sm">
                              {t(`severity.${r.severity}`)}
                            </Badge>
                          ) : (
                            <Badge color="gray" variant="outline" size="sm" data-testid="rule-stats-badge">
                              {t('setup.rule.statsBadge')}
                            </Badge>
                          )}
                          {shadow && (
                            <Badge color="grape" variant="light" size="sm" data-testid="rule-shadow-badge" title={t('setup.rule.modeHelp')}>
                              {t('setup.rule.shadowBadge')}
                            </Badge>
                          )}
                          <LegalBadge rule={r} timeZone={cfg.data?.config.timezone ?? 'Europe/Paris'} />
                          <Text fw={600} truncate>
                            {r.id}
                          </Text>
                        </Group>
                        <Text size="xs" c="dimmed" data-testid="rule-summary">
                          {t('setup.rule.summary', { type: t(`type.${r.type}`), target: targetSummary(t, r) })}
                        </Text>
                        <Text size="xs" c={r.schedule ? 'blue.3' : 'dimmed'} data-testid="rule-schedule-summary">
                          {t('setup.rule.scheduleLine', { when: scheduleSummary(t, r.schedule) })}
                        </Text>
                        {'mode' in r && (
                          <Button
                            size="compact-xs"
                            variant="subtle"
                            color={shadow ? 'red' : 'grape'}
                            px={0}
                            onClick={() => edit((d) => ({ ...d, rules: d.rules.map((x) => (x.id === r.id && 'mode' in x ? { ...x, mode: shadow ? 'active' : 'shadow' } : x)) }))}
                            aria-label={`${r.id}: ${t(shadow ? 'setup.rule.toActive' : 'setup.rule.toShadow')}`}
                            data-testid="rule-mode-toggle"
                          >
                            {t(shadow ? 'setup.rule.toActive' : 'setup.rule.toShadow')}
                          </Button>
                        )}
                      </div>
                      <Group gap={4} wrap="nowrap">
                        <Switch
                          checked={r.enabled}
                          onChange={(e) => {
                            const enabled = e.currentTarget.checked;
                            edit((d) => ({ ...d, rules: d.rules.map((x) => (x.id === r.id ? { ...x, enabled } : x)) }));
                          }}
                          aria-label={`${r.id}: ${r.enabled ? t('setup.rule.enabled') : t('setup.rule.disabled')}`}
                          data-testid="rule-enabled"
                        />
                        <DeleteButton label={t('setup.delete', { name: r.id })} onClick={() => edit((d) => ({ ...d, rules: d.rules.filter((x) => x.id !== r.id) }))} testid="rule-delete" />
                      </Group>
                    </Group>
                  );
                })}
              </Section>
              <RuleForm
                zones={draft.zones}
                lines={draft.lines}
                ruleIds={new Set(draft.rules.map((r) => r.id))}
                onAdd={(rule) => edit((d) => ({ ...d, rules: [...d.rules, rule] }))}
                onError={setError}
              />
            </Stack>
          </ScrollArea.Autosize>
        </Group>
      )}
    </Stack>
  );
}

function Section({ title, count, children }: { title: TKey; count: number; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <Paper withBorder p="sm">
      <Title order={2} size="h5" mb={6}>
        {t(title)} ({count})
      </Title>
      <Stack gap={6}>{count === 0 ? <Text size="sm" c="dimmed">{t('setup.empty')}</Text> : children}</Stack>
    </Paper>
  );
}

function DeleteButton({ label, onClick, testid }: { label: string; onClick: () => void; testid: string }) {
  return (
    <ActionIcon variant="subtle" color="red" onClick={onClick} aria-label={label} title={label} data-testid={testid}>
      ✕
    </ActionIcon>
  );
}

function EditorCanvas(props: {
  cameraId: string;
  draft: Draft;
  points: Pt[];
  pending: { kind: 'zone' | 'line'; points: Pt[] } | null;
  tool: Tool;
  offline: boolean;
  onClick: (e: ReactMouseEvent<HTMLDivElement>) => void;
  onFirstPoint: () => void;
}) {
  const { t } = useI18n();
  const { draft, points, pending, tool } = props;
  const [failed, setFailed] = useState(false);
  const [stamp, setStamp] = useState(() => Date.now());
  const [aspect, setAspect] = useState(16 / 9);
  useEffect(() => {
    setFailed(false);
    setStamp(Date.now());
  }, [props.cameraId]);
  const poly = (pts: readonly (readonly number[])[]) => pts.map((p) => `${p[0]},${p[1]}`).join(' ');
  return (
    <div>
      {failed && (
        <Text size="sm" c="orange.4" mb={4}>
          {t('setup.noSnapshot')}
        </Text>
      )}
      <div
        className={`vigie-canvas${tool !== 'none' ? ' vigie-canvas-drawing' : ''}`}
        onClick={props.onClick}
        data-testid="zone-editor-canvas"
        data-tool={tool}
        data-points={points.length}
        style={{ width: `min(100%, calc((100vh - 230px) * ${aspect.toFixed(4)}))` }}
        role="application"
        aria-label={t('setup.canvas')}
      >
        {failed ? (
          <div className="vigie-canvas-empty" />
        ) : (
          <img
            src={`/api/cameras/${encodeURIComponent(props.cameraId)}/snapshot.jpg?t=${stamp}`} alt=""
            draggable={false}
            onError={() => setFailed(true)}
            onLoad={(e) => {
              const { naturalWidth: w, naturalHeight: h } = e.currentTarget;
              if (w > 0 && h > 0) setAspect(w / h);
            }}
            data-testid="setup-snapshot"
          />
        )}
        <svg viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true">
          {draft.masks.map((m, i) => (
            <polygon key={`m${i}`} points={poly(m)} className="vigie-shape-mask" vectorEffect="non-scaling-stroke" />
          ))}
          {draft.zones.map((z) => (
            <polygon key={`z${z.id}`} points={poly(z.polygon)} className="vigie-shape-zone" vectorEffect="non-scaling-stroke" />
          ))}
          {draft.lines.map((l) => (
            <line key={`l${l.id}`} x1={l.points[0][0]} y1={l.points[0][1]} x2={l.points[1][0]} y2={l.points[1][1]} className="vigie-shape-line" vectorEffect="non-scaling-stroke" />
          ))}
          {pending && (pending.kind === 'zone' ? <polygon points={poly(pending.points)} className="vigie-shape-pending" vectorEffect="non-scaling-stroke" /> : <polyline points={poly(pending.points)} className="vigie-shape-pending" vectorEffect="non-scaling-stroke" />)}
          {points.length > 0 && <polyline points={poly(points)} className={tool === 'mask' ? 'vigie-shape-drawing-mask' : 'vigie-shape-drawing'} vectorEffect="non-scaling-stroke" />}
        </svg>
        {draft.zones.map((z) => {
          const c = centroid(z.polygon);
          return (
            <span key={`zl${z.id}`} className="vigie-label vigie-label-zone" style={pct(c)}>
              {z.name ?? z.id}
              {z.direction ? ` ${arrow(z.direction)}` : ''}
            </span>
          );
        })}
        {draft.lines.map((l) => (
          <span key={`ll${l.id}`}>
            <span className="vigie-label vigie-label-line" style={pct(l.points[0])}>
              A
            </span>
            <span className="vigie-label vigie-label-line" style={pct(l.points[1])}>
              B
            </span>
            <span className="vigie-label vigie-label-line" style={pct(centroid(l.points))}>
              {l.name ?? l.id}
            </span>
          </span>
        ))}
        {points.map((p, i) => (
          <button
            key={i}
            type="button"
            className={`vigie-handle${i === 0 && points.length >= 3 ? ' vigie-handle-first' : ''}`}
            style={pct(p)}
            tabIndex={-1}
            aria-label={i === 0 ? t('setup.closePolygon') : undefined}
            onClick={(e) => {
              e.stopPropagation();
              if (i === 0) props.onFirstPoint();
            }}
          />
        ))}
      </div>
    </div>
  );
}

function arrow(d: readonly number[]): string {
  const [x = 0, y = 0] = d;
  const a = (Math.atan2(y, x) * 180) / Math.PI;
  const arrows = ['→', '↘', '↓', '↙', '←', '↖', '↑', '↗'];
  return arrows[((Math.round(a / 45) % 8) + 8) % 8] ?? '';
}

function ShapeForm({ kind, taken, onAdd, onCancel }: { kind: 'zone' | 'line'; taken: Set<string>; onAdd: (id: string, name: string, direction: Pt | null) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const suggestion = useMemo(() => {
    for (let n = 1; ; n++) if (!taken.has(`${kind}-${n}`)) return `${kind}-${n}`;
  }, [kind, taken]);
  const [id, setId] = useState(suggestion);
  const [name, setName] = useState('');
  const [dir, setDir] = useState('none');
  const idError = !ID_RE.test(id) ? t('setup.error.id') : taken.has(id) ? t('setup.error.idTaken') : null;
  return (
    <Paper withBorder p="sm" bd="2px solid var(--mantine-color-cyan-6)" data-testid="shape-form">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (idError) return;
          onAdd(id, name.trim(), DIRECTIONS.find((d) => d.key === dir)?.v ?? null);
        }}
      >
        <Stack gap="xs">
          <Title order={2} size="h5">
            {t('setup.newShape', { kind: t(kind === 'zone' ? 'setup.tool.zone' : 'setup.tool.line').toLowerCase() })}
          </Title>
          <TextInput label={t('setup.id')} description={t('setup.idHelp')} value={id} onChange={(e) => setId(e.currentTarget.value)} error={idError} data-autofocus autoFocus data-testid="shape-id" />
          <TextInput label={t('setup.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="shape-name" />
          {kind === 'zone' && (
            <Select label={t('setup.direction')} data={DIRECTIONS.map((d) => ({ value: d.key, label: t(d.label) }))} value={dir} allowDeselect={false} onChange={(v) => setDir(v ?? 'none')} data-testid="shape-direction" />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" disabled={!!idError} data-testid="shape-confirm">
              {t('setup.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/**
 * The server's 400 message lists problems as `body.config.cameras[0].rules[2].schedule[0].to: ...`
 * separated by "; ". Each becomes one line, with the rule named by its id.
 */
function serverProblems(t: T, message: string, config: VigieConfig): string[] {
  return message
    .split('; ')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const m = /^body\.config\.cameras\[(\d+)\]\.rules\[(\d+)\]\.?(\S*): (.*)$/s.exec(p);
      if (!m) return p.replace(/^body\.config\./, '');
      const rule = config.cameras[Number(m[1])]?.rules[Number(m[2])];
      return t('setup.error.ruleProblem', { rule: rule?.id ?? `#${Number(m[2]) + 1}`, field: m[3] || '—', message: m[4] ?? '' });
    });
}
