import { useCallback, useEffect, useState } from 'react';
import { ActionIcon, AppShell, Badge, Button, Group, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useLive, type LiveStatus } from './api/live.js';
import { isShadowItem, type EventItem, type Permission } from './api/types.js';
import { beep, unlockAudio } from './beep.js';
import { Forbidden, Loading, Toasts, toast, useMuted } from './components/common.js';
import { LanguageSwitch } from './components/LanguageSwitch.js';
import { useI18n, type TKey } from './i18n.js';
import { href, parseRoute, useHash, type Route } from './router.js';
import { useSession } from './session.js';
import { AccessRequests } from './screens/AccessRequests.js';
import { AlertQueue, type QueueState } from './screens/AlertQueue.js';
import { Audit } from './screens/Audit.js';
import { CameraAdmin } from './screens/CameraAdmin.js';
import { CameraWall } from './screens/CameraWall.js';
import { EventDetail } from './screens/EventDetail.js';
import { Holds } from './screens/Holds.js';
import { Incidents } from './screens/Incidents.js';
import { Integrations } from './screens/Integrations.js';
import { Login } from './screens/Login.js';
import { Recordings } from './screens/Recordings.js';
import { Report } from './screens/Report.js';
import { Statistics } from './screens/Statistics.js';
import { Users } from './screens/Users.js';
import { ZoneEditor } from './screens/ZoneEditor.js';

const NAV: { route: Route; label: TKey; needs: Permission; testid: string }[] = [
  { route: { name: 'queue' }, label: 'nav.queue', needs: 'events.read', testid: 'nav-queue' },
  { route: { name: 'cameras' }, label: 'nav.cameras', needs: 'cameras.read', testid: 'nav-cameras' },
  { route: { name: 'stats' }, label: 'nav.stats', needs: 'events.read', testid: 'nav-stats' },
  { route: { name: 'incidents' }, label: 'nav.incidents', needs: 'events.read', testid: 'nav-incidents' },
  { route: { name: 'report' }, label: 'nav.report', needs: 'reports.read', testid: 'nav-report' },
  { route: { name: 'recordings' }, label: 'nav.recordings', needs: 'recordings.view', testid: 'nav-recordings' },
  { route: { name: 'holds' }, label: 'nav.holds', needs: 'holds.manage', testid: 'nav-holds' },
  { route: { name: 'accessRequests' }, label: 'nav.accessRequests', needs: 'access_requests.manage', testid: 'nav-access-requests' },
  { route: { name: 'audit' }, label: 'nav.audit', needs: 'audit.read', testid: 'nav-audit' },
  { route: { name: 'setup' }, label: 'nav.setup', needs: 'config.write', testid: 'nav-setup' },
  { route: { name: 'cameraAdmin' }, label: 'nav.cameraAdmin', needs: 'cameras.write', testid: 'nav-camera-admin' },
  { route: { name: 'users' }, label: 'nav.users', needs: 'users.read', testid: 'nav-users' },
  { route: { name: 'integrations' }, label: 'nav.integrations', needs: 'integrations.manage', testid: 'nav-integrations' },
];

/** Permission each screen needs (the event detail is part of the queue). */
function needs(route: Route): Permission | null {
  switch (route.name) {
    case 'queue':
    case 'event':
      return 'events.read';
    case 'cameras':
      return 'cameras.read';
    case 'setup':
      return 'config.write';
    case 'cameraAdmin':
      return 'cameras.write';
    case 'users':
      return 'users.read';
    case 'stats':
      // GET /api/cameras/:id/counts needs events.read (anonymous counts, no image).
      return 'events.read';
    case 'recordings':
      return 'recordings.view';
    case 'holds':
      return 'holds.manage';
    case 'accessRequests':
      return 'access_requests.manage';
    case 'audit':
      return 'audit.read';
    case 'report':
      return 'reports.read';
    case 'integrations':
      return 'integrations.manage';
    case 'incidents':
      // Reading the log needs events.read; logging one needs incidents.write (checked on the screen).
      return 'events.read';
    case 'home':
      return null;
  }
}

export function App() {
  const { session } = useSession();
  if (session === undefined) return <Loading />;
  if (session === null) return <Login />;
  return <Console />;
}

