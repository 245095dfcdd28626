// The chaos suite's harness: an environment of real servers and service processes, a load, faults.
export { type ChaosEnv, type ChaosEnvOptions, type ChaosService, SERVICES, startChaosEnv } from "./chaos-env";
export { chaosScenarios } from "./chaos-scenarios";
export { expectClean } from "./expect-clean";
export { type NatsCluster, type NatsNode, startNatsCluster } from "./nats-cluster";
export { type NatsServer, startNatsServer } from "./nats-server";
export { type PostgresCluster, startPostgresCluster } from "./postgres-cluster";
export { LOAD, runScenario, type Scenario, type ScenarioReport } from "./run-scenario";
