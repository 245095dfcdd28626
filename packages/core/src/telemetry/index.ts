export { contextFromTraceparent, currentTraceparent, tracer } from "./trace-context";
