import { redisBackend } from "./backends.js";
import { describeResponseCache } from "./suite.js";

describeResponseCache("express", redisBackend());
