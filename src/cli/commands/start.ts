import type { StartCliOptions } from '../main.js';
import { loadConfigFile } from '../../config/load.js';
import { TlsOptionsError, readTlsFiles } from '../../security/tls.js';
import { UserError } from '../errors.js';
import { startVigie, type RunningVigie } from '../../server/runtime.js';

/** Stops the server cleanly (cameras, ffmpeg, workers, database) on Ctrl-C or SIGTERM. */
export function stopOnSignal(running: RunningVigie, print: (line: string) => void): Promise<void> {
  return new Promise((resolveStopped) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      print('stopping...');
      void running.close().then(resolveStopped, (err: unknown) => {
        print(`stopped with an error: ${String(err)}`);
        resolveStopped();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function tlsOf(opts: StartCliOptions): ReturnType<typeof readTlsFiles> {
  try {
    return readTlsFiles(opts.tlsCert, opts.tlsKey);
  } catch (err) {
    throw err instanceof TlsOptionsError ? new UserError(err.message) : err;
  }
}

/** The NATS URL of an API node: --nats, else VIGIE_NATS. */
function natsOf(opts: StartCliOptions): string | undefined {
  return opts.nats ?? (process.env.VIGIE_NATS?.trim() || undefined);
}

/** `vigie start`: server, analytics and storage for every configured camera. */
export async function runStart(opts: StartCliOptions): Promise<void> {
  const print = (line: string): void => void process.stderr.write(`${line}\n`);
  const tls = tlsOf(opts);
  const running = await startVigie({
    ...(tls ? { tls } : {}),
    dataDir: opts.data,
    ...(opts.db ? { dbUrl: opts.db } : {}),
    ...(opts.config ? { config: loadConfigFile(opts.config), configOrigin: opts.config } : {}),
    port: opts.port,
    host: opts.host,
    allowFileSources: opts.allowFileSources,
    role: opts.role,
    ...(natsOf(opts) ? { nats: natsOf(opts) } : {}),
    ...(opts.nodeId ? { nodeId: opts.nodeId } : {}),
    print,
  });
  print(`Vigie is running: console at ${running.url}/ (API at ${running.url}/api, health at ${running.url}/api/health). Ctrl-C stops.`);
  await stopOnSignal(running, print);
}
