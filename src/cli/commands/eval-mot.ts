import type { EvalMotCliOptions } from '../main.js';
import { parseMotText } from '../../eval/mot-io.js';
import { evaluateMot, formatMotTable } from '../../eval/mot-metrics.js';
import { UserError } from '../errors.js';
import { readInputFile } from '../input.js';

/** `vigie eval mot --gt gt.txt --res tracks.txt`: prints the metrics table (or JSON). */
export async function runEvalMot(opts: EvalMotCliOptions): Promise<void> {
  if (opts.iou > 1) throw new UserError('--iou must be in (0, 1]');
  const gt = parseMotText(await readInputFile(opts.gt, 'ground truth'), opts.gt);
  const res = parseMotText(await readInputFile(opts.res, 'tracker output'), opts.res);
  const metrics = evaluateMot(gt, res, { iouThreshold: opts.iou });
  if (opts.json) process.stdout.write(`${JSON.stringify(metrics)}\n`);
  else process.stdout.write(formatMotTable(metrics, opts.res));
}
