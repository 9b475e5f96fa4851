import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_MODELS,
  allowedModelPaths,
  defaultModelDir,
  ModelNotAllowedError,
  readAllowedModel,
} from '../../src/vision/detect/centernet.js';

describe('model allow-list (privacy by construction)', () => {
  it('lists CenterNet only', () => {
    expect(Object.keys(ALLOWED_MODELS)).toEqual(['centernet']);
    expect(ALLOWED_MODELS.centernet).toEqual({ topology: 'centernet.json', weights: ['centernet.bin'] });
    expect(Object.isFrozen(ALLOWED_MODELS)).toBe(true);
  });

  it('refuses every face or attribute model the package ships, and any path', async () => {
    const shipped = (await readdir(defaultModelDir())).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    const forbidden = shipped.filter((name) => name !== 'centernet' && name !== 'models');
    expect(forbidden).toEqual(expect.arrayContaining(['faceres', 'emotion', 'blazeface']));
    for (const name of [...forbidden, '../models/centernet', 'centernet.json', 'CENTERNET', 'toString', '__proto__']) {
      expect(() => allowedModelPaths(name)).toThrow(ModelNotAllowedError);
      await expect(readAllowedModel(name)).rejects.toThrow(/is not on Vigie's model allow-list/);
    }
  });

  it('resolves CenterNet to files inside the model folder', () => {
    const files = allowedModelPaths('centernet');
    expect(path.basename(files.topology)).toBe('centernet.json');
    expect(existsSync(files.topology)).toBe(true);
    expect(files.weights.every((w) => existsSync(w))).toBe(true);
  });

  it('refuses an allow-listed name whose JSON points at other weight files', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vigie-detect-'));
    try {
      const tampered = { format: 'graph-model', modelTopology: {}, weightsManifest: [{ paths: ['faceres.bin'], weights: [] }] };
      await writeFile(path.join(dir, 'centernet.json'), JSON.stringify(tampered));
      await expect(readAllowedModel('centernet', dir)).rejects.toThrow(/weight manifest names faceres\.bin, not the allow-listed centernet\.bin/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads CenterNet as graph-model artifacts (topology and 4 MB of weights)', async () => {
    const artifacts = await readAllowedModel('centernet');
    expect(artifacts.format).toBe('graph-model');
    expect(artifacts.weightSpecs?.length).toBeGreaterThan(0);
    expect((artifacts.weightData as ArrayBuffer).byteLength).toBeGreaterThan(3_000_000);
  });
});
