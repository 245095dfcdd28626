export {
  healthApp,
  type ReadinessCheck,
  type ReadinessDetails,
  runChecks,
  startHealthServer,
} from "./health-server";
export { type Stoppable, stopOnSignals } from "./lifecycle";
export { natsUrlOf, openEventStore } from "./open-event-store";
export { runtimeOptionsFrom } from "./runtime-options";
