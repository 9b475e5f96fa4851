/**
 * "Intégrations" (admins): whether the MQTT broker is connected, each webhook
 * with its delivery counters (or why it does not run), and the dead-letter
 * list with the last answer of each delivery, to retry or discard (audited by
 * the server). No payload is shown: which event and change, not what it showed.
 */
import { Alert, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useDeadLetters, useDeliveryAction, useIntegrations, type Delivery } from '../api/integrations.js';
import { ErrorBox, Loading, toast } from '../components/common.js';
import { useI18n } from '../i18n.js';

export function Integrations() {
  const { t } = useI18n();
  const overview = useIntegrations();
  return (
    <Stack gap="md" data-testid="integrations-screen">
      <Title order={1} size="h2">
        {t('integrations.title')}
      </Title>
      <Text c="dimmed">{t('integrations.explain')}</Text>
      {overview.isPending ? (
        <Loading />
      ) : overview.isError ? (
        <ErrorBox error={overview.error} onRetry={() => void overview.refetch()} />
      ) : (
        <>
          <Title order={2} size="h3">
            {t('integrations.mqtt')}
          </Title>
          {overview.data.mqtt === null ? (
            <Text c="dimmed" data-testid="mqtt-none">
              {t('integrations.mqtt.none')}
            </Text>
          ) : (
            <Group gap="sm" data-testid="mqtt-state">
              <Badge color={overview.data.mqtt.connected ? 'green' : 'red'} variant="filled" size="lg" radius="sm">
                {overview.data.mqtt.connected ? t('integrations.mqtt.connected') : t('integrations.mqtt.disconnected')}
              </Badge>
              <Text>{overview.data.mqtt.url}</Text>
              <Text size="sm" c="dimmed">
                {t('integrations.mqtt.queue', { queued: overview.data.mqtt.queued, dropped: overview.data.mqtt.dropped })}
              </Text>
              {overview.data.mqtt.lastError && (
                <Text size="sm" c="red">
                  {overview.data.mqtt.lastError}
                </Text>
              )}
            </Group>
          )}
          <Title order={2} size="h3">
            {t('integrations.webhooks')}
          </Title>
          {overview.data.webhooks.length === 0 ? (
            <Text c="dimmed">{t('integrations.webhooks.none')}</Text>
          ) : (
            <Table withTableBorder verticalSpacing="sm" data-testid="webhooks-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('integrations.col.webhook')}</Table.Th>
                  <Table.Th>{t('integrations.col.state')}</Table.Th>
                  <Table.Th>{t('integrations.col.delivered')}</Table.Th>
                  <Table.Th>{t('integrations.col.pending')}</Table.Th>
                  <Table.Th>{t('integrations.col.dead')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {overview.data.webhooks.map((w) => (
                  <Table.Tr key={w.id} data-testid="webhook-row" data-webhook-id={w.id}>
                    <Table.Td>
                      <Text fw={700}>{w.id}</Text>
                      <Text size="sm" c="dimmed">
                        {w.url}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {w.active ? (
                        <Badge color="green" variant="light">
                          {t('integrations.webhook.active')}
                        </Badge>
                      ) : (
                        <Stack gap={2}>
                          <Badge color="red" variant="light">
                            {t('integrations.webhook.stopped')}
                          </Badge>
                          <Text size="sm">{w.problem}</Text>
                        </Stack>
                      )}
                    </Table.Td>
                    <Table.Td data-testid="webhook-delivered">{w.counts.delivered}</Table.Td>
                    <Table.Td data-testid="webhook-pending">{w.counts.pending}</Table.Td>
                    <Table.Td data-testid="webhook-dead">{w.counts.dead}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <DeadLetters />
        </>
      )}
    </Stack>
  );
}

function DeadLetters() {
  const { t, dateTime } = useI18n();
  const dead = useDeadLetters();
  const act = useDeliveryAction();
  const run = (d: Delivery, action: 'retry' | 'discard') =>
    act.mutate({ id: d.id, action }, { onSuccess: () => toast(t(action === 'retry' ? 'integrations.retried' : 'integrations.discarded', { event: d.eventId }), 'blue') });
  return (
    <>
      <Title order={2} size="h3">
        {t('integrations.dead')}
      </Title>
      {act.isError && (
        <Alert color="red" variant="light" role="alert">
          {t('common.error', { message: act.error.message })}
        </Alert>
      )}
      {dead.isPending ? (
        <Loading />
      ) : dead.isError ? (
        <ErrorBox error={dead.error} onRetry={() => void dead.refetch()} />
      ) : dead.data.items.length === 0 ? (
        <Text c="dimmed" data-testid="dead-empty">
          {t('integrations.dead.none')}
        </Text>
      ) : (
        <Table striped withTableBorder verticalSpacing="sm" data-testid="dead-table">
          <Table.Caption>{t('integrations.dead.caption')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('integrations.col.webhook')}</Table.Th>
              <Table.Th>{t('integrations.col.event')}</Table.Th>
              <Table.Th>{t('integrations.col.attempts')}</Table.Th>
              <Table.Th>{t('integrations.col.lastError')}</Table.Th>
              <Table.Th>{t('integrations.col.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {dead.data.items.map((d) => (
              <Table.Tr key={d.id} data-testid="dead-row" data-delivery-id={d.id}>
                <Table.Td>{d.webhookId}</Table.Td>
                <Table.Td>
                  <Text size="sm">{t('integrations.event', { type: t(`type.${d.eventType}`), camera: d.camera, change: t(`integrations.change.${d.change}`) })}</Text>
                  <Text size="xs" c="dimmed">
                    {d.eventId} · {dateTime(d.createdAt)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {d.attempts} / {d.maxAttempts}
                </Table.Td>
                <Table.Td data-testid="dead-error">
                  <Text size="sm" style={{ wordBreak: 'break-word' }}>
                    {d.lastError ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button size="xs" onClick={() => run(d, 'retry')} loading={act.isPending && act.variables.id === d.id && act.variables.action === 'retry'} aria-label={t('integrations.retryFor', { event: d.eventId })} data-testid="dead-retry">
                      {t('integrations.retry')}
                    </Button>
                    <Button size="xs" color="red" variant="outline" onClick={() => run(d, 'discard')} aria-label={t('integrations.discardFor', { event: d.eventId })} data-testid="dead-discard">
                      {t('integrations.discard')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}
