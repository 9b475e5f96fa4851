/**
 * The zone editor's rule form: every rule type of the catalogue with its main
 * fields (docs/RULES.md), severity, reopen window, mode (active / shadow), an
 * optional weekly schedule, and its purpose and legal basis. Only the chosen
 * type's fields are shown; defaults are those of the server's schemas
 * (src/config/rules/*.ts), which still validate the whole configuration on save.
 */
import { useState, type ReactNode } from 'react';
import {
  ActionIcon,
  Button,
  Checkbox,
  Chip,
  Fieldset,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { RULE_TYPE_LIST, SEVERITY_LIST, WEEKDAY_LIST, type LineConfig, type RuleConfig, type RuleInput, type RuleMode, type RuleType, type ScheduleSlot, type Severity, type Weekday, type ZoneConfig } from '../api/types.js';
import { isKey, useI18n, type T, type TKey } from '../i18n.js';
import { ALERTABLE } from '../legal-basis.js';

const ID_RE = /^[a-z0-9][a-z0-9-]*$/;
const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
export const CLASS_CHOICES = ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck', 'object', 'any'] as const;
type ClassChoice = (typeof CLASS_CHOICES)[number];
const VEHICLES: ClassChoice[] = ['bicycle', 'car', 'motorcycle', 'bus', 'truck'];
const MOTOR: ClassChoice[] = ['car', 'motorcycle', 'bus', 'truck'];
const TAMPER_KINDS = ['covered', 'blinded', 'defocused', 'moved'] as const;
type TamperKind = (typeof TAMPER_KINDS)[number];
type Direction = 'any' | 'a_to_b' | 'b_to_a';
type BasisKind = 'none' | NonNullable<RuleConfig['legal_basis']>['kind'];
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The bases a rule type may declare (the server checks the same). */
function basisKinds(type: RuleType): BasisKind[] {
  return ['none', ...(ALERTABLE.includes(type) ? (['authorised_alert'] as const) : []), 'statistics', ...(type === 'camera_tamper' ? (['device_monitoring'] as const) : [])];
}

const defaultBasis = (type: RuleType): BasisKind => (type === 'counting' ? 'statistics' : type === 'camera_tamper' ? 'device_monitoring' : 'none');

/** Where a rule looks: decides which target pickers the form shows. */
type TargetKind = 'zone' | 'zoneOptional' | 'line' | 'redLight' | 'speeding' | 'counting' | 'none';

interface NumField {
  key: string;
  label: TKey;
  fallback: number;
  min: number;
  max: number;
  step: number;
  decimals?: number;
}

interface TypeSpec {
  target: TargetKind;
  /** Default classes; absent = the rule has no `classes` field. */
  classes?: ClassChoice[];
  nums: NumField[];
  /** Absent for counting (statistics only: no severity, no cooldown, no mode). */
  severity?: Severity;
  cooldown?: number;
}

const dur = (fallback: number, label: TKey = 'setup.rule.minDuration'): NumField => ({ key: 'min_duration_s', label, fallback, min: 0, max: 86_400, step: 1 });
const area = (key: 'min_area' | 'max_area', fallback: number): NumField => ({
  key,
  label: key === 'min_area' ? 'setup.rule.minArea' : 'setup.rule.maxArea',
  fallback,
  min: 0,
  max: 1,
  step: 0.001,
  decimals: 4,
});

/** Per type: fields and defaults, as in src/config/rules/*.ts. */
export const RULE_SPECS: Record<RuleType, TypeSpec> = {
  intrusion: { target: 'zone', classes: ['person'], nums: [{ ...dur(1), step: 0.5 }], severity: 'high', cooldown: 10 },
  line_crossing: { target: 'line', classes: ['person', ...VEHICLES], nums: [], severity: 'low', cooldown: 0 },
  wrong_way: {
    target: 'zone',
    classes: [...VEHICLES],
    nums: [
      { key: 'min_distance', label: 'setup.rule.minDistance', fallback: 0.1, min: 0, max: 1, step: 0.05, decimals: 3 },
      { key: 'max_angle_deg', label: 'setup.rule.maxAngle', fallback: 60, min: 0, max: 90, step: 5 },
    ],
    severity: 'high',
    cooldown: 30,
  },
  gathering: {
    target: 'zone',
    classes: ['person'],
    nums: [{ key: 'min_people', label: 'setup.rule.minPeople', fallback: 5, min: 2, max: 1000, step: 1 }, dur(20)],
    severity: 'medium',
    cooldown: 60,
  },
  crowd_movement: {
    target: 'zone',
    classes: ['person'],
    nums: [
      { key: 'min_tracks', label: 'setup.rule.minTracks', fallback: 4, min: 2, max: 1000, step: 1 },
      { key: 'min_share', label: 'setup.rule.minShare', fallback: 0.6, min: 0, max: 1, step: 0.05, decimals: 2 },
      { key: 'speedup_ratio', label: 'setup.rule.speedupRatio', fallback: 2.5, min: 1, max: 20, step: 0.5, decimals: 2 },
      { key: 'min_speed', label: 'setup.rule.minSpeed', fallback: 0.1, min: 0, max: 5, step: 0.05, decimals: 3 },
    ],
    severity: 'high',
    cooldown: 60,
  },
  loitering: { target: 'zone', classes: ['person'], nums: [dur(60)], severity: 'medium', cooldown: 60 },
  vehicle_prowling: {
    target: 'zone',
    classes: ['person'],
    nums: [
      { key: 'min_vehicles', label: 'setup.rule.minVehicles', fallback: 3, min: 2, max: 50, step: 1 },
      { key: 'window_s', label: 'setup.rule.window', fallback: 180, min: 0, max: 86_400, step: 10 },
    ],
    severity: 'high',
    cooldown: 120,
  },
  vehicle_departure: {
    target: 'zone',
    classes: [...MOTOR],
    nums: [{ key: 'min_parked_s', label: 'setup.rule.minParked', fallback: 60, min: 0, max: 86_400, step: 10 }],
    severity: 'high',
    cooldown: 60,
  },
  stopped_vehicle: { target: 'zone', classes: [...MOTOR], nums: [dur(30)], severity: 'medium', cooldown: 60 },
  speeding: {
    target: 'speeding',
    classes: [...MOTOR],
    nums: [{ key: 'speed_limit_kmh', label: 'setup.rule.speedLimit', fallback: 50, min: 1, max: 300, step: 5 }],
    severity: 'medium',
    cooldown: 0,
  },
  red_light: { target: 'redLight', classes: [...MOTOR], nums: [], severity: 'high', cooldown: 0 },
  person_down: { target: 'zoneOptional', classes: ['person'], nums: [dur(10, 'setup.rule.minDurationAny')], severity: 'high', cooldown: 60 },
  abandoned_object: { target: 'zone', nums: [dur(60, 'setup.rule.minDurationAny'), area('min_area', 0.0005), area('max_area', 0.05)], severity: 'medium', cooldown: 300 },
  illegal_dumping: { target: 'zone', nums: [dur(60, 'setup.rule.minDurationAny'), area('min_area', 0.002), area('max_area', 0.2)], severity: 'medium', cooldown: 600 },
  bin_overflow: {
    target: 'zone',
    nums: [dur(300, 'setup.rule.minDurationAny'), { key: 'min_fill', label: 'setup.rule.minFill', fallback: 0.15, min: 0, max: 1, step: 0.05, decimals: 2 }],
    severity: 'low',
    cooldown: 3600,
  },
  fire: { target: 'zoneOptional', nums: [dur(3, 'setup.rule.minDurationAny'), area('min_area', 0.0005)], severity: 'high', cooldown: 300 },
  smoke: { target: 'zoneOptional', nums: [dur(10, 'setup.rule.minDurationAny'), area('min_area', 0.01)], severity: 'high', cooldown: 300 },
  camera_tamper: { target: 'none', nums: [dur(5, 'setup.rule.minDurationAny')], severity: 'high', cooldown: 300 },
  counting: { target: 'counting', classes: ['person', ...VEHICLES], nums: [] },
};

export function classLabel(t: T, cls: string): string {
  const key = `cls.${cls}`;
  return isKey(key) ? t(key) : cls;
}

/** The zones and lines a rule names, by field name (`zone`, `*_zone`, `zones`, `line`, `*_line`, `lines`), like the server's check. */
export function ruleRefs(rule: RuleConfig): { kind: 'zone' | 'line'; id: string }[] {
  const refs: { kind: 'zone' | 'line'; id: string }[] = [];
  for (const [key, value] of Object.entries(rule)) {
    const kind = key === 'zone' || key.endsWith('_zone') || key === 'zones' ? 'zone' : key === 'line' || key.endsWith('_line') || key === 'lines' ? 'line' : null;
    if (!kind) continue;
    if (typeof value === 'string') refs.push({ kind, id: value });
    else if (Array.isArray(value)) for (const id of value) if (typeof id === 'string') refs.push({ kind, id });
  }
  return refs;
}

/** "stop / feu", "zone-1", "toute l'image": what the rules list shows as a rule's target. */
export function targetSummary(t: T, rule: RuleConfig): string {
  const refs = ruleRefs(rule);
  if (refs.length === 0) return t('setup.rule.wholeFrame');
  return refs.map((r) => r.id).join(' / ');
}

function daysSummary(t: T, days: readonly Weekday[]): string {
  const idx = WEEKDAY_LIST.map((d) => days.includes(d));
  const n = idx.filter(Boolean).length;
  if (n === 7) return t('setup.rule.everyDay');
  const first = idx.indexOf(true);
  const last = idx.lastIndexOf(true);
  // A run of 3 days or more in week order: "lun.–ven.".
  if (n >= 3 && last - first + 1 === n) return `${t(`dayShort.${WEEKDAY_LIST[first] ?? 'mon'}`)}–${t(`dayShort.${WEEKDAY_LIST[last] ?? 'sun'}`)}`;
  return WEEKDAY_LIST.filter((d) => days.includes(d))
    .map((d) => t(`dayShort.${d}`))
    .join(', ');
}

/** "lun.–ven. 22:00–06:00 ; sam. 20:00–23:00", or "en permanence" without a schedule. */
export function scheduleSummary(t: T, schedule: readonly ScheduleSlot[] | undefined): string {
  if (!schedule || schedule.length === 0) return t('setup.rule.alwaysOn');
  return schedule.map((s) => `${daysSummary(t, s.days)} ${s.from}–${s.to}`).join(' ; ');
}

interface Slot {
  days: Weekday[];
  from: string;
  to: string;
}

export interface FormState {
  id: string;
  zone: string | null;
  line: string | null;
  stopLine: string | null;
  signalZone: string | null;
  entryLine: string | null;
  exitLine: string | null;
  distance: number | '';
  speedMethod: 'lines' | 'zone';
  lines: string[];
  zones: string[];
  severity: Severity;
  cooldown: number;
  mode: RuleMode;
  classes: string[];
  vehicleClasses: string[];
  nums: Record<string, number>;
  minDensity: number | '';
  direction: Direction;
  requirePersonLeft: boolean;
  kinds: TamperKind[];
  scheduled: boolean;
  slots: Slot[];
  purpose: string;
  basisKind: BasisKind;
  reference: string;
  authority: string;
  validUntil: string;
}

export function initialState(type: RuleType): FormState {
  const spec = RULE_SPECS[type];
  return {
    id: '',
    zone: null,
    line: null,
    stopLine: null,
    signalZone: null,
    entryLine: null,
    exitLine: null,
    distance: '',
    speedMethod: 'lines',
    lines: [],
    zones: [],
    severity: spec.severity ?? 'low',
    cooldown: spec.cooldown ?? 0,
    mode: 'active',
    classes: [...(spec.classes ?? [])],
    vehicleClasses: [...MOTOR],
    nums: Object.fromEntries(spec.nums.map((f) => [f.key, f.fallback])),
    minDensity: '',
    direction: 'any',
    requirePersonLeft: false,
    kinds: [...TAMPER_KINDS],
    scheduled: false,
    slots: [{ days: [...WEEKDAY_LIST], from: '22:00', to: '06:00' }],
    purpose: '',
    basisKind: defaultBasis(type),
    reference: '',
    authority: '',
    validUntil: '',
  };
}

/** The first zone or line a rule names, for its suggested id ("gathering-parvis"). */
function primaryTarget(type: RuleType, s: FormState): string | null {
  switch (RULE_SPECS[type].target) {
    case 'zone':
    case 'zoneOptional':
      return s.zone;
    case 'line':
      return s.line;
    case 'redLight':
      return s.stopLine;
    case 'speeding':
      return s.speedMethod === 'lines' ? s.entryLine : s.zone;
    case 'counting':
      return s.lines[0] ?? s.zones[0] ?? null;
    case 'none':
      return null;
  }
}

function suggestedId(type: RuleType, s: FormState): string {
  const target = primaryTarget(type, s);
  return target ? `${type.replaceAll('_', '-')}-${target}` : type.replaceAll('_', '-');
}

/** Checks what the form can know (the server checks everything again); returns the first problem. */
function problem(t: T, type: RuleType, s: FormState, zones: ZoneConfig[]): string | null {
  const spec = RULE_SPECS[type];
  const missing = (label: TKey) => t('setup.error.missingField', { field: t(label) });
  switch (spec.target) {
    case 'zone':
      if (!s.zone) return missing('setup.rule.zone');
      break;
    case 'line':
      if (!s.line) return missing('setup.rule.line');
      break;
    case 'redLight':
      if (!s.stopLine) return missing('setup.rule.stopLine');
      if (!s.signalZone) return missing('setup.rule.signalZone');
      break;
    case 'speeding':
      if (s.speedMethod === 'lines' && (!s.entryLine || !s.exitLine || s.entryLine === s.exitLine || s.distance === '' || s.distance <= 0)) return t('setup.error.speedLines');
      if (s.speedMethod === 'zone' && !s.zone) return missing('setup.rule.zone');
      break;
    case 'counting':
      if (s.lines.length + s.zones.length === 0) return t('setup.error.countingTarget');
      break;
    default:
      break;
  }
  if (type === 'wrong_way' && !zones.find((z) => z.id === s.zone)?.direction) return t('setup.error.needDirection');
  if (type === 'camera_tamper' && s.kinds.length === 0) return t('setup.error.noKinds');
  if (s.basisKind === 'authorised_alert' && (!s.reference.trim() || !DAY_RE.test(s.validUntil))) return t('setup.error.authorisation');
  if (s.scheduled) {
    for (const slot of s.slots) {
      if (slot.days.length === 0) return t('setup.error.noDays');
      if (!TIME_RE.test(slot.from) || !TIME_RE.test(slot.to)) return t('setup.error.time');
      if (slot.from === slot.to) return t('setup.error.sameTime');
    }
  }
  return null;
}

/** The rule's `purpose` and `legal_basis`, left out when not given. */
function legalFields(s: FormState): { purpose?: string; legal_basis?: NonNullable<RuleConfig['legal_basis']> } {
  const purpose = s.purpose.trim() ? { purpose: s.purpose.trim() } : {};
  switch (s.basisKind) {
    case 'none':
      return purpose;
    case 'authorised_alert':
      return {
        ...purpose,
        legal_basis: { kind: 'authorised_alert', reference: s.reference.trim(), valid_until: s.validUntil, ...(s.authority.trim() ? { authority: s.authority.trim() } : {}) },
      };
    default:
      return { ...purpose, legal_basis: { kind: s.basisKind } };
  }
}

/**
 * The rule with every field the form shows; fields it does not show are left
 * out, so the server fills in their defaults when it validates the save.
 */
export function buildRule(type: RuleType, s: FormState, id: string): RuleInput {
  const spec = RULE_SPECS[type];
  const n = (key: string) => s.nums[key] ?? spec.nums.find((f) => f.key === key)?.fallback ?? 0;
  const classes = (s.classes.length ? s.classes : (spec.classes ?? ['any'])) as ClassChoice[];
  const schedule = s.scheduled ? { schedule: s.slots.map((x) => ({ days: WEEKDAY_LIST.filter((d) => x.days.includes(d)), from: x.from, to: x.to })) } : {};
  const base = { id, enabled: true, anchor: 'auto' as const, ...schedule, ...legalFields(s) };
  const alerting = { ...base, severity: s.severity, cooldown_s: s.cooldown, mode: s.mode };
  const zone = s.zone ?? '';
  const optionalZone = s.zone ? { zone: s.zone } : {};
  switch (type) {
    case 'intrusion':
      return { ...alerting, type, zone, classes, min_duration_s: n('min_duration_s') };
    case 'line_crossing':
      return { ...alerting, type, line: s.line ?? '', direction: s.direction, classes };
    case 'wrong_way':
      return { ...alerting, type, zone, classes, min_distance: n('min_distance'), max_angle_deg: n('max_angle_deg') };
    case 'gathering':
      return {
        ...alerting,
        type,
        zone,
        classes,
        min_people: Math.round(n('min_people')),
        min_duration_s: n('min_duration_s'),
        ...(s.minDensity !== '' && s.minDensity > 0 ? { min_density_per_m2: s.minDensity } : {}),
      };
    case 'crowd_movement':
      return { ...alerting, type, zone, classes, min_tracks: Math.round(n('min_tracks')), min_share: n('min_share'), speedup_ratio: n('speedup_ratio'), min_speed: n('min_speed') };
    case 'loitering':
      return { ...alerting, type, zone, classes, min_duration_s: n('min_duration_s') };
    case 'vehicle_prowling':
      return {
        ...alerting,
        type,
        zone,
        classes,
        vehicle_classes: (s.vehicleClasses.length ? s.vehicleClasses : MOTOR) as ClassChoice[],
        min_vehicles: Math.round(n('min_vehicles')),
        window_s: n('window_s'),
      };
    case 'vehicle_departure':
      return { ...alerting, type, zone, classes, min_parked_s: n('min_parked_s') };
    case 'stopped_vehicle':
      return { ...alerting, type, zone, classes, min_duration_s: n('min_duration_s') };
    case 'speeding':
      return {
        ...alerting,
        type,
        classes,
        speed_limit_kmh: n('speed_limit_kmh'),
        ...(s.speedMethod === 'lines' ? { entry_line: s.entryLine ?? '', exit_line: s.exitLine ?? '', distance_m: s.distance === '' ? 0 : s.distance } : { zone }),
      };
    case 'red_light':
      return { ...alerting, type, stop_line: s.stopLine ?? '', signal_zone: s.signalZone ?? '', direction: s.direction, classes };
    case 'person_down':
      return { ...alerting, type, ...optionalZone, classes, min_duration_s: n('min_duration_s') };
    case 'abandoned_object':
      return { ...alerting, type, zone, min_duration_s: n('min_duration_s'), min_area: n('min_area'), max_area: n('max_area') };
    case 'illegal_dumping':
      return { ...alerting, type, zone, min_duration_s: n('min_duration_s'), min_area: n('min_area'), max_area: n('max_area'), require_person_left: s.requirePersonLeft };
    case 'bin_overflow':
      return { ...alerting, type, zone, min_duration_s: n('min_duration_s'), min_fill: n('min_fill') };
    case 'fire':
      return { ...alerting, type, ...optionalZone, min_area: n('min_area'), min_duration_s: n('min_duration_s') };
    case 'smoke':
      return { ...alerting, type, ...optionalZone, min_area: n('min_area'), min_duration_s: n('min_duration_s') };
    case 'camera_tamper':
      return { ...alerting, type, kinds: TAMPER_KINDS.filter((k) => s.kinds.includes(k)), min_duration_s: n('min_duration_s') };
    case 'counting':
      return { ...base, type, lines: s.lines, zones: s.zones, classes };
  }
}

const num = (v: string | number): number | '' => (v === '' ? '' : typeof v === 'number' ? v : Number.isFinite(Number(v)) ? Number(v) : '');

export function RuleForm({ zones, lines, ruleIds, onAdd, onError }: { zones: ZoneConfig[]; lines: LineConfig[]; ruleIds: Set<string>; onAdd: (r: RuleConfig) => void; onError: (msg: string) => void }) {
  const { t } = useI18n();
  const [type, setType] = useState<RuleType>('intrusion');
  const [s, setS] = useState<FormState>(() => initialState('intrusion'));
  const spec = RULE_SPECS[type];
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setS((old) => ({ ...old, [key]: value }));
  const setSlot = (i: number, patch: Partial<Slot>) => setS((old) => ({ ...old, slots: old.slots.map((x, n) => (n === i ? { ...x, ...patch } : x)) }));

  const zoneData = zones.map((z) => ({ value: z.id, label: z.name ? `${z.name} (${z.id})` : z.id }));
  const lineData = lines.map((l) => ({ value: l.id, label: l.name ? `${l.name} (${l.id})` : l.id }));
  const classData = CLASS_CHOICES.map((c) => ({ value: c, label: classLabel(t, c) }));
  const idError = s.id && !ID_RE.test(s.id) ? t('setup.error.id') : ruleIds.has(s.id) ? t('setup.error.idTaken') : null;
  const dirData = (['any', 'a_to_b', 'b_to_a'] as const).map((v) => ({ value: v, label: t(`setup.rule.dir.${v}`) }));

  const changeType = (v: RuleType) => {
    setType(v);
    // Keep what the admin already typed that still applies (id, mode, schedule, purpose, authorisation); the rest goes back to the type's defaults.
    setS((old) => ({
      ...initialState(v),
      id: old.id,
      mode: old.mode,
      scheduled: old.scheduled,
      slots: old.slots,
      purpose: old.purpose,
      reference: old.reference,
      authority: old.authority,
      validUntil: old.validUntil,
      ...(old.basisKind !== 'none' && basisKinds(v).includes(old.basisKind) ? { basisKind: old.basisKind } : {}),
    }));
  };

  const submit = () => {
    const p = problem(t, type, s, zones);
    if (p) return onError(p);
    const id = s.id || suggestedId(type, s);
    if (!ID_RE.test(id)) return onError(t('setup.error.id'));
    if (ruleIds.has(id)) return onError(t('setup.error.idTaken'));
    // The draft holds it as a stored rule: the list only reads id, type, severity, mode, schedule and targets, which are all set here.
    onAdd(buildRule(type, s, id) as RuleConfig);
    // Ready for the next rule of the same type, from the defaults (nothing of this one carried over by mistake).
    setS(initialState(type));
  };

  const zonePicker = (label: TKey, value: string | null, onChange: (v: string | null) => void, testid: string, optional = false): ReactNode => (
    <Select
      label={t(label)}
      description={optional ? t('setup.rule.zoneOptionalHelp') : undefined}
      data={zoneData}
      value={value}
      onChange={onChange}
      clearable={optional}
      allowDeselect={optional}
      withAsterisk={!optional}
      data-testid={testid}
    />
  );
  const linePicker = (label: TKey, value: string | null, onChange: (v: string | null) => void, testid: string): ReactNode => (
    <Select label={t(label)} data={lineData} value={value} onChange={onChange} allowDeselect={false} withAsterisk data-testid={testid} />
  );

  return (
    <Paper withBorder p="sm" data-testid="rule-form" data-rule-type={type}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="xs">
          <Title order={2} size="h5">
            {t('setup.rule.add')}
          </Title>
          <Select
            label={t('setup.rule.type')}
            description={t(`setup.help.${type}`)}
            data={RULE_TYPE_LIST.map((v) => ({ value: v, label: t(`type.${v}`) }))}
            value={type}
            allowDeselect={false}
            searchable
            onChange={(v) => v && changeType(v)}
            data-testid="rule-type"
          />

          {spec.target === 'zone' && zonePicker('setup.rule.zone', s.zone, (v) => set('zone', v), 'rule-target')}
          {spec.target === 'zoneOptional' && zonePicker('setup.rule.zoneOptional', s.zone, (v) => set('zone', v), 'rule-target', true)}
          {spec.target === 'line' && linePicker('setup.rule.line', s.line, (v) => set('line', v), 'rule-target')}
          {spec.target === 'redLight' && (
            <>
              {linePicker('setup.rule.stopLine', s.stopLine, (v) => set('stopLine', v), 'rule-stop-line')}
              {zonePicker('setup.rule.signalZone', s.signalZone, (v) => set('signalZone', v), 'rule-signal-zone')}
            </>
          )}
          {spec.target === 'speeding' && (
            <>
              <Stack gap={4}>
                <Text size="sm" fw={500} id="speed-method-label">
                  {t('setup.rule.speedMethod')}
                </Text>
                <SegmentedControl
                  aria-labelledby="speed-method-label"
                  value={s.speedMethod}
                  onChange={(v) => set('speedMethod', v === 'zone' ? 'zone' : 'lines')}
                  data={[
                    { value: 'lines', label: t('setup.rule.speedMethod.lines') },
                    { value: 'zone', label: t('setup.rule.speedMethod.zone') },
                  ]}
                  data-testid="rule-speed-method"
                />
              </Stack>
              {s.speedMethod === 'lines' ? (
                <>
                  {linePicker('setup.rule.entryLine', s.entryLine, (v) => set('entryLine', v), 'rule-entry-line')}
                  {linePicker('setup.rule.exitLine', s.exitLine, (v) => set('exitLine', v), 'rule-exit-line')}
                  <NumberInput label={t('setup.rule.distance')} min={0.1} max={1000} step={1} decimalScale={2} value={s.distance} onChange={(v) => set('distance', num(v))} withAsterisk data-testid="rule-distance" />
                </>
              ) : (
                <>
                  <Text size="xs" c="dimmed">
                    {t('setup.rule.speedMethodHelp')}
                  </Text>
                  {zonePicker('setup.rule.zone', s.zone, (v) => set('zone', v), 'rule-target')}
                </>
              )}
            </>
          )}
          {spec.target === 'counting' && (
            <>
              <Text size="xs" c="dimmed">
                {t('setup.rule.countingHelp')}
              </Text>
              <MultiSelect label={t('setup.rule.countLines')} data={lineData} value={s.lines} onChange={(v) => set('lines', v)} data-testid="rule-count-lines" />
              <MultiSelect label={t('setup.rule.countZones')} data={zoneData} value={s.zones} onChange={(v) => set('zones', v)} data-testid="rule-count-zones" />
            </>
          )}

          <TextInput label={t('setup.id')} description={t('setup.idHelp')} placeholder={suggestedId(type, s)} value={s.id} onChange={(e) => set('id', e.currentTarget.value)} error={idError} data-testid="rule-id" />

          {spec.classes && <MultiSelect label={t('setup.rule.classes')} data={classData} value={s.classes} onChange={(v) => set('classes', v)} data-testid="rule-classes" />}
          {type === 'vehicle_prowling' && (
            <MultiSelect label={t('setup.rule.vehicleClasses')} data={classData} value={s.vehicleClasses} onChange={(v) => set('vehicleClasses', v)} data-testid="rule-vehicle-classes" />
          )}
          {(type === 'line_crossing' || type === 'red_light') && (
            <Select
              label={t(type === 'red_light' ? 'setup.rule.trafficDirection' : 'setup.rule.crossDirection')}
              data={dirData}
              value={s.direction}
              allowDeselect={false}
              onChange={(v) => v && set('direction', v)}
              data-testid="rule-direction"
            />
          )}
          {spec.nums.map((f) => (
            <NumberInput
              key={f.key}
              label={t(f.label)}
              min={f.min}
              max={f.max}
              step={f.step}
              decimalScale={f.decimals ?? 2}
              value={s.nums[f.key] ?? f.fallback}
              onChange={(v) => {
                const value = num(v);
                setS((old) => ({ ...old, nums: { ...old.nums, [f.key]: value === '' ? f.fallback : value } }));
              }}
              data-testid={`rule-${f.key.replaceAll('_', '-')}`}
            />
          ))}
          {type === 'gathering' && (
            <NumberInput
              label={t('setup.rule.minDensity')}
              description={t('setup.rule.minDensityHelp')}
              min={0}
              max={10}
              step={0.1}
              decimalScale={2}
              value={s.minDensity}
              onChange={(v) => set('minDensity', num(v))}
              data-testid="rule-min-density"
            />
          )}
          {type === 'illegal_dumping' && (
            <Checkbox label={t('setup.rule.requirePersonLeft')} checked={s.requirePersonLeft} onChange={(e) => set('requirePersonLeft', e.currentTarget.checked)} data-testid="rule-require-person-left" />
          )}
          {type === 'camera_tamper' && (
            <Checkbox.Group label={t('setup.rule.kinds')} value={s.kinds} onChange={(v) => set('kinds', v)} data-testid="rule-kinds">
              <Stack gap={4} mt={4}>
                {TAMPER_KINDS.map((k) => (
                  <Checkbox key={k} value={k} label={t(`setup.rule.kind.${k}`)} />
                ))}
              </Stack>
            </Checkbox.Group>
          )}

          {spec.severity && (
            <>
              <Select
                label={t('setup.rule.severity')}
                data={SEVERITY_LIST.map((x) => ({ value: x, label: t(`severity.${x}`) }))}
                value={s.severity}
                allowDeselect={false}
                onChange={(v) => v && set('severity', v)}
                data-testid="rule-severity"
              />
              <NumberInput label={t('setup.rule.cooldown')} min={0} max={3600} value={s.cooldown} onChange={(v) => set('cooldown', num(v) || 0)} data-testid="rule-cooldown" />
              <Stack gap={4}>
                <Text size="sm" fw={500} id="rule-mode-label">
                  {t('setup.rule.mode')}
                </Text>
                <SegmentedControl
                  aria-labelledby="rule-mode-label"
                  orientation="vertical"
                  fullWidth
                  value={s.mode}
                  onChange={(v) => set('mode', v === 'shadow' ? 'shadow' : 'active')}
                  data={[
                    { value: 'active', label: t('setup.rule.mode.active') },
                    { value: 'shadow', label: t('setup.rule.mode.shadow') },
                  ]}
                  data-testid="rule-mode"
                />
                <Text size="xs" c="dimmed">
                  {t('setup.rule.modeHelp')}
                </Text>
              </Stack>
            </>
          )}

          <Fieldset legend={t('setup.rule.legalBasis')} p="xs" data-testid="rule-legal">
            <Stack gap={6}>
              <TextInput label={t('setup.rule.purpose')} description={t('setup.rule.purposeHelp')} maxLength={300} value={s.purpose} onChange={(e) => set('purpose', e.currentTarget.value)} data-testid="rule-purpose" />
              <Select
                label={t('setup.rule.legalBasis')}
                description={t('setup.rule.legalBasisHelp')}
                data={basisKinds(type).map((k) => ({ value: k, label: t(`setup.rule.basis.${k}`) }))}
                value={s.basisKind}
                allowDeselect={false}
                onChange={(v) => v && set('basisKind', v)}
                data-testid="rule-basis-kind"
              />
              {s.basisKind === 'authorised_alert' && (
                <>
                  <TextInput label={t('setup.rule.reference')} placeholder="Arrêté préfectoral n° 2026-123" maxLength={200} withAsterisk value={s.reference} onChange={(e) => set('reference', e.currentTarget.value)} data-testid="rule-basis-reference" />
                  <TextInput label={t('setup.rule.authority')} maxLength={200} value={s.authority} onChange={(e) => set('authority', e.currentTarget.value)} data-testid="rule-basis-authority" />
                  <TextInput type="date" label={t('setup.rule.validUntil')} withAsterisk value={s.validUntil} onChange={(e) => set('validUntil', e.currentTarget.value)} data-testid="rule-basis-valid-until" />
                </>
              )}
            </Stack>
          </Fieldset>

          <ScheduleEditor
            scheduled={s.scheduled}
            slots={s.slots}
            onScheduled={(v) => set('scheduled', v)}
            onSlot={setSlot}
            onAddSlot={() => set('slots', [...s.slots, { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }])}
            onRemoveSlot={(i) => set('slots', s.slots.filter((_, n) => n !== i))}
          />

          <Group justify="flex-end">
            <Button type="submit" disabled={!!idError} data-testid="rule-submit">
              {t('setup.rule.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function ScheduleEditor(props: {
  scheduled: boolean;
  slots: Slot[];
  onScheduled: (v: boolean) => void;
  onSlot: (i: number, patch: Partial<Slot>) => void;
  onAddSlot: () => void;
  onRemoveSlot: (i: number) => void;
}) {
  const { t } = useI18n();
  const timeError = (v: string) => (TIME_RE.test(v) ? null : t('setup.error.time'));
  return (
    <Stack gap={4} data-testid="rule-schedule">
      <Text size="sm" fw={500} id="rule-schedule-label">
        {t('setup.rule.schedule')}
      </Text>
      <Switch
        label={t(props.scheduled ? 'setup.rule.schedule.custom' : 'setup.rule.schedule.always')}
        checked={props.scheduled}
        onChange={(e) => props.onScheduled(e.currentTarget.checked)}
        aria-describedby="rule-schedule-help"
        data-testid="rule-schedule-toggle"
      />
      <Text size="xs" c="dimmed" id="rule-schedule-help">
        {t('setup.rule.scheduleHelp')}
      </Text>
      {props.scheduled &&
        props.slots.map((slot, i) => (
          <Fieldset key={i} legend={t('setup.rule.slot', { n: i + 1 })} p="xs" data-testid="schedule-slot">
            <Stack gap={6}>
              <Chip.Group multiple value={slot.days} onChange={(v) => props.onSlot(i, { days: v })}>
                <Group gap={4} role="group" aria-label={t('setup.rule.days', { n: i + 1 })}>
                  {WEEKDAY_LIST.map((d) => (
                    <Chip key={d} value={d} size="xs" aria-label={t(`day.${d}`)} data-testid={`slot-day-${d}`}>
                      {t(`dayShort.${d}`)}
                    </Chip>
                  ))}
                </Group>
              </Chip.Group>
              <Group grow align="flex-start">
                <TextInput label={t('setup.rule.from')} value={slot.from} maxLength={5} placeholder="22:00" inputMode="numeric" error={timeError(slot.from)} onChange={(e) => props.onSlot(i, { from: e.currentTarget.value.trim() })} data-testid="slot-from" />
                <TextInput label={t('setup.rule.to')} value={slot.to} maxLength={5} placeholder="06:00" inputMode="numeric" error={timeError(slot.to)} onChange={(e) => props.onSlot(i, { to: e.currentTarget.value.trim() })} data-testid="slot-to" />
              </Group>
              {TIME_RE.test(slot.from) && TIME_RE.test(slot.to) && slot.to < slot.from && (
                <Text size="xs" c="blue.3">
                  {t('setup.rule.overnight', { to: slot.to })}
                </Text>
              )}
              {props.slots.length > 1 && (
                <Group justify="flex-end">
                  <ActionIcon variant="subtle" color="red" onClick={() => props.onRemoveSlot(i)} aria-label={t('setup.rule.removeSlot', { n: i + 1 })} title={t('setup.rule.removeSlot', { n: i + 1 })}>
                    ✕
                  </ActionIcon>
                </Group>
              )}
            </Stack>
          </Fieldset>
        ))}
      {props.scheduled && (
        <Group>
          <Button size="xs" variant="default" onClick={props.onAddSlot} data-testid="schedule-add-slot">
            {t('setup.rule.addSlot')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
