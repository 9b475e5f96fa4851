/**
 * Evidence exports: signed bundles (blurred by default, original for judicial
 * requisitions) and their verification; blurred playback of recorded footage. See docs/EVIDENCE.md.
 */
export { EvidenceError, type EvidenceErrorCode } from './errors.js';
export { exportEvidence, CLI_ACTOR, ANONYMIZE_UNAVAILABLE, type ExportDeps, type ExportRequest, type ExportResult, type KeepSubject } from './export.js';
export { FOOTAGE_CACHE_TTL_MS, MAX_FOOTAGE_MS, type FootageFile } from './footage.js';
export { loadInstanceKey, keyFingerprint, parsePublicKey, type InstanceKey, type PublicKeyInfo } from './instance-key.js';
export { manifestSchema, type Manifest } from './manifest.js';
export { createEvidenceService, EXPORT_ID, type EvidenceService, type EvidenceRequest, type StoredExport } from './service.js';
export { verifyBundle, type Verification } from './verify.js';
