/**
 * @module @valhalla/pack-wholesale — wholesale deal pipeline, activity log and JV partner board.
 */
export { wholesale, wholesale as default } from "./pack.js";
export {
  type Condition,
  type DealRecord,
  type DealStage,
  type DealsApi,
  dealsService,
  type PropertyType,
} from "./refs.js";
export {
  type Activity,
  CONDITIONS,
  type Deal,
  EXIT_STRATEGIES,
  PROPERTY_TYPES,
  STAGES,
  type Stage,
} from "./schemas.js";
export { allowedNext, BOARD_FIELDS, boardView, deriveSpread } from "./service.js";
