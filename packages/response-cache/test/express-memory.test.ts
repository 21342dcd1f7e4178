import { describeResponseCache } from "./suite.js";
import { memoryBackend } from "./backends.js";

describeResponseCache("express", memoryBackend);
