import { describeSessionApp } from "./app-cases.js";

// An express 5 app with express-session, against the memory, file and Redis stores.
describeSessionApp("express");
