import { describe, expect, it } from "vitest";
import { inSendWindow, nextSendTime } from "../src/quiet-hours.js";

describe("quiet hours", () => {
  it.each([
    ["2026-01-15T12:59:00Z", "America/New_York", false], // 07:59 EST
    ["2026-01-15T13:00:00Z", "America/New_York", true], // 08:00 EST
    ["2026-01-16T01:59:00Z", "America/New_York", true], // 20:59 EST
    ["2026-01-16T02:00:00Z", "America/New_York", false], // 21:00 EST
    ["2026-01-15T23:30:00Z", "Asia/Tokyo", true], // 08:30 JST next day
    ["2026-07-15T06:30:00Z", "Europe/Berlin", true], // 08:30 CEST
  ])("should tell whether %s is inside 08:00–21:00 in %s", (iso, tz, expected) => {
    expect(inSendWindow(new Date(iso), tz)).toBe(expected);
  });

  it("should keep an instant inside the window", () => {
    const t = new Date("2026-01-15T15:00:00Z");
    expect(nextSendTime(t, "America/New_York")).toBe(t);
  });

  it("should move a late-evening instant to 08:00 the next local day", () => {
    expect(nextSendTime(new Date("2026-01-16T03:00:00Z"), "America/New_York").toISOString()).toBe(
      "2026-01-16T13:00:00.000Z",
    );
  });

  it("should move an early-morning instant to 08:00 the same local day", () => {
    expect(nextSendTime(new Date("2026-01-15T20:00:00Z"), "Asia/Tokyo").toISOString()).toBe(
      "2026-01-15T23:00:00.000Z",
    );
  });

  it("should use the new offset across a DST change", () => {
    // 2026-03-08 02:00 US clocks spring forward; 08:00 that day is EDT (UTC-4).
    expect(nextSendTime(new Date("2026-03-08T05:00:00Z"), "America/New_York").toISOString()).toBe(
      "2026-03-08T12:00:00.000Z",
    );
    // 2026-10-25 Berlin falls back; 08:00 that day is CET (UTC+1).
    expect(nextSendTime(new Date("2026-10-24T21:00:00Z"), "Europe/Berlin").toISOString()).toBe(
      "2026-10-25T07:00:00.000Z",
    );
  });
});
