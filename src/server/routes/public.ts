import { emptyConfig } from '../../config/schema.js';
import { buildPublicPage, type PublicPageModel } from '../../public/model.js';
import { PUBLIC_PAGE_CSP, renderPublicPage } from '../../public/render.js';
import type { ServerDeps } from '../deps.js';
import { route, type RouteSpec } from '../route.js';

/** The public information page (docs/PUBLIC-PAGE.md): no login, from the configuration in force. */
export function publicRoutes(deps: ServerDeps): RouteSpec[] {
  const model = async (): Promise<PublicPageModel> => {
    const current = await deps.repos.config.current();
    return buildPublicPage(current ? { config: current.config, version: current.version, createdAt: current.createdAt } : { config: emptyConfig(), version: null, createdAt: null }, deps.now());
  };
  return [
    route({
      method: 'GET',
      url: '/public',
      summary: 'Public information page, in French: cameras analysed, events looked for, retention, contacts and rights (HTML; no login)',
      tag: 'public',
      access: 'public',
      response: { contentType: 'text/html' },
      async handler({ reply }) {
        const html = renderPublicPage(await model());
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-cache')
          .header('content-security-policy', PUBLIC_PAGE_CSP)
          .header('x-content-type-options', 'nosniff')
          .send(html);
      },
    }),
    route({
      method: 'GET',
      url: '/api/public',
      summary: 'The public information page as JSON (the same content as /public; no login)',
      tag: 'public',
      access: 'public',
      async handler({ reply }) {
        void reply.header('cache-control', 'no-cache');
        return model();
      },
    }),
  ];
}
