import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";
import * as refs from "../src/refs.js";

describe("exports", () => {
  it("should keep the public surface stable", () => {
    expect(Object.keys(api).sort()).toMatchSnapshot();
    expect(Object.keys(refs).sort()).toMatchSnapshot();
  });
});
