import { describeLimiterContract } from "../__fixtures__/limiter-contract.ts";
import { createMemoryRateLimiter } from "./memory-rate-limiter.ts";

describeLimiterContract("memory", () => createMemoryRateLimiter());
