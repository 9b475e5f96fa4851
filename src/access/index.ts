/**
 * GDPR right-of-access requests: finding the requester in the recorded
 * footage (docs/ACCESS-REQUESTS.md). The requests themselves are stored by
 * src/store/access-request-repository.ts; the export by src/evidence.
 */
export { AccessError, type AccessErrorCode } from './errors.js';
export { recordedFrameAt, segmentAt, type FrameSource, type RecordedFrame } from './frame.js';
export { numberPeople, subjectPoint, type NumberedBox } from './people.js';
export { drawNumberedPeople } from './render.js';
export { peopleAt, pickerJpeg, sharedPeopleAt, type AccessFrameDeps, type FrameRequest, type PeopleAt, type PeopleFrame } from './service.js';
