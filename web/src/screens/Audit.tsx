/**
 * "Journal d'audit": the DPO reads who did what, when and from where
 * (`GET /api/audit`, newest first), filters it by action, actor and time,
 * exports what is shown as CSV, and sees the latest signed anchor of the chain.
 * The compliance report's links sit here too, for roles that may read it.
 */
import { useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Alert, Button, Code, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { api } from '../api/client.js';
import {
  AUDIT_ACTIONS,
  AUDIT_PAGE_SIZE,
  auditCsvHref,
  auditQuery,
  formatDetails,
  isKnownAction,
  mergePages,
  nextPageTo,
  SYSTEM_ACTORS,
  type AuditFilters,
  type AuditItem,
  type AuditPage,
} from '../api/audit.js';
import { useUsers } from '../api/queries.js';
import { fromLocalInput } from '../api/recording.js';
import { ErrorBox, Loading } from '../components/common.js';
import { useI18n, type T } from '../i18n.js';
import { useSession } from '../session.js';

/** The chain is checked outside the console (docs/AUDIT.md), against a copy of the public key kept elsewhere. */
const VERIFY_COMMAND = 'vigie audit verify --key instance-ed25519.pub.pem';

/** Select value meaning "type the action's exact name" (for actions this console does not name yet). */
const OTHER_ACTION = '__other';

function actionLabel(t: T, action: string): string {
  return isKnownAction(action) ? t(`audit.action.${action}`) : action;
}

function systemActorLabel(t: T, actor: string): string | null {
  if (actor === 'system') return t('audit.actor.system');
  if (actor === 'anonymous') return t('audit.actor.anonymous');
  return null;
}

interface Draft {
  action: string | null;
  actionCustom: string;
  actor: string | null;
  actorFree: string;
  from: string;
  to: string;
}
const EMPTY_DRAFT: Draft = { action: null, actionCustom: '', actor: null, actorFree: '', from: '', to: '' };

export function Audit() {
  const { t, dateTime } = useI18n();
  const { can } = useSession();
  // Actors are user ids: with users.read they are picked by username, otherwise typed.
  const canListUsers = can('users.read');
  const users = useUsers(canListUsers);
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [applied, setApplied] = useState<AuditFilters>({});
  // Bumped by each apply, so that applying the same filters again shows what was written since.
  const [run, setRun] = useState(0);
  const [tried, setTried] = useState(false);

  const entries = useInfiniteQuery({
    queryKey: ['audit', applied, run],
    queryFn: async ({ pageParam, signal }) => {
      const filters = pageParam ? { ...applied, to: pageParam } : applied;
      return (await api<AuditPage>('GET', `/api/audit${auditQuery(filters, { limit: AUDIT_PAGE_SIZE })}`, undefined, { signal })).items;
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => nextPageTo(last, AUDIT_PAGE_SIZE),
  });
  // The server signs the chain's head at start and hourly: the latest anchor says how far the log is sealed.
  const anchor = useQuery({
    queryKey: ['audit', 'anchor', run],
    queryFn: async ({ signal }) => (await api<AuditPage>('GET', `/api/audit${auditQuery({ action: 'audit.anchor' }, { limit: 1 })}`, undefined, { signal })).items[0] ?? null,
  });

  const userName = (id: string | null) => (id ? users.data?.users.find((u) => u.id === id)?.username : undefined);
  const actorShown = (e: AuditItem) => e.actorName ?? systemActorLabel(t, e.actor) ?? e.actor;

  const fromIso = fromLocalInput(draft.from);
  const toIso = fromLocalInput(draft.to);
  const rangeError = fromIso && toIso && fromIso >= toIso ? t('audit.error.order') : null;
  const apply = () => {
    setTried(true);
    if (rangeError) return;
    const action = draft.action === OTHER_ACTION ? draft.actionCustom.trim() : (draft.action ?? '');
    const actor = canListUsers ? (draft.actor ?? '') : draft.actorFree.trim();
    setApplied({
      ...(action ? { action } : {}),
      ...(actor ? { actor } : {}),
      ...(fromIso ? { from: fromIso } : {}),
      ...(toIso ? { to: toIso } : {}),
    });
    setRun((n) => n + 1);
  };
  const reset = () => {
    setDraft(EMPTY_DRAFT);
    setTried(false);
    setApplied({});
    setRun((n) => n + 1);
  };

  const actionOptions = [
    ...AUDIT_ACTIONS.map((a) => ({ value: a, label: actionLabel(t, a) })).sort((a, b) => a.label.localeCompare(b.label)),
    { value: OTHER_ACTION, label: t('audit.filter.actionOther') },
  ];
  const actorOptions = [
    ...(users.data?.users ?? []).map((u) => ({ value: u.id, label: u.displayName && u.displayName !== u.username ? `${u.username} (${u.displayName})` : u.username })),
    ...SYSTEM_ACTORS.map((a) => ({ value: a, label: systemActorLabel(t, a) ?? a })),
  ];

  const items = mergePages(entries.data?.pages ?? []);
  return (
    <Stack gap="md" data-testid="audit-screen">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4} maw={900}>
          <Title order={1} size="h2">
            {t('audit.title')}
          </Title>
          <Text>{t('audit.intro')}</Text>
        </Stack>
        {can('audit.export') && (
          <Stack gap={4} align="flex-end" maw={360}>
            <Button component="a" href={auditCsvHref(applied)} download size="md" data-testid="audit-export">
              {t('audit.export')}
            </Button>
            <Text size="sm" ta="right">
              {t('audit.exportHelp')}
            </Text>
          </Stack>
        )}
      </Group>

      <Group align="stretch" grow wrap="wrap">
        <Paper withBorder p="md" data-testid="audit-chain">
          <Title order={2} size="h4" mb="xs">
            {t('audit.chain.title')}
          </Title>
          {anchor.isPending ? (
            <Loading />
          ) : anchor.isError ? (
            <ErrorBox error={anchor.error} onRetry={() => void anchor.refetch()} />
          ) : anchor.data ? (
            <Text data-testid="audit-anchor" data-seq={String(anchor.data.details.seq ?? '')}>
              {t('audit.chain.anchor', { seq: String(anchor.data.details.seq ?? anchor.data.target ?? '?'), time: dateTime(anchor.data.at) })}
            </Text>
          ) : (
            <Text data-testid="audit-anchor-none">{t('audit.chain.none')}</Text>
          )}
          <Text size="sm" mt="xs">
            {t('audit.chain.verify')} <Code>{VERIFY_COMMAND}</Code>
          </Text>
        </Paper>
        {can('reports.read') && (
          <Paper withBorder p="md" data-testid="compliance-report">
            <Title order={2} size="h4" mb="xs">
              {t('audit.report.title')}
            </Title>
            <Text mb="sm">{t('audit.report.help')}</Text>
            <Group gap="sm">
              <Button component="a" href="/api/compliance/report.html" target="_blank" rel="noopener noreferrer" variant="default" data-testid="compliance-report-html">
                {t('audit.report.html')}
              </Button>
              <Button component="a" href="/api/compliance/report.pdf" download variant="default" data-testid="compliance-report-pdf">
                {t('audit.report.pdf')}
              </Button>
            </Group>
          </Paper>
        )}
      </Group>

      <Paper withBorder p="md" component="section" aria-label={t('audit.filters')}>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            apply();
          }}
          data-testid="audit-filters"
        >
          <Group align="flex-end" gap="md" wrap="wrap">
            <Select
              label={t('audit.filter.action')}
              placeholder={t('audit.filter.actionAny')}
              clearable
              searchable
              w={300}
              data={actionOptions}
              value={draft.action}
              onChange={(v) => setDraft({ ...draft, action: v })}
              data-testid="audit-filter-action"
            />
            {draft.action === OTHER_ACTION && (
              <TextInput
                label={t('audit.filter.actionCustom')}
                placeholder={t('audit.filter.actionCustomHelp')}
                value={draft.actionCustom}
                onChange={(e) => setDraft({ ...draft, actionCustom: e.currentTarget.value })}
                maxLength={100}
                w={220}
                data-testid="audit-filter-action-custom"
              />
            )}
            {canListUsers ? (
              <Select
                label={t('audit.filter.actor')}
                placeholder={t('audit.filter.actorAny')}
                clearable
                searchable
                w={260}
                data={actorOptions}
                value={draft.actor}
                onChange={(v) => setDraft({ ...draft, actor: v })}
                data-testid="audit-filter-actor"
              />
            ) : (
              <TextInput
                label={t('audit.filter.actorFree')}
                value={draft.actorFree}
                onChange={(e) => setDraft({ ...draft, actorFree: e.currentTarget.value })}
                maxLength={100}
                w={300}
                data-testid="audit-filter-actor"
              />
            )}
            <TextInput type="datetime-local" label={t('audit.filter.from')} value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} data-testid="audit-filter-from" />
            <TextInput
              type="datetime-local"
              label={t('audit.filter.to')}
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
              error={tried ? rangeError : null}
              data-testid="audit-filter-to"
            />
            <Button type="submit" size="md" data-testid="audit-apply">
              {t('audit.filter.apply')}
            </Button>
            <Button variant="default" size="md" onClick={reset} data-testid="audit-reset">
              {t('audit.filter.reset')}
            </Button>
          </Group>
        </form>
      </Paper>

      {entries.isPending ? (
        <Loading />
      ) : !entries.data ? (
        <ErrorBox error={entries.error} onRetry={() => void entries.refetch()} />
      ) : items.length === 0 ? (
        <Text size="lg" data-testid="audit-empty">
          {t('audit.empty')}
        </Text>
      ) : (
        <>
          <Text role="status" data-testid="audit-count">
            {t('audit.count', { count: items.length })}
          </Text>
          <Table striped highlightOnHover withTableBorder verticalSpacing="sm" fz="md" data-testid="audit-table">
            <Table.Caption>{t('audit.caption')}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('audit.col.time')}</Table.Th>
                <Table.Th>{t('audit.col.actor')}</Table.Th>
                <Table.Th>{t('audit.col.action')}</Table.Th>
                <Table.Th>{t('audit.col.target')}</Table.Th>
                <Table.Th>{t('audit.col.details')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e) => (
                <Table.Tr key={e.seq} data-testid="audit-row" data-seq={e.seq} data-action={e.action} data-actor={e.actor} data-at={e.at}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="audit-time">
                    {dateTime(e.at)}
                  </Table.Td>
                  <Table.Td data-testid="audit-actor">{actorShown(e)}</Table.Td>
                  <Table.Td data-testid="audit-action">
                    <Text fw={600} inherit>
                      {actionLabel(t, e.action)}
                    </Text>
                    {isKnownAction(e.action) && (
                      <Text size="xs" ff="monospace">
                        {e.action}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td data-testid="audit-target">{userName(e.target) ?? e.target ?? '—'}</Table.Td>
                  <Table.Td data-testid="audit-details" style={{ wordBreak: 'break-word' }}>
                    {formatDetails(e.details, dateTime)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {entries.hasNextPage ? (
            <Group justify="center">
              <Button variant="default" size="md" onClick={() => void entries.fetchNextPage()} loading={entries.isFetchingNextPage} data-testid="audit-more">
                {t('audit.more')}
              </Button>
            </Group>
          ) : (
            <Text ta="center" data-testid="audit-end">
              {t('audit.end')}
            </Text>
          )}
          {entries.isFetchNextPageError && (
            <Alert color="red" variant="light" role="alert">
              {t('common.error', { message: entries.error.message })}
            </Alert>
          )}
        </>
      )}
    </Stack>
  );
}
