export type { CountingRuleConfig } from './counting.js';
export type { CrowdMovementRuleConfig, GatheringRuleConfig, LoiteringRuleConfig } from './crowd.js';
export type { CameraTamperRuleConfig, FireRuleConfig, SmokeRuleConfig, TamperKind } from './hazard.js';
export type { IntrusionRuleConfig, LineCrossingRuleConfig, WrongWayRuleConfig } from './movement.js';
export type { AbandonedObjectRuleConfig, BinOverflowRuleConfig, IllegalDumpingRuleConfig } from './static-scene.js';
export type {
  PersonDownRuleConfig,
  RedLightRuleConfig,
  SpeedingRuleConfig,
  StoppedVehicleRuleConfig,
  VehicleDepartureRuleConfig,
  VehicleProwlingRuleConfig,
} from './vehicle.js';
export type { AuthorisedAlert, LegalBasis, LegalBasisKind } from './legal-basis.js';
