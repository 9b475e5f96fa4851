/**
 * Tiny HTTP endpoint to inject faults into running test cameras from a shell:
 *   POST /<camera>/<fault>   e.g. curl -X POST http://127.0.0.1:8555/cam1/freeze
 *   GET  /                   the cameras' state as JSON
 * Loopback only by default: it is a test tool, not an API.
 */
import { createServer, type Server } from 'node:http';
import { isTestCameraFault, TEST_CAMERA_FAULTS, type TestCameras } from './index.js';

export interface FaultControl {
  readonly url: string;
  close(): Promise<void>;
}

export async function startFaultControl(cameras: TestCameras, port: number, host = '127.0.0.1'): Promise<FaultControl> {
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
    };
    const [camera, fault] = (req.url ?? '/').split('?')[0]!.split('/').filter(Boolean);
    if (req.method === 'GET' && camera === undefined) return send(200, cameras.status());
    if (req.method !== 'POST' || camera === undefined || fault === undefined) {
      return send(400, { error: `use POST /<camera>/<fault> (faults: ${TEST_CAMERA_FAULTS.join(', ')}) or GET /` });
    }
    if (!isTestCameraFault(fault)) return send(400, { error: `unknown fault ${fault} (faults: ${TEST_CAMERA_FAULTS.join(', ')})` });
    try {
      cameras.fault(camera, fault);
    } catch (err) {
      return send(404, { error: (err as Error).message });
    }
    return send(200, cameras.status().find((s) => s.name === camera));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
