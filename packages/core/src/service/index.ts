export { type Stoppable, stopOnSignals } from "./lifecycle";
export { natsUrlOf, openEventStore } from "./open-event-store";
export { runtimeOptionsFrom } from "./runtime-options";
