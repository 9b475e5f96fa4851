import { countingRule } from './counting.js';
import { crowdMovementRule, gatheringRule, loiteringRule } from './crowd.js';
import { cameraTamperRule, fireRule, smokeRule } from './hazard.js';
import { withLegalBasisCheck as checked } from './legal-basis.js';
import { intrusionRule, lineCrossingRule, wrongWayRule } from './movement.js';
import { abandonedObjectRule, binOverflowRule, illegalDumpingRule } from './static-scene.js';
import { personDownRule, redLightRule, speedingRule, stoppedVehicleRule, vehicleDepartureRule, vehicleProwlingRule } from './vehicle.js';

/** Every rule type's schema, one per `type` (docs/RULES.md has one section each), with its `legal_basis` checked against its type. */
export const ALL_RULE_SCHEMAS = [
  checked(intrusionRule),
  checked(lineCrossingRule),
  checked(wrongWayRule),
  checked(gatheringRule),
  checked(crowdMovementRule),
  checked(loiteringRule),
  checked(vehicleProwlingRule),
  checked(vehicleDepartureRule),
  checked(stoppedVehicleRule),
  checked(speedingRule),
  checked(redLightRule),
  checked(personDownRule),
  checked(abandonedObjectRule),
  checked(illegalDumpingRule),
  checked(binOverflowRule),
  checked(fireRule),
  checked(smokeRule),
  checked(cameraTamperRule),
  checked(countingRule),
] as const;

export const RULE_TYPES = ALL_RULE_SCHEMAS.map((s) => s.shape.type.value);
