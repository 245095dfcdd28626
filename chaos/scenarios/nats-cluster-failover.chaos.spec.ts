import { setTimeout as sleep } from "node:timers/promises";
import { type ChaosEnv, chaosScenarios } from "../harness";

/** Consecutive runs (CI: 2; set CHAOS_CLUSTER_RUNS=10 for the full count of issue 16). */
const RUNS = Number(process.env.CHAOS_CLUSTER_RUNS ?? 2);
/** CHAOS_CLUSTER_CONTROL=1 first runs the same load with no fault: what draining takes on this machine anyway. */
const CONTROL = process.env.CHAOS_CLUSTER_CONTROL === "1";

/** The node that leads the event stream now, by stream info (asked until the cluster answers). */
async function streamLeader(env: ChaosEnv, not?: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const info = await env.store.jsm.streams.info(env.store.layout.stream).catch(() => null);
    const leader = info?.cluster?.leader;
    if (leader && leader !== not) return leader;
    await sleep(100);
  }
  throw new Error(`no leader of ${env.store.layout.stream} other than ${not} within 60 s`);
}

/** SIGKILLs the stream leader, waits for the cluster to elect another, then starts it again on its store. */
async function killStreamLeader(env: ChaosEnv): Promise<void> {
  const leader = await streamLeader(env);
  const killedAt = Date.now();
  await env.cluster!.node(leader).kill();
  const next = await streamLeader(env, leader);
  const elected = (Date.now() - killedAt) / 1000;
  await env.cluster!.node(leader).start();
  console.log(
    `chaos: stream leader ${leader} SIGKILLed; ${next} leads ${elected.toFixed(1)} s later; ${leader} restarted`,
  );
}

chaosScenarios(
  "a 3-node NATS cluster (R3 streams and buckets): the stream leader SIGKILLed mid-load and restarted",
  [
    ...(CONTROL ? [{ name: "no fault (control)", fault: async () => undefined }] : []),
    ...Array.from({ length: RUNS }, (_, i) => ({
      name: `kill the stream leader (run ${i + 1} of ${RUNS})`,
      fault: killStreamLeader,
    })),
  ],
  { cluster: true },
);
