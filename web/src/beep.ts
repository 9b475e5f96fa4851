/**
 * A short alert tone made with the Web Audio API (no audio file to ship).
 * Browsers only allow sound after a user gesture: the context is created on the
 * first key press or click (signing in counts), see `unlockAudio`.
 */
import type { Severity } from './api/types.js';

let ctx: AudioContext | null = null;

export function unlockAudio(): void {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
  } catch {
    ctx = null; // no audio device: the visual cue remains
  }
}

function tone(ac: AudioContext, at: number, freq: number, dur: number): void {
  const osc = ac.createOscillator();
  const gain = ac.createGain();
  osc.type = 'square';
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.18, at + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + dur);
  osc.connect(gain).connect(ac.destination);
  osc.start(at);
  osc.stop(at + dur + 0.02);
}

/** High severity: three rising tones; medium: two; low: one. */
export function beep(severity: Severity): void {
  unlockAudio();
  if (!ctx || ctx.state !== 'running') return;
  const now = ctx.currentTime + 0.01;
  const pattern = severity === 'high' ? [880, 1175, 1568] : severity === 'medium' ? [880, 1175] : [880];
  pattern.forEach((f, i) => tone(ctx as AudioContext, now + i * 0.16, f, 0.13));
}
