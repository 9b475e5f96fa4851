import { Command, InvalidArgumentError, Option } from 'commander';
import { reportError } from './errors.js';

// Each command's module is imported only when that command runs: `vigie eval mot`
// should not pay for loading TF.js.

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0');
  return n;
}

function inputSide(value: string): 320 | 416 | 512 {
  const n = Number(value);
  if (n !== 320 && n !== 416 && n !== 512) throw new InvalidArgumentError('use 320, 416 or 512');
  return n;
}

function positiveInteger(value: string): number {
  const n = positiveNumber(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function buildProgram(): Command {
  const program = new Command('vigie')
    .description('Privacy-first video analytics for city CCTV supervision centres')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('analyze')
    .description('Analyse a recorded video offline (forensic use): one JSON event per line')
    .argument('<video>', 'video file to analyse')
    .requiredOption('-c, --config <yaml>', 'configuration file with the camera, zones, lines and rules')
    .option('--camera <id>', 'camera of the config whose zones and rules apply (default: the first)')
    .option('-o, --out <file>', 'write events here (JSON lines) instead of stdout')
    .option('--json', 'print the summary as one JSON object on stdout (events then need --out)')
    .option('--workers <n>', 'detector worker threads (default: one per core)', positiveInteger)
    .option('--engine <name>', 'detector engine: centernet-onnx (default), centernet-tfjs or yolo-onnx (overrides the config)')
    .option('--tracks-cache <dir>', 'replay the rules over the tracks cached here for this clip and detection settings (detection not rerun), or cache them (rules reading pixels are refused)')
    .action(async (video: string, opts: AnalyzeCliOptions) => {
      const { runAnalyze } = await import('./commands/analyze.js');
      await runAnalyze(video, opts);
    });

  program
    .command('track')
    .description('Track people in a video and write MOT Challenge text (frame,id,left,top,width,height,conf,-1,-1,-1)')
    .argument('<video>', 'video file')
    .option('-o, --out <file>', 'output file (default: stdout)')
    .option('--config <yaml>', 'take detector settings (backend, min_score, masks) from this config\'s camera')
    .option('--camera <id>', 'camera of --config to use (default: the first)')
    .option('--fps <n>', 'analyse at this frame rate (default: every frame of the source)', positiveNumber)
    .option('--workers <n>', 'detector worker threads (default: one per core)', positiveInteger)
    .option('--engine <name>', 'detector engine: centernet-onnx (default), centernet-tfjs or yolo-onnx (overrides the config)')
    .action(async (video: string, opts: TrackCliOptions) => {
      const { runTrack } = await import('./commands/track.js');
      await runTrack(video, opts);
    });

  const evalCmd = program.command('eval').description('Measure accuracy against ground truth');
  evalCmd
    .command('mot')
    .description('CLEAR-MOT and identity metrics of a tracker output against MOT ground truth')
    .requiredOption('--gt <file>', 'ground truth, MOT Challenge text')
    .requiredOption('--res <file>', 'tracker output, MOT Challenge text')
    .option('--iou <x>', 'IoU needed for a match', positiveNumber, 0.5)
    .option('--json', 'print one JSON object instead of a table')
    .action(async (opts: EvalMotCliOptions) => {
      const { runEvalMot } = await import('./commands/eval-mot.js');
      await runEvalMot(opts);
    });
  evalCmd
    .command('events')
    .description('Precision, recall and F1 per event type and rule, and the confusion across types, of analyze output against annotated intervals; or, with --sweep, the precision/recall curve of one rule parameter')
    .requiredOption('--gt <file>', 'annotations: JSON array of { type, start, end, camera? } in seconds')
    .option('--res <file>', 'events: one JSON event per line, as vigie analyze --out writes them (not with --sweep)')
    .option('--tolerance <s>', 'seconds an event may miss its annotation by', nonNegativeNumber, 2)
    .option('--json', 'print one JSON object instead of a table (with --sweep: a JSON array, one point per value)')
    .option('--sweep <param=values>', 'replay --rule over the clip\'s tracks for each value: param=v1,v2,v3 or param=from:to:step (needs --video, --config, --rule)')
    .option('--video <file>', 'with --sweep: the annotated clip')
    .option('-c, --config <yaml>', 'with --sweep: configuration with the camera, its zones and the rule')
    .option('--camera <id>', 'with --sweep: camera of --config (default: the first)')
    .option('--rule <id>', 'with --sweep: id of the rule to sweep (a rule that needs only tracks)')
    .option('--tracks-cache <dir>', 'with --sweep: read the clip\'s tracks from this folder, or cache them there (as vigie analyze --tracks-cache)')
    .option('--workers <n>', 'with --sweep: detector worker threads when the tracks are not cached yet', positiveInteger)
    .option('--engine <name>', 'with --sweep: detector engine (overrides the config)')
    .action(async (opts: EvalEventsCliOptions) => {
      const { runEvalEvents } = await import('./commands/eval-events.js');
      await runEvalEvents(opts);
    });

  program
    .command('start')
    .description('Run Vigie: analytics and storage for every configured camera, the API and the operator console')
    .option('-c, --config <yaml>', 'configuration to import (becomes a new version when it differs from the stored one)')
    .option('--data <dir>', 'data folder (database, snapshots)', './data')
    .option('--db <url>', 'database URL (default: SQLite in the data folder)')
    .option('--port <n>', 'HTTP port', positiveInteger, 8080)
    .option('--host <address>', 'address to listen on (0.0.0.0 for the whole network)', '127.0.0.1')
    .option('--tls-cert <pem>', 'serve HTTPS with this certificate (PEM; with --tls-key)')
    .option('--tls-key <pem>', 'private key of --tls-cert (PEM)')
    .option('--allow-file-sources <dir>', 'let the console set camera sources to files inside this folder (repeatable; also VIGIE_ALLOW_FILE_SOURCES)', (dir: string, dirs: string[]) => [...dirs, dir], [] as string[])
    .addOption(new Option('--role <role>', 'all: this box runs everything; api: an API node of a scale-out installation, no camera (docs/SCALE-OUT.md)').choices(['all', 'api']).default('all'))
    .option('--nats <url>', 'NATS server(s), comma-separated (role api; also VIGIE_NATS)')
    .option('--node-id <id>', "this API node's name, stable across restarts (default: <hostname>-<port>)")
    .action(async (opts: StartCliOptions) => {
      const { runStart } = await import('./commands/start.js');
      await runStart(opts);
    });

  program
    .command('worker')
    .description('Scale-out worker: runs the pipelines of the cameras it leases and publishes their events to NATS JetStream (docs/SCALE-OUT.md)')
    .requiredOption('--nats <url>', 'NATS server(s) with JetStream, e.g. nats://10.0.0.2:4222 (comma-separated for a cluster)')
    .requiredOption('--db <url>', 'database URL shared with the API nodes (postgres://...)')
    .option('--data <dir>', 'data folder shared with the API nodes (snapshots, secrets key)', './data')
    .option('--worker-id <id>', 'name of this worker in the leases (default: host name and process id)')
    .option('--capacity <n>', 'most cameras this worker runs (default: no limit)', positiveInteger)
    .option('--lease-ttl <s>', 'seconds after the last heartbeat before a lease expires (the same on every worker)', positiveNumber, 6)
    .action(async (opts: WorkerCliOptions) => {
      const { runWorker } = await import('./commands/worker.js');
      await runWorker(opts);
    });

  program
    .command('retention')
    .description('Retention under the law: delete expired recordings and snapshots (legal holds kept)')
    .command('run')
    .description('Apply retention once: expired, unheld segments and snapshots are deleted, then the oldest unheld footage under disk pressure; prints a summary and writes it to the audit log')
    .option('--data <dir>', 'data folder (database, recordings, snapshots)', './data')
    .option('--db <url>', 'database URL (default: SQLite in the data folder)')
    .option('-c, --config <yaml>', 'take retention from this configuration (default: the configuration in force)')
    .option('--now <iso>', 'plan for this time instead of now (e.g. 2026-03-11T10:00:00Z)')
    .option('--dry-run', 'print what would be deleted, delete nothing')
    .option('--json', 'print the summary as one JSON object')
    .action(async (opts: RetentionRunCliOptions) => {
      const { runRetentionCommand } = await import('./commands/retention.js');
      await runRetentionCommand(opts);
    });

  program
    .command('demo')
    .description('Run Vigie with a demo camera on real street footage (PETS 2009, looping); prints the console URL and a login')
    .option('--data <dir>', 'data folder', './data')
    .option('--port <n>', 'HTTP port', positiveInteger, 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--duration <s>', 'stop after this many seconds (default: run until Ctrl-C)', positiveNumber)
    .action(async (opts: DemoCliOptions) => {
      const { runDemo } = await import('./commands/demo.js');
      await runDemo(opts);
    });

  program
    .command('test-camera')
    .description('Local RTSP test cameras looping a video file, with faults injected on demand (check Vigie without a real camera)')
    .requiredOption('--file <video>', 'video file every camera loops in real time')
    .option('--port <n>', 'RTSP port', positiveInteger, 8554)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--cameras <n>', 'number of cameras (cam1..camN)', positiveInteger, 4)
    .option('--fps <n>', 'frame rate of the streams', positiveNumber, 10)
    .option('--width <px>', 'width of the streams (height keeps the aspect)', positiveInteger, 320)
    .option('--user <name>', 'require Basic authentication with this user name (with --password)')
    .option('--password <secret>', 'password of --user')
    .option('--control-port <n>', 'HTTP port of the fault control (default: RTSP port + 1)', positiveInteger)
    .action(async (opts: TestCameraCliOptions) => {
      const { runTestCamera } = await import('./commands/test-camera.js');
      await runTestCamera(opts);
    });

  program
    .command('bench')
    .description('Load benchmark of the live system: N cameras looping one file through `vigie start` in this process; prints fps and drops per camera, detector calls/s, CPU, RSS and event latency')
    .option('--cameras <n>', 'number of cameras (with --max: the first number tried)', positiveInteger, 10)
    .option('--fps <n>', 'analysed frames per second per camera (detect.fps): the rate to sustain', positiveNumber, 5)
    .option('--duration <s>', 'measured seconds, after the warm-up', positiveNumber, 60)
    .option('--warmup <s>', 'seconds run before measuring', nonNegativeNumber, 10)
    .option('--source <file>', 'video file every camera loops (default: the PETS 2009 clip of the demo)')
    .option('--naive', 'detector on every frame, on the full frame (motion gating and region crops off)')
    .option('--engine <name>', 'detector engine: centernet-onnx (default), centernet-tfjs (yolo-onnx needs a model: not from this command)')
    .option('--input-size <px>', 'detect.input_size of every camera: 320, 416 or 512 (default 512)', inputSide)
    .option('--max', 'add --step cameras after each run that holds (every camera >= 95 % of --fps, drops < 1 %); report the largest number that held')
    .option('--step <n>', 'cameras added between two --max runs', positiveInteger, 2)
    .option('--json', 'print the report as one JSON object on stdout')
    .option('--verbose', "show the system's own log lines (restarts, ffmpeg errors) while it runs")
    .action(async (opts: BenchCliOptions) => {
      const { runBench } = await import('./commands/bench.js');
      await runBench(opts);
    });

  const evidenceCmd = program.command('evidence').description('Evidence for judicial requisitions: signed bundles of original recordings');
  evidenceCmd
    .command('export')
    .description('Write a signed bundle (blurred video by default, or with --original the original segments; events, report, SHA-256 manifest, Ed25519 signature) of one camera over a time range')
    .requiredOption('--camera <id>', 'camera id')
    .requiredOption('--from <iso>', 'start, ISO 8601 with a zone (e.g. 2026-11-28T14:00:00Z or ...T15:00:00+01:00)')
    .requiredOption('--to <iso>', 'end, ISO 8601 with a zone')
    .requiredOption('-o, --out <zip>', 'bundle file to create (never overwritten)')
    .option('--case <ref>', 'case reference of the judicial requisition')
    .option('--reason <text>', 'why the footage is exported (recorded in the report and the audit log)')
    .option('--anonymize', 'the default: every detected person blurred and the privacy masks filled (re-encoded to H.264, marked in report and manifest)')
    .option('--original', 'the unaltered original recordings, byte for byte (judicial requisition) instead of the blurred video')
    .option('--data <dir>', 'data folder (database, recordings, keys)', './data')
    .option('--db <url>', 'database URL (default: SQLite in the data folder)')
    .option('-c, --config <yaml>', 'take camera names and time zone from this file instead of the stored configuration')
    .action(async (opts: EvidenceExportCliOptions) => {
      const { runEvidenceExport } = await import('./commands/evidence.js');
      await runEvidenceExport(opts);
    });
  evidenceCmd
    .command('verify')
    .description('Check a bundle: exits 0 and prints "valid", or exits 1 naming each altered, missing or added file')
    .argument('<bundle>', 'bundle .zip')
    .option('--key <pem>', "the instance's known public key (without it, only integrity is proven, not origin)")
    .action(async (bundle: string, opts: EvidenceVerifyCliOptions) => {
      const { runEvidenceVerify } = await import('./commands/evidence.js');
      await runEvidenceVerify(bundle, opts);
    });

  program
    .command('audit')
    .description('The audit trail: who viewed, exported, changed what, and when')
    .command('verify')
    .description('Check the hash chain and the signed anchors: exits 0 ("audit log intact"), or 1 naming the first edited, deleted or reordered entry and every anchor that does not check out')
    .option('--data <dir>', 'data folder (database, keys)', './data')
    .option('--db <url>', 'database URL (default: SQLite in the data folder)')
    .option('--key <pem>', "the instance's public key, kept apart from the data folder (default: derived from <data>/keys)")
    .action(async (opts: AuditVerifyCliOptions) => {
      const { runAuditVerify } = await import('./commands/audit.js');
      process.exitCode = await runAuditVerify(opts);
    });

  const db = program.command('db').description('Database maintenance: schema migrations, copying a SQLite installation to PostgreSQL (docs/STORAGE.md)');
  db.command('copy')
    .description('Copy every table of a SQLite store into an empty PostgreSQL store in one transaction, then check row counts and the audit chain; stop Vigie first')
    .requiredOption('--from <src>', 'the SQLite store: data folder, its vigie.db, or sqlite:<path>')
    .requiredOption('--to <url>', 'the PostgreSQL store: postgres://user:password@host:5432/db[?schema=name] (must be empty)')
    .option('--json', 'print the summary as one JSON object')
    .action(async (opts: DbCopyCliOptions) => {
      const { runDbCopy } = await import('./commands/db.js');
      await runDbCopy(opts);
    });
  db.command('migrate')
    .description('Bring the database to this version of Vigie and print the migrations applied (vigie start does it too)')
    .option('--data <dir>', 'data folder (SQLite database)', './data')
    .option('--db <url>', 'database URL (default: SQLite in the data folder)')
    .option('--json', 'print { location, applied } as one JSON object')
    .action(async (opts: DbMigrateCliOptions) => {
      const { runDbMigrate } = await import('./commands/db.js');
      await runDbMigrate(opts);
    });

  program
    .command('compliance')
    .description('Data-protection documents for the controller and the DPO')
    .command('report')
    .description('Record of processing activities (GDPR art. 30) and DPIA facts, in French, from the configuration in force; lists the open points; audited')
    .option('--format <fmt>', 'html or pdf (default: pdf when --out ends in .pdf, else html)')
    .option('-o, --out <file>', 'write the report here (default: stdout)')
    .option('-c, --config <yaml>', 'describe this configuration file instead of the one in force (database)')
    .option('--data <dir>', 'data folder (database)', './data')
    .option('--db <url>', 'database URL (default: SQLite in the data folder)')
    .option('--json', 'print the report as one JSON object on stdout (the document is then written only with --out)')
    .action(async (opts: ComplianceReportCliOptions) => {
      const { runComplianceReport } = await import('./commands/compliance.js');
      await runComplianceReport(opts);
    });

  program
    .command('report')
    .description('Trial report for the council and the CNIL: statistics of a period (docs/REPORTS.md) as an HTML or PDF document, or every table as CSV; audited')
    .requiredOption('--from <iso>', 'start of the period, ISO 8601 with a zone (e.g. 2027-02-01T00:00:00+01:00)')
    .requiredOption('--to <iso>', 'end of the period (excluded), ISO 8601 with a zone')
    .requiredOption('-o, --out <file>', 'file to write')
    .option('--format <fmt>', 'html, pdf (printed by Chromium) or csv (default: from the --out extension)')
    .option('--cameras <ids>', 'only these cameras, comma-separated (default: every camera)')
    .option('--data <dir>', 'data folder (database)', './data')
    .option('--db <url>', 'database URL (default: SQLite in the data folder)')
    .option('-c, --config <yaml>', 'take cameras and time zone from this file instead of the configuration in force')
    .option('--json', 'print a one-line JSON summary (file, bytes, format, period, events)')
    .action(async (opts: ReportCliOptions) => {
      const { runReport } = await import('./commands/report.js');
      await runReport(opts);
    });

  return program;
}

export interface ReportCliOptions {
  from: string;
  to: string;
  out: string;
  format?: string;
  cameras?: string;
  data: string;
  db?: string;
  config?: string;
  json?: boolean;
}

export interface ComplianceReportCliOptions {
  format?: string;
  out?: string;
  config?: string;
  data: string;
  db?: string;
  json?: boolean;
}

export interface DbCopyCliOptions {
  from: string;
  to: string;
  json?: boolean;
}

export interface DbMigrateCliOptions {
  data: string;
  db?: string;
  json?: boolean;
}

export interface AuditVerifyCliOptions {
  data: string;
  db?: string;
  key?: string;
}
export interface AnalyzeCliOptions {
  config: string;
  camera?: string;
  out?: string;
  json?: boolean;
  workers?: number;
  engine?: string;
  tracksCache?: string;
}
export interface TrackCliOptions {
  out?: string;
  config?: string;
  camera?: string;
  fps?: number;
  workers?: number;
  engine?: string;
}
export interface EvalEventsCliOptions {
  gt: string;
  res?: string;
  tolerance: number;
  json?: boolean;
  sweep?: string;
  video?: string;
  config?: string;
  camera?: string;
  rule?: string;
  tracksCache?: string;
  workers?: number;
  engine?: string;
}

export interface EvalMotCliOptions {
  gt: string;
  res: string;
  iou: number;
  json?: boolean;
}
export interface StartCliOptions {
  config?: string;
  data: string;
  db?: string;
  port: number;
  host: string;
  tlsCert?: string;
  tlsKey?: string;
  /** Folders whose files the API may set as camera sources (--allow-file-sources, repeatable). */
  allowFileSources: string[];
  role: 'all' | 'api';
  nats?: string;
  nodeId?: string;
}
export interface WorkerCliOptions {
  nats: string;
  db: string;
  data: string;
  workerId?: string;
  capacity?: number;
  leaseTtl: number;
}
export interface BenchCliOptions {
  cameras: number;
  fps: number;
  duration: number;
  warmup: number;
  source?: string;
  naive?: boolean;
  engine?: string;
  inputSize?: 320 | 416 | 512;
  max?: boolean;
  step: number;
  json?: boolean;
  verbose?: boolean;
}
export interface EvidenceExportCliOptions {
  camera: string;
  from: string;
  to: string;
  out: string;
  case?: string;
  reason?: string;
  anonymize?: boolean;
  original?: boolean;
  data: string;
  db?: string;
  config?: string;
}
export interface EvidenceVerifyCliOptions {
  key?: string;
}
export interface RetentionRunCliOptions {
  data: string;
  db?: string;
  config?: string;
  now?: string;
  dryRun?: boolean;
  json?: boolean;
}
export interface TestCameraCliOptions {
  file: string;
  port: number;
  host: string;
  cameras: number;
  fps: number;
  width: number;
  user?: string;
  password?: string;
  controlPort?: number;
}

export interface DemoCliOptions {
  data: string;
  port: number;
  host: string;
  duration?: number;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
