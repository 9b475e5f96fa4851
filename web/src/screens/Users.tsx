import { useState, type FormEvent } from 'react';
import { Badge, Button, Group, Modal, Paper, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.js';
import { keys, useUsers } from '../api/queries.js';
import { ROLE_LIST, type Role, type User } from '../api/types.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { ErrorBox, Loading, toast } from '../components/common.js';

type Patch = Partial<Pick<User, 'displayName' | 'role' | 'disabled'>> & { password?: string };

export function Users() {
  const { t, dateTime } = useI18n();
  const { can, session } = useSession();
  const canWrite = can('users.write');
  const q = useUsers();
  const qc = useQueryClient();
  const [resetFor, setResetFor] = useState<User | null>(null);
  const roleOptions = ROLE_LIST.map((r) => ({ value: r, label: t(`role.${r}`) }));

  const patch = useMutation({
    mutationFn: ({ user, body }: { user: User; body: Patch }) => api<{ user: User }>('PATCH', `/api/users/${encodeURIComponent(user.id)}`, body),
    onSuccess: ({ user }) => {
      qc.setQueryData<{ users: User[] }>(keys.users, (old) => (old ? { users: old.users.map((u) => (u.id === user.id ? user : u)) } : old));
      toast(t('users.updated', { username: user.username }), 'green', 3_000);
    },
    onError: (err) => toast(t('users.failed', { message: err.message }), 'red', 8_000),
  });

  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('users.title')}
      </Title>
      <Group align="flex-start" wrap="nowrap" gap="md">
        <Paper withBorder style={{ flex: 1, minWidth: 0 }}>
          <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="xs" fz="md" data-testid="users-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('users.username')}</Table.Th>
                <Table.Th>{t('users.displayName')}</Table.Th>
                <Table.Th>{t('users.role')}</Table.Th>
                <Table.Th>{t('users.state')}</Table.Th>
                <Table.Th>{t('users.created')}</Table.Th>
                {canWrite && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.users.map((u) => {
                const self = u.id === session?.user.id;
                return (
                  <Table.Tr key={u.id} data-testid="user-row" data-username={u.username} data-disabled={u.disabled} style={u.disabled ? { opacity: 0.6 } : undefined}>
                    <Table.Td fw={600}>
                      {u.username} {self && <Text span c="dimmed" size="sm">{t('users.you')}</Text>}
                    </Table.Td>
                    <Table.Td>{u.displayName}</Table.Td>
                    <Table.Td>
                      {canWrite && !self ? (
                        <Select
                          aria-label={`${t('users.role')} — ${u.username}`}
                          data={roleOptions}
                          value={u.role}
                          allowDeselect={false}
                          w={210}
                          onChange={(v) => v && v !== u.role && patch.mutate({ user: u, body: { role: v } })}
                          data-testid="user-role-select"
                        />
                      ) : (
                        t(`role.${u.role}`)
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={u.disabled ? 'gray' : 'green'} variant="light">
                        {u.disabled ? t('users.disabled') : t('users.active')}
                      </Badge>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(u.createdAt)}</Table.Td>
                    {canWrite && (
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          {!self && (
                            <Button
                              size="xs"
                              variant="light"
                              color={u.disabled ? 'green' : 'red'}
                              onClick={() => patch.mutate({ user: u, body: { disabled: !u.disabled } })}
                              data-testid="user-disable-toggle"
                            >
                              {u.disabled ? t('users.enable') : t('users.disable')}
                            </Button>
                          )}
                          <Button size="xs" variant="default" onClick={() => setResetFor(u)} data-testid="user-reset-password">
                            {t('users.resetPassword')}
                          </Button>
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          </Table.ScrollContainer>
        </Paper>
        {canWrite && <CreateUser />}
      </Group>
      <Modal opened={resetFor !== null} onClose={() => setResetFor(null)} title={`${t('users.resetPassword')} — ${resetFor?.username ?? ''}`}>
        <ResetPassword
          onSubmit={(password) => {
            if (resetFor) patch.mutate({ user: resetFor, body: { password } });
            setResetFor(null);
          }}
        />
      </Modal>
    </Stack>
  );
}

function ResetPassword({ onSubmit }: { onSubmit: (password: string) => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (password) onSubmit(password);
      }}
    >
      <Stack>
        <PasswordInput label={t('users.resetPassword')} description={t('users.passwordHelp')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" data-autofocus />
        <Group justify="flex-end">
          <Button type="submit" disabled={!password}>
            {t('users.resetSubmit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function CreateUser() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: { username: string; displayName: string; role: Role; password: string }) => api<{ user: User }>('POST', '/api/users', body),
    onSuccess: ({ user }) => {
      void qc.invalidateQueries({ queryKey: keys.users });
      toast(t('users.created.ok', { username: user.username }), 'green');
      setUsername('');
      setDisplayName('');
      setPassword('');
      setError(null);
    },
    onError: (err) => setError(err.message),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ username: username.trim(), displayName: displayName.trim() || username.trim(), role, password });
  };
  return (
    <Paper withBorder p="md" w={300} style={{ flexShrink: 0 }}>
      <form onSubmit={submit} data-testid="user-create-form">
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('users.create')}
          </Title>
          <TextInput label={t('users.username')} value={username} onChange={(e) => setUsername(e.currentTarget.value)} required autoComplete="off" data-testid="user-create-username" />
          <TextInput label={t('users.displayName')} value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} data-testid="user-create-display-name" />
          <Select
            label={t('users.role')}
            data={ROLE_LIST.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            value={role}
            allowDeselect={false}
            onChange={(v) => v && setRole(v)}
            data-testid="user-create-role"
          />
          <PasswordInput
            label={t('users.password')}
            description={t('users.passwordHelp')}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            required
            autoComplete="new-password"
            data-testid="user-create-password"
          />
          {error && (
            <Text c="red.4" role="alert" size="sm" data-testid="user-create-error">
              {t('users.failed', { message: error })}
            </Text>
          )}
          <Button type="submit" loading={create.isPending} disabled={!username.trim() || !password} data-testid="user-create-submit">
            {t('users.submit')}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
