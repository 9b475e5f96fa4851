import { z } from 'zod';
import type { Authenticated } from '../../auth/sessions.js';
import { can } from '../../auth/roles.js';
import { diffConfig, summariseConfigChange } from '../../audit/config-summary.js';
import { ConfigError, parseConfig } from '../../config/load.js';
import { emptyConfig, type CameraConfig, type VigieConfig } from '../../config/schema.js';
import { systemRealPath } from '../../config/real-path.js';
import { NO_FILE_SOURCES, apiConfigProblems } from '../../config/source-policy.js';
import { redactUrl } from '../../media/redact.js';
import { assertRunnableCamera, sameJson } from '../../pipeline/camera-changes.js';
import { cameraHealth, initialHealth, type CameraHealth } from '../../pipeline/health.js';
import { encodeJpeg } from '../../render/jpeg.js';
import { streamMjpeg } from '../../render/mjpeg.js';
import { renderOverlay } from '../../render/overlay.js';
import type { ServerDeps } from '../deps.js';
import { HttpError, notFound } from '../http-error.js';
import { route, type RouteSpec } from '../route.js';

const cameraParams = z.object({ id: z.string().min(1).max(100) }).strict();
const comment = z.string().max(500).optional();
const saveBody = z
  .object({
    config: z.unknown(),
    comment,
    baseVersion: z.number().int().min(0).optional().describe('the version this edit started from: 409 when another save came in between'),
  })
  .strict();
const cameraBody = z.object({ camera: z.record(z.string(), z.unknown()), comment }).strict();
const integrationsBody = z
  .object({
    integrations: z.unknown().describe('the `integrations` section (docs/CONFIG.md): mqtt and webhooks'),
    comment,
    baseVersion: z.number().int().min(0).optional().describe('the version this edit started from: 409 when another save came in between'),
  })
  .strict();
const SECTIONS = ['zones', 'lines', 'masks', 'rules'] as const;
const sectionBody = z.object({ items: z.array(z.unknown()), comment }).strict();

/** Camera URLs may carry credentials: they never leave the server in clear. */
function redacted(config: VigieConfig): VigieConfig {
  return { ...config, cameras: config.cameras.map((c) => ({ ...c, source: redactUrl(c.source) })) };
}

/** A console saves back what it was shown: a redacted source means "unchanged", not "set to ***". */
function restoreSources(raw: unknown, current: VigieConfig | null): unknown {
  if (!current || !raw || typeof raw !== 'object' || !Array.isArray((raw as { cameras?: unknown }).cameras)) return raw;
  const known = new Map(current.cameras.map((c) => [c.id, c.source]));
  const cameras = ((raw as { cameras: unknown[] }).cameras).map((cam) => {
    if (!cam || typeof cam !== 'object') return cam;
    const { id, source } = cam as { id?: unknown; source?: unknown };
    const original = typeof id === 'string' ? known.get(id) : undefined;
    return original !== undefined && source === redactUrl(original) ? { ...cam, source: original } : cam;
  });
  return { ...raw, cameras };
}

