import { describeSessionApp } from "./app-cases.js";

// A fastify 5 app with @fastify/session and @fastify/cookie, against the memory, file and Redis stores.
describeSessionApp("fastify");
