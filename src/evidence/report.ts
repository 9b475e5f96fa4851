/**
 * `report.txt`: what a bundle holds, for the person who receives it (an
 * investigator, a court clerk), in plain text that prints the same anywhere.
 */

export interface ReportSegment {
  /** Name inside the bundle. */
  readonly file: string;
  readonly start: string;
  readonly end: string;
  readonly durationS: number;
  readonly bytes: number;
  readonly sha256: string;
  /** Path in the recordings folder (as indexed). */
  readonly recordedAs: string;
}

/** The person left unblurred in an anonymised video, and where they were designated. */
export interface KeptSubjectReport {
  readonly at: string;
  readonly x: number;
  readonly y: number;
  readonly trackId: number;
  readonly framesKept: number;
}

export interface ReportInput {
  readonly camera: { readonly id: string; readonly name: string | null; readonly place: string | null };
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly exportedBy: string;
  readonly reason: string | null;
  readonly caseRef: string | null;
  readonly anonymized: boolean;
  /** How the video was anonymised (with `anonymized`). */
  readonly anonymization?: { readonly detector: string; readonly minScore: number; readonly frames: number; readonly boxesBlurred: number; readonly framesWithPeople: number; readonly width: number; readonly height: number; readonly fps: number; readonly maskedPixels: number; readonly kept: KeptSubjectReport | null } | null;
  readonly segments: readonly ReportSegment[];
  readonly gaps: readonly { readonly start: string; readonly end: string; readonly reason: string }[];
  readonly eventCount: number;
  readonly keyFingerprint: string;
  readonly vigieVersion: string;
  readonly createdAt: string;
}

/** `2026-11-28 18:05:54 (UTC+01:00 Europe/Paris)`. */
export function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(iso));
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const offset = get('timeZoneName').replace(/^GMT$/, 'GMT+00:00').replace('GMT', 'UTC');
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} (${offset} ${timeZone})`;
}

const both = (iso: string, tz: string): string => `${iso}  =  ${localTime(iso, tz)}`;

/** Formats the report; pure, so the same input always gives the same text. */
export function buildReport(r: ReportInput): string {
  const lines: string[] = [];
  const add = (...l: string[]): void => void lines.push(...l);
  add('VIGIE EVIDENCE EXPORT', '=====================', '');
  add(`Camera:          ${r.camera.id}${r.camera.name ? ` (${r.camera.name})` : ''}`);
  add(`Place:           ${r.camera.place ?? 'not recorded in the configuration'}`);
  add(`Requested range: from ${both(r.from, r.timeZone)}`);
  add(`                 to   ${both(r.to, r.timeZone)}`);
  add(`Case reference:  ${r.caseRef ?? 'none given'}`);
  add(`Reason:          ${r.reason ?? 'none given'}`);
  add(`Exported by:     ${r.exportedBy}`);
  add(`Generated at:    ${both(r.createdAt, r.timeZone)}`);
  add(`Vigie version:   ${r.vigieVersion}`);
  add('');
  if (r.anonymized) {
    add('VIDEO ANONYMISED: every detected person was blurred; the video was re-encoded and is', 'NOT the original recording. Do not use it where the original footage is required.');
    const a = r.anonymization;
    if (a) {
      add(`  video/anonymised.mp4: H.264, ${a.width}x${a.height} at ${a.fps} fps, ${a.frames} frames, cut to the requested range;`);
      add(`  detector ${a.detector} (score >= ${a.minScore}), ${a.boxesBlurred} boxes blurred on ${a.framesWithPeople} frames`);
      add('  (a person is also blurred where seen the frame before; the detector can still miss someone:');
      add('  review the video before releasing it).');
      if (a.maskedPixels > 0) add(`  The camera's privacy masks are filled in black in every frame (${a.maskedPixels} pixels per frame).`);
      if (a.kept) {
        add(`  ONE SUBJECT KEPT UNBLURRED (access request): the person at point (${a.kept.x.toFixed(3)}, ${a.kept.y.toFixed(3)}) of the frame`);
        add(`  at ${both(a.kept.at, r.timeZone)}, followed by the tracker (track ${a.kept.trackId}), unblurred on ${a.kept.framesKept} frames;`);
        add('  everyone else is blurred.');
      }
    }
  } else {
    add('Video: the ORIGINAL recorded segments, byte for byte (stream copy, never re-encoded).', 'Each segment\'s SHA-256 below equals the hash Vigie computed when the segment was closed.');
  }
  add('');
  add(
    r.anonymized
      ? `Source recordings (${r.segments.length}), checked unaltered before anonymising, not included:`
      : `Video files (${r.segments.length}); whole segments overlapping the range, so they may start before and end after it:`,
  );
  for (const s of r.segments) {
    add(`  ${s.file}`);
    add(`    from ${both(s.start, r.timeZone)}`);
    add(`    to   ${both(s.end, r.timeZone)}`);
    add(`    ${s.durationS.toFixed(3)} s, ${s.bytes} bytes, recorded as ${s.recordedAs}`);
    add(`    SHA-256 ${s.sha256}`);
  }
  add('');
  if (r.gaps.length === 0) {
    add('Recording gaps in the range: none recorded.');
  } else {
    add(`Recording gaps in the range (${r.gaps.length}): nothing was recorded during these spans:`);
    for (const g of r.gaps) add(`  ${g.start} to ${g.end}: ${g.reason}`);
  }
  add('');
  add(`Events: ${r.eventCount} event(s) of this camera starting in the range, in events.jsonl (one JSON object a line).`);
  add('');
  add('Integrity', '---------');
  add('manifest.json lists every file of this bundle with its size and SHA-256; manifest.sig is the');
  add('Ed25519 signature of manifest.json by this Vigie instance; public-key.pem is its public key.');
  add(`Instance key fingerprint (SHA-256 of the public key, DER): ${r.keyFingerprint}`);
  add('Check it against the fingerprint shown in the Vigie console (System) or given by the operator:');
  add('the key inside a bundle proves the bundle is intact, not who made it.');
  add('Verify with:  vigie evidence verify <bundle.zip> --key <known public key>');
  add('or by hand (see docs/EVIDENCE.md): sha256sum each file, and');
  add('  openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in manifest.json -sigfile manifest.sig');
  add('');
  return lines.join('\n');
}
