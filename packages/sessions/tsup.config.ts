import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base";

// shims: the ESM build gets `__filename`, from which the optional express-session peer is looked up.
export default defineConfig({ ...packageBuild, shims: true });
