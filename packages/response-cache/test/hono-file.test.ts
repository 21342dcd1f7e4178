import { fileBackend } from "./backends.js";
import { describeResponseCache } from "./suite.js";

describeResponseCache("hono", fileBackend());
