import { countingRule } from './counting.js';
import { crowdMovementRule, gatheringRule, loiteringRule } from './crowd.js';
import { cameraTamperRule, fireRule, smokeRule } from './hazard.js';
import { intrusionRule, lineCrossingRule, wrongWayRule } from './movement.js';
import { abandonedObjectRule, binOverflowRule, illegalDumpingRule } from './static-scene.js';
import { personDownRule, redLightRule, speedingRule, stoppedVehicleRule, vehicleDepartureRule, vehicleProwlingRule } from './vehicle.js';

/** Every rule type's schema, one per `type` (docs/RULES.md has one section each). */
export const ALL_RULE_SCHEMAS = [
  intrusionRule,
  lineCrossingRule,
  wrongWayRule,
  gatheringRule,
  crowdMovementRule,
  loiteringRule,
  vehicleProwlingRule,
  vehicleDepartureRule,
  stoppedVehicleRule,
  speedingRule,
  redLightRule,
  personDownRule,
  abandonedObjectRule,
  illegalDumpingRule,
  binOverflowRule,
  fireRule,
  smokeRule,
  cameraTamperRule,
  countingRule,
] as const;

export const RULE_TYPES = ALL_RULE_SCHEMAS.map((s) => s.shape.type.value);