function Console() {
  const { t } = useI18n();
  const { session, can, logout } = useSession();
  const route = parseRoute(useHash());
  const [muted, setMuted] = useMuted();
  const [queue, setQueue] = useState<QueueState>({ filters: {}, selected: null });

  // Browsers need a user gesture before playing sound: any key or click unlocks it.
  useEffect(() => {
    const unlock = () => unlockAudio();
    window.addEventListener('pointerdown', unlock, { once: true });
    window.addEventListener('keydown', unlock, { once: true });
    return () => {
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
    };
  }, []);

  const onNewAlert = useCallback(
    (item: EventItem) => {
      // Shadow events (rules in observation mode) are never announced to operators.
      if (isShadowItem(item)) return;
      if (!muted) beep(item.event.severity);
      // On the queue the row itself flashes; elsewhere a toast says where to look.
      if (parseRoute(window.location.hash).name === 'queue') return;
      toast(t('queue.newAlert', { type: t(`type.${item.event.type}`), camera: item.event.camera }), item.event.severity === 'high' ? 'red' : item.event.severity === 'medium' ? 'orange' : 'yellow', 6_000);
    },
    [muted, t],
  );
  const live = useLive(true, onNewAlert);

  const allowed = NAV.filter((n) => can(n.needs));
  const home = allowed[0]?.route;
  useEffect(() => {
    if (route.name === 'home' && home) window.location.replace(href(home));
  }, [route.name, home]);

  const need = needs(route);
  let screen: React.ReactNode;
  if (need && !can(need)) screen = <Forbidden />;
  else
    switch (route.name) {
      case 'queue':
        screen = <AlertQueue state={queue} setState={setQueue} />;
        break;
      case 'event':
        screen = <EventDetail key={route.id} id={route.id} />;
        break;
      case 'cameras':
        screen = <CameraWall />;
        break;
      case 'setup':
        screen = <ZoneEditor cameraParam={route.camera} />;
        break;
      case 'cameraAdmin':
        screen = <CameraAdmin />;
        break;
      case 'users':
        screen = <Users />;
        break;
      case 'stats':
        screen = <Statistics />;
        break;
      case 'recordings':
        screen = <Recordings key={route.at ?? ''} cameraParam={route.camera} at={route.at} />;
        break;
      case 'holds':
        screen = <Holds />;
        break;
      case 'accessRequests':
        screen = <AccessRequests id={route.id} />;
        break;
      case 'audit':
        screen = <Audit />;
        break;
      case 'report':
        screen = <Report />;
        break;
      case 'integrations':
        screen = <Integrations />;
        break;
      case 'incidents':
        screen = <Incidents key={route.event ?? ''} eventId={route.event} />;
        break;
      case 'home':
        screen = home ? <Loading /> : <Forbidden />;
        break;
    }
  const active = route.name === 'event' ? 'queue' : route.name;

  return (
    <AppShell header={{ height: 60 }} padding="md">
      <a href="#main" className="vigie-skip">
        {t('app.skip')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          {/* The nav scrolls sideways when a role has many screens (the DPO's), so the right-hand controls always stay on screen. */}
          <Group gap="lg" wrap="nowrap" style={{ minWidth: 0, flex: 1 }}>
            <Text fw={800} size="xl" c="white" aria-hidden>
              {t('app.name')}
            </Text>
            <nav aria-label={t('nav.main')} className="vigie-nav-bar">
              <Group gap={4} wrap="nowrap">
                {allowed.map((n) => (
                  <UnstyledButton
                    key={n.testid}
                    component="a"
                    href={href(n.route)}
                    className="vigie-nav"
                    data-active={active === n.route.name || undefined}
                    aria-current={active === n.route.name ? 'page' : undefined}
                    data-testid={n.testid}
                  >
                    {t(n.label)}
                  </UnstyledButton>
                ))}
              </Group>
            </nav>
          </Group>
          <Group gap="sm" wrap="nowrap" style={{ flexShrink: 0 }}>
            <LiveBadge status={live} />
            {can('events.read') && (
              <Tooltip label={muted ? t('header.unmute') : t('header.mute')}>
                <ActionIcon
                  size="lg"
                  variant={muted ? 'filled' : 'default'}
                  color={muted ? 'orange' : undefined}
                  onClick={() => {
                    setMuted(!muted);
                    if (muted) beep('low');
                  }}
                  aria-label={muted ? t('header.unmute') : t('header.mute')}
                  aria-pressed={muted}
                  data-testid="mute-toggle"
                >
                  <SpeakerIcon muted={muted} />
                </ActionIcon>
              </Tooltip>
            )}
            <LanguageSwitch />
            <Text size="sm" c="dimmed" data-testid="current-user" visibleFrom="xl">
              {session?.user.displayName || session?.user.username} · {session ? t(`role.${session.user.role}`) : ''}
            </Text>
            <Button variant="default" size="xs" onClick={() => void logout()} data-testid="logout">
              {t('header.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main id="main" tabIndex={-1}>
        {screen}
      </AppShell.Main>
      <Toasts />
    </AppShell>
  );
}

function SpeakerIcon({ muted }: { muted: boolean }) {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d="M11 5 6 9H2v6h4l5 4V5z" fill="currentColor" />
      {muted ? (
        <>
          <line x1="23" y1="9" x2="17" y2="15" />
          <line x1="17" y1="9" x2="23" y2="15" />
        </>
      ) : (
        <>
          <path d="M15.5 8.5a5 5 0 0 1 0 7" />
          <path d="M19 5a10 10 0 0 1 0 14" />
        </>
      )}
    </svg>
  );
}

function LiveBadge({ status }: { status: LiveStatus }) {
  const { t } = useI18n();
  const color = status === 'open' ? 'green' : status === 'connecting' ? 'blue' : 'red';
  return (
    <Badge color={color} variant={status === 'reconnecting' ? 'filled' : 'dot'} size="lg" data-testid="live-status" data-status={status} role="status">
      {t(`header.live.${status}`)}
    </Badge>
  );
}
