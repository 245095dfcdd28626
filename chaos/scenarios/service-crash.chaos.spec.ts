import { chaosScenarios, SERVICES } from "../harness";

chaosScenarios(
  "each service SIGKILLed mid-load and restarted",
  SERVICES.map((service) => ({ name: `kill ${service}`, fault: (env) => env.crash(service) })),
);
