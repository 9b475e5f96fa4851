/**
 * True when a situation seen again at `tSec` continues the event that ended at
 * `endS` instead of raising a new one. A cooldown of 0 never merges.
 */
export function withinCooldown(endS: number, tSec: number, cooldownS: number): boolean {
  return cooldownS > 0 && tSec >= endS && tSec - endS <= cooldownS;
}

/** True once an event that ended at `endS` can no longer be reopened at `tSec`. */
export function cooldownExpired(endS: number, tSec: number, cooldownS: number): boolean {
  return tSec - endS > cooldownS;
}