export function cameraRoutes(deps: ServerDeps): RouteSpec[] {
  const { config: configs } = deps.repos;
  /**
   * Validates (schema, then "can every camera run it?"), saves a version, applies it to the running cameras,
   * and records it in the audit log as `audited.action` (`config.save`, `camera.add`, ...) with a summary of what changed.
   */
  const save = async (raw: unknown, auth: Authenticated, note: string | undefined, audited: { action: string; target: string | null }): Promise<number> => {
    const current = await configs.current();
    let config: VigieConfig;
    try {
      config = parseConfig(restoreSources(raw, current?.config ?? null), 'body.config');
    } catch (err) {
      if (err instanceof ConfigError) throw new HttpError(400, 'INVALID_INPUT', err.problems.map((p) => `body.config.${p}`).join('; ') || err.message);
      throw err;
    }
    // Where alerts are sent outside Vigie is an administrator's decision, not a supervisor's (docs/INTEGRATIONS.md).
    if (!sameJson(config.integrations, (current?.config ?? emptyConfig()).integrations) && !can(auth.user.role, 'integrations.manage')) {
      throw new HttpError(403, 'FORBIDDEN', 'body.config.integrations: changing MQTT or webhooks needs the integrations.manage permission (admin, PUT /api/config/integrations): leave this section as it is, or ask an administrator');
    }
    // Local files only where the IT admin allowed them: the console's admin role is not the machine's admin.
    const sourceProblems = apiConfigProblems(config, deps.fileSources ?? NO_FILE_SOURCES, systemRealPath);
    if (sourceProblems.length > 0) throw new HttpError(400, 'INVALID_INPUT', sourceProblems.map((p) => `body.config.${p}`).join('; '));
    try {
      for (const camera of config.cameras) if (camera.enabled) assertRunnableCamera(camera, true);
    } catch (err) {
      throw new HttpError(400, 'INVALID_INPUT', `body.config: ${(err as Error).message}`);
    }
    const version = await configs.save(config, { userId: auth.user.id, comment: note ?? null });
    const summary = summariseConfigChange(diffConfig(current?.config ?? null, config));
    await deps.repos.audit.append({ actor: auth.user.id, action: audited.action, target: audited.target, details: { version, summary, comment: note ?? null } });
    await deps.cameras.apply(config);
    return version;
  };
  const configWith = async (cameraId: string): Promise<VigieConfig> => {
    const config = (await configs.current())?.config;
    if (!config?.cameras.some((c) => c.id === cameraId)) throw notFound(`camera ${cameraId}`);
    return config;
  };
  const cameraOf = async (id: string): Promise<CameraConfig> => {
    const camera = (await configs.current())?.config.cameras.find((c) => c.id === id);
    if (!camera) throw notFound(`camera ${id}`);
    return camera;
  };
  return [
    route({
      method: 'GET',
      url: '/api/cameras',
      summary: 'Cameras with their configuration and health',
      tag: 'cameras',
      access: 'cameras.read',
      async handler() {
        const config = (await configs.current())?.config ?? emptyConfig();
        const health = new Map(deps.cameras.health().map((h) => [h.camera, h]));
        // A camera saved a moment ago may not have a supervisor yet: it is starting.
        const healthOf = (c: CameraConfig): CameraHealth =>
          health.get(c.id) ?? cameraHealth(initialHealth(c.id, c.detect.fps, deps.now(), { enabled: c.enabled }));
        return { cameras: redacted(config).cameras.map((camera) => ({ camera, health: healthOf(camera) })) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/cameras/:id/snapshot.jpg',
      summary: 'The latest analysed frame (masks applied, people blurred), to draw zones on',
      tag: 'cameras',
      access: 'live.view',
      params: cameraParams,
      response: { contentType: 'image/jpeg' },
      async handler({ params, reply }) {
        const camera = await cameraOf(params.id);
        const latest = deps.cameras.latest(params.id);
        if (!latest) throw new HttpError(503, 'NO_FRAME_YET', `camera ${params.id} has not delivered a frame yet`);
        const frame = renderOverlay(latest.image, { camera: { ...camera, zones: [], lines: [], rules: [] }, tracks: latest.tracks, blurPeople: true, labels: false });
        return reply.type('image/jpeg').header('cache-control', 'no-store').send(await encodeJpeg(frame, { quality: 85 }));
      },
    }),
    route({
      method: 'GET',
      url: '/api/cameras/:id/preview.mjpg',
      summary: 'Live preview as MJPEG (zones, lines and boxes drawn; people blurred unless allowed)',
      tag: 'cameras',
      access: 'live.view',
      params: cameraParams,
      response: { contentType: 'multipart/x-mixed-replace' },
      async handler({ params, reply, auth, request }) {
        await cameraOf(params.id);
        const hub = deps.cameras.preview(params.id);
        if (!hub) throw new HttpError(503, 'CAMERA_NOT_RUNNING', `camera ${params.id} is not running`);
        const { user } = auth as Authenticated;
        const unblurred = can(user.role, 'live.view_unblurred');
        // One entry per view started (the stream), not per frame.
        await deps.repos.audit.append({ actor: user.id, action: 'live.view', target: params.id, details: { unblurred, ip: request.ip } });
        reply.hijack();
        streamMjpeg(hub, reply.raw, { blurPeople: !unblurred });
        return undefined;
      },
    }),
    route({
      method: 'GET',
      url: '/api/config',
      summary: 'The current configuration (camera credentials hidden)',
      tag: 'config',
      access: 'cameras.read',
      async handler() {
        const current = await configs.current();
        return { version: current?.version ?? 0, config: redacted(current?.config ?? emptyConfig()) };
      },
    }),
    route({
      method: 'PUT',
      url: '/api/config',
      summary: 'Save a new configuration version and apply it to the running cameras without a restart',
      tag: 'config',
      access: 'config.write',
      body: saveBody,
      async handler({ body, auth }) {
        const current = await configs.current();
        if (body.baseVersion !== undefined && body.baseVersion !== (current?.version ?? 0)) {
          throw new HttpError(409, 'CONFLICT', `the configuration changed since version ${body.baseVersion} (now ${current?.version ?? 0}): reload it and redo the edit`);
        }
        return { version: await save(body.config, auth as Authenticated, body.comment, { action: 'config.save', target: null }) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/cameras',
      summary: 'Add a camera',
      tag: 'cameras',
      access: 'cameras.write',
      body: cameraBody,
      async handler({ body, auth, reply }) {
        const config = (await configs.current())?.config ?? emptyConfig();
        if (config.cameras.some((c) => c.id === body.camera.id)) throw new HttpError(409, 'CONFLICT', `a camera with id ${String(body.camera.id)} already exists`);
        const version = await save({ ...config, cameras: [...config.cameras, body.camera] }, auth as Authenticated, body.comment ?? `camera ${String(body.camera.id)} added`, {
          action: 'camera.add',
          target: String(body.camera.id),
        });
        return reply.code(201).send({ version });
      },
    }),
    route({
      method: 'PUT',
      url: '/api/cameras/:id',
      summary: 'Replace a camera\'s settings (its id cannot change)',
      tag: 'cameras',
      access: 'cameras.write',
      params: cameraParams,
      body: cameraBody,
      async handler({ params, body, auth }) {
        const config = await configWith(params.id);
        if (body.camera.id !== params.id) throw new HttpError(400, 'INVALID_INPUT', `body.camera.id: must stay ${params.id}`);
        const cameras = config.cameras.map((c) => (c.id === params.id ? body.camera : c));
        return { version: await save({ ...config, cameras }, auth as Authenticated, body.comment ?? `camera ${params.id} changed`, { action: 'camera.update', target: params.id }) };
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/cameras/:id',
      summary: 'Remove a camera (its events stay)',
      tag: 'cameras',
      access: 'cameras.write',
      params: cameraParams,
      async handler({ params, auth }) {
        const config = await configWith(params.id);
        const cameras = config.cameras.filter((c) => c.id !== params.id);
        return { version: await save({ ...config, cameras }, auth as Authenticated, `camera ${params.id} removed`, { action: 'camera.delete', target: params.id }) };
      },
    }),
    ...SECTIONS.map((section) =>
      route({
        method: 'PUT',
        url: `/api/cameras/:id/${section}`,
        summary: `Replace a camera's ${section}`,
        tag: 'cameras',
        // Privacy masks belong to the data-protection officer as much as to supervisors.
        access: section === 'masks' ? 'masks.write' : 'config.write',
        params: cameraParams,
        body: sectionBody,
        async handler({ params, body, auth }) {
          const config = await configWith(params.id);
          const cameras = config.cameras.map((c) => (c.id === params.id ? { ...c, [section]: body.items } : c));
          return { version: await save({ ...config, cameras }, auth as Authenticated, body.comment ?? `${section} of camera ${params.id} changed`, {
            action: 'config.save',
            target: params.id,
          }) };
        },
      }),
    ),
    route({
      method: 'PUT',
      url: '/api/config/integrations',
      summary: 'Replace the integrations section (MQTT, webhooks) of the configuration: a new version, applied without a restart',
      tag: 'config',
      access: 'integrations.manage',
      body: integrationsBody,
      async handler({ body, auth }) {
        const current = await configs.current();
        if (body.baseVersion !== undefined && body.baseVersion !== (current?.version ?? 0)) {
          throw new HttpError(409, 'CONFLICT', `the configuration changed since version ${body.baseVersion} (now ${current?.version ?? 0}): reload it and redo the edit`);
        }
        const config = current?.config ?? emptyConfig();
        return { version: await save({ ...config, integrations: body.integrations }, auth as Authenticated, body.comment ?? 'integrations changed', { action: 'config.save', target: 'integrations' }) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/config/history',
      summary: 'Saved configuration versions, newest first',
      tag: 'config',
      access: 'cameras.read',
      async handler() {
        return { versions: await configs.history() };
      },
    }),
  ];
}
