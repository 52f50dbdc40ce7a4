/**
 * @module @valhalla/pack-dispo — buyers, buy boxes, deal matching and assignments.
 */
export { askingPrice, type Factor, type MatchResult, type Reason, scoreBuyer } from "./matching.js";
export { dispo, dispo as default } from "./pack.js";
export { type BuyerMatch, type DispoApi, dispoService } from "./refs.js";
export {
  ASSIGNMENT_STATUSES,
  type Assignment,
  type AssignmentStatus,
  type BuyBox,
  type Buyer,
  FUNDING,
  STRATEGIES,
} from "./schemas.js";
export { allowedStatuses } from "./service.js";
