import { collection, GenerationRecord, type PackContext } from "@valhalla/runtime";
import { Bill, Payment, Reminder } from "./schemas.js";

/** Namespaces of the bills pack. */
export const storage = {
  bills: collection({ prefix: "bill", schema: Bill, indexes: ["status", "payee", "autopay"] }),
  payments: collection({ prefix: "pay", schema: Payment, indexes: ["bill_id"] }),
  reminders: collection({ prefix: "rem", schema: Reminder, indexes: ["bill_id", "created_on"] }),
  /** Summary cache generation: record `gen`, bumped after every bill or payment write. */
  meta: collection({ prefix: "bmeta", schema: GenerationRecord }),
};

/** The bills pack's context. */
export type BillsContext = PackContext<typeof storage, {}>;
