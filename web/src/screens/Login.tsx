import { useState, type FormEvent } from 'react';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { ApiError } from '../api/client.js';
import { unlockAudio } from '../beep.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';

/** "45 s" or "3 min" (the same in French and English). */
function formatWait(s: number): string {
  return s < 60 ? `${s} s` : `${Math.ceil(s / 60)} min`;
}

export function Login() {
  const { t } = useI18n();
  const { login, expired } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    unlockAudio(); // the sign-in click is the user gesture browsers need before alert sounds
    if (!username.trim() || !password) {
      setError(t('login.error.missing'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (err) {
      setPassword('');
      if (err instanceof ApiError) {
        if (err.status === 429) {
          setError(err.retryAfterS ? t('login.error.rateLimited', { time: formatWait(err.retryAfterS) }) : t('login.error.rateLimitedNoTime'));
        } else if (err.status === 401 || err.status === 403) {
          setError(t('login.error.credentials'));
        } else if (err.status === 0) {
          setError(t('login.error.network'));
        } else {
          setError(t('login.error.other', { message: err.message }));
        }
      } else {
        setError(t('login.error.other', { message: String(err) }));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="md" p="xl" radius="md" w={420} component="main">
        <form onSubmit={(e) => void submit(e)} noValidate data-testid="login-form" aria-labelledby="login-title">
          <Stack gap="md">
            <div>
              <Title order={1} id="login-title" size="h2">
                {t('login.title')}
              </Title>
              <Text c="dimmed">{t('login.subtitle')}</Text>
            </div>
            {expired && !error && (
              <Alert color="yellow" variant="light" data-testid="login-expired">
                {t('login.sessionExpired')}
              </Alert>
            )}
            {error && (
              <Alert color="red" variant="filled" role="alert" data-testid="login-error">
                {error}
              </Alert>
            )}
            <TextInput
              label={t('login.username')}
              name="username"
              autoComplete="username"
              autoFocus
              size="md"
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              data-testid="login-username"
              required
            />
            <PasswordInput
              label={t('login.password')}
              name="password"
              autoComplete="current-password"
              size="md"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              data-testid="login-password"
              required
            />
            <Button type="submit" size="md" loading={busy} data-testid="login-submit">
              {t('login.submit')}
            </Button>
            <LanguageSwitch />
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
