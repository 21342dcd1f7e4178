export { RateLimiter, type RateLimiterOptions, type RateLimitResult } from "./rate-limiter.js";
export { RateLimitStore, type RateLimitStoreOptions, type ClientRateLimitInfo } from "./rate-limit-store.js";
export {
  fastifyRateLimitStore,
  type FastifyRateLimitStoreOptions,
  type FastifyRateLimitStore,
  type FastifyRateLimitStoreClass,
  type FastifyRateLimitParams,
  type FastifyRateLimitState,
  type FastifyRateLimitCallback,
} from "./fastify-rate-limit-store.js";
