import { fileBackend } from "./backends.js";
import { describeResponseCache } from "./suite.js";

describeResponseCache("express", fileBackend());
