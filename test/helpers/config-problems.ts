import { expect } from 'vitest';
import { ConfigError, parseConfigYaml } from '../../src/config/load.js';

/** The problems a config is refused with (fails the test if it is accepted). */
export function problemsOf(yaml: string): readonly string[] {
  try {
    parseConfigYaml(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}
