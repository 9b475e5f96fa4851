/**
 * Hash routing (#/alerts, #/events/<id>, ...): the server only has to serve
 * index.html at `/`, and reloading any screen works without server-side routes.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'queue' }
  | { name: 'event'; id: string }
  | { name: 'cameras' }
  | { name: 'setup'; camera?: string }
  | { name: 'cameraAdmin' }
  | { name: 'users' }
  | { name: 'stats' }
  | { name: 'recordings'; camera?: string; at?: string }
  | { name: 'holds' }
  | { name: 'accessRequests'; id?: string }
  | { name: 'audit' }
  | { name: 'report' }
  | { name: 'incidents'; event?: string }
  | { name: 'integrations' }
  | { name: 'home' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'alerts':
      return { name: 'queue' };
    case 'events':
      return parts[1] ? { name: 'event', id: parts[1] } : { name: 'queue' };
    case 'cameras':
      return { name: 'cameras' };
    case 'setup':
      return parts[1] ? { name: 'setup', camera: parts[1] } : { name: 'setup' };
    case 'users':
      return { name: 'users' };
    case 'stats':
      return { name: 'stats' };
    case 'recordings':
      return { name: 'recordings', ...(parts[1] ? { camera: parts[1] } : {}), ...(parts[1] && parts[2] ? { at: parts[2] } : {}) };
    case 'holds':
      return { name: 'holds' };
    case 'access-requests':
      return parts[1] ? { name: 'accessRequests', id: parts[1] } : { name: 'accessRequests' };
    case 'audit':
      return { name: 'audit' };
    case 'report':
      return { name: 'report' };
    case 'integrations':
      return { name: 'integrations' };
    case 'incidents':
      // #/incidents/new/<event id>: the form prefilled from that event.
      return parts[1] === 'new' && parts[2] ? { name: 'incidents', event: parts[2] } : { name: 'incidents' };
    case 'admin':
      // Not under #/setup/: a camera may well be called "cameras" (#/setup/<camera> is the zone editor).
      return parts[1] === 'cameras' ? { name: 'cameraAdmin' } : { name: 'home' };
    default:
      return { name: 'home' };
  }
}

export function href(route: Route): string {
  switch (route.name) {
    case 'queue':
      return '#/alerts';
    case 'event':
      return `#/events/${encodeURIComponent(route.id)}`;
    case 'cameras':
      return '#/cameras';
    case 'setup':
      return route.camera ? `#/setup/${encodeURIComponent(route.camera)}` : '#/setup';
    case 'users':
      return '#/users';
    case 'stats':
      return '#/stats';
    case 'recordings':
      return route.camera ? `#/recordings/${encodeURIComponent(route.camera)}${route.at ? `/${encodeURIComponent(route.at)}` : ''}` : '#/recordings';
    case 'holds':
      return '#/holds';
    case 'accessRequests':
      return route.id ? `#/access-requests/${encodeURIComponent(route.id)}` : '#/access-requests';
    case 'audit':
      return '#/audit';
    case 'report':
      return '#/report';
    case 'integrations':
      return '#/integrations';
    case 'incidents':
      return route.event ? `#/incidents/new/${encodeURIComponent(route.event)}` : '#/incidents';
    case 'cameraAdmin':
      return '#/admin/cameras';
    case 'home':
      return '#/';
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash);
}
