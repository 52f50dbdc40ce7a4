import { project } from "../../vitest.shared";

export default project("@valhalla-examples/custom-host");
