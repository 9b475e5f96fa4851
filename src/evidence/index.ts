/**
 * Evidence exports (judicial requisitions): signed bundles of original
 * recordings, and their verification. See docs/EVIDENCE.md.
 */
export { EvidenceError, type EvidenceErrorCode } from './errors.js';
export { exportEvidence, CLI_ACTOR, ANONYMIZE_UNAVAILABLE, type ExportDeps, type ExportRequest, type ExportResult } from './export.js';
export { loadInstanceKey, keyFingerprint, parsePublicKey, type InstanceKey, type PublicKeyInfo } from './instance-key.js';
export { manifestSchema, type Manifest } from './manifest.js';
export { createEvidenceService, EXPORT_ID, type EvidenceService, type EvidenceRequest, type StoredExport } from './service.js';
export { verifyBundle, type Verification } from './verify.js';
