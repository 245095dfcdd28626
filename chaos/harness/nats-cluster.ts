import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@reimagine/testing";
import { type NatsServer, natsServer } from "./nats-server";

/** infra/nats/nats.conf: the suite's cluster runs the file operators deploy. */
const NATS_CONF = fileURLToPath(new URL("../../infra/nats/nats.conf", import.meta.url));

/** One node of the suite's cluster, with the name JetStream reports it by (stream info's cluster.leader). */
export interface NatsNode extends NatsServer {
  readonly name: string;
}

/** Three nats-servers on loopback forming one JetStream cluster. */
export interface NatsCluster {
  /** Every node's client URL, comma-separated: what NATS_URL is set to. */
  readonly url: string;
  readonly nodes: NatsNode[];
  node(name: string): NatsNode;
  /** Stops every node and removes the stores. */
  destroy(): Promise<void>;
}

/**
 * Starts three nodes of infra/nats/nats.conf on free loopback ports (client, route and monitoring
 * ports, pid file and routes overridden by flags, as infra/nats/local-cluster.sh does), each with
 * its own store; resolves once every node accepts connections.
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const ports = await Promise.all(
    Array.from({ length: size }, async () => ({
      client: await freePort(),
      route: await freePort(),
      http: await freePort(),
    })),
  );
  const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`).join(",");
  const cluster = `chaos${process.pid}`;
  const nodes = await Promise.all(
    ports.map(async (p, i): Promise<NatsNode> => {
      const name = `${cluster}-n${i + 1}`;
      const server = await natsServer({
        port: p.client,
        env: (store) => ({ NATS_SERVER_NAME: name, NATS_STORE_DIR: store }),
        args: (store) => [
          "-c",
          NATS_CONF,
          "-a",
          "127.0.0.1",
          "-p",
          String(p.client),
          "-m",
          String(p.http),
          "-P",
          join(store, "nats.pid"),
          "--cluster_name",
          cluster,
          "--cluster",
          `nats://127.0.0.1:${p.route}`,
          "--routes",
          routes,
        ],
      });
      return Object.assign(server, { name });
    }),
  );
  try {
    await Promise.all(nodes.map((n) => n.start()));
  } catch (err) {
    await Promise.all(nodes.map((n) => n.destroy()));
    throw err;
  }
  return {
    url: nodes.map((n) => n.url).join(","),
    nodes,
    node(name) {
      const found = nodes.find((n) => n.name === name);
      if (!found) throw new Error(`no node ${name} in the suite's cluster`);
      return found;
    },
    async destroy() {
      await Promise.all(nodes.map((n) => n.destroy()));
    },
  };
}
