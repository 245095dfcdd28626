export { type BackoffPolicy, isRetryable, retryDelayMs, retryHintOf } from "./backoff";
export type { EventHandler, HandlerContext } from "./event-handler";
export { HandlerRuntime, type HandlerRuntimeOptions } from "./handler-runtime";
