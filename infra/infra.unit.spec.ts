import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigSchema } from "@reimagine/platform";
import { afterAll, describe, expect, it } from "vitest";
import { NODE_ENV_VARS, nodeOptionsOf } from "../scripts/build.mjs";
import { effective, environment, lineage, parseDockerfile } from "./testing/dockerfile";
import { interpolate, readYamlDocuments, yamlFilesUnder } from "./testing/yaml-files";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const at = (path: string) => join(root, path);

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML, checked field by field
type Doc = Record<string, any>;

const SERVICES = ["command-api", "caption-handler", "generation-handler", "projector", "notifier"] as const;
const SCHEMA_KEYS = new Set(Object.keys(ConfigSchema.shape));
const probePortOf = (service: string) => (service === "command-api" ? 3000 : 8081);
const probePortVar = (service: string) => (service === "command-api" ? "PORT" : "HEALTH_PORT");

const kustomizations = yamlFilesUnder(root, "infra").filter((f) => f.endsWith("kustomization.yaml"));
const manifestFiles = yamlFilesUnder(root, "infra/k8s").filter((f) => !f.endsWith("kustomization.yaml"));
const manifests: Array<{ file: string; doc: Doc }> = manifestFiles.flatMap((file) =>
  readYamlDocuments(at(file)).map((doc) => ({ file, doc: doc as Doc })),
);
const ofKind = (kind: string) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const named = (kind: string, name: string): Doc => {
  const found = ofKind(kind).find((d) => d.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in infra/k8s`);
  return found;
};
const configMap = named("ConfigMap", "reimagine-config");
const secret = named("Secret", "reimagine-secrets");
const deployments = ofKind("Deployment");
const compose = readYamlDocuments(at("docker-compose.yml"))[0] as Doc;
const stages = parseDockerfile(at("Dockerfile"));

describe("every YAML file", () => {
  it.each(yamlFilesUnder(root, "infra").concat("docker-compose.yml"))("%s parses", (file) => {
    expect(readYamlDocuments(at(file)).length).toBeGreaterThan(0);
  });
});

describe("Kubernetes manifests", () => {
  it.each(manifests.map((m) => [`${m.file}: ${m.doc.kind} ${m.doc.metadata?.name}`, m.doc]))(
    "%s has kind, apiVersion and metadata.name",
    (_, doc) => {
      expect(typeof doc.kind).toBe("string");
      expect(typeof doc.apiVersion).toBe("string");
      expect(typeof doc.metadata?.name).toBe("string");
    },
  );

  it("kustomization lists every manifest, and everything it lists exists", () => {
    const k = readYamlDocuments(at("infra/k8s/kustomization.yaml"))[0] as Doc;
    const listed: string[] = k.resources;
    for (const r of listed) {
      const path = at(join("infra/k8s", r));
      expect(existsSync(path), r).toBe(true);
      if (statSync(path).isDirectory()) expect(existsSync(join(path, "kustomization.yaml")), r).toBe(true);
    }
    expect(manifestFiles.map((f) => f.replace("infra/k8s/", "")).sort()).toEqual(
      listed.filter((r) => r.endsWith(".yaml")).sort(),
    );
    const images = (k.images as Doc[]).map((i) => i.name);
    expect(images.sort()).toEqual(SERVICES.map((s) => `reimagine/${s}`).sort());
  });

  it.each(kustomizations)("%s generates ConfigMaps from files that exist", (file) => {
    const k = readYamlDocuments(at(file))[0] as Doc;
    for (const gen of k.configMapGenerator ?? []) {
      for (const f of gen.files ?? []) expect(existsSync(at(join(dirname(file), f))), f).toBe(true);
    }
  });

  it("has a Deployment per service, with its own image", () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SERVICES].sort());
    for (const d of deployments) {
      expect(d.spec.template.spec.containers[0].image).toBe(`reimagine/${d.metadata.name}`);
    }
  });

  const workloads = [...deployments, ...ofKind("StatefulSet")];
  describe.each(workloads.map((w) => [`${w.kind} ${w.metadata.name}`, w]))("%s", (_, w) => {
    const pod = w.spec.template.spec;
    const selector = w.spec.selector.matchLabels;
    const containers: [string, Doc][] = (pod.containers as Doc[]).map((c) => [c.name, c]);

    it("selects its own pods", () => {
      expect(w.spec.template.metadata.labels).toMatchObject(selector);
      expect(w.spec.template.metadata.labels["app.kubernetes.io/part-of"]).toBe("reimagine");
    });

    it.each(containers)("container %s has probes", (_, c) => {
      expect(c.readinessProbe?.httpGet?.path).toMatch(/^\/(readyz|healthz)/);
      expect(c.livenessProbe?.httpGet?.path).toMatch(/^\/healthz/);
    });

    it.each(containers)("container %s has requests and limits", (_, c) => {
      for (const kind of ["requests", "limits"]) {
        expect(c.resources?.[kind]?.cpu, kind).toBeDefined();
        expect(c.resources?.[kind]?.memory, kind).toBeDefined();
      }
    });

    it("runs as non-root with a read-only root filesystem and no privileges", () => {
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.securityContext.seccompProfile.type).toBe("RuntimeDefault");
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
        expect(c.securityContext.capabilities.drop).toEqual(["ALL"]);
      }
    });

    it("is given longer to stop than its preStop hook and SHUTDOWN_GRACE_MS take", () => {
      // SHUTDOWN_GRACE_MS applies to the reimagine services; NATS has its lame-duck wait instead.
      const graceSeconds = w.kind === "Deployment" ? Number(configMap.data.SHUTDOWN_GRACE_MS) / 1000 : 0;
      const preStopSleep = Number(
        /sleep (\d+)/.exec(pod.containers[0].lifecycle?.preStop?.exec?.command?.join(" ") ?? "")?.[1] ?? 0,
      );
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(graceSeconds + preStopSleep);
    });
  });

  describe.each(SERVICES.map((s) => [s]))("the %s Deployment", (service) => {
    const d = named("Deployment", service);
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    const env: Record<string, Doc> = Object.fromEntries((c.env as Doc[]).map((e) => [e.name, e]));

    it("probes /readyz and /healthz on the port the service listens on", () => {
      const port = c.ports.find((p: Doc) => p.name === c.readinessProbe.httpGet.port);
      expect(port.containerPort).toBe(probePortOf(service));
      expect(env[probePortVar(service)]?.value).toBe(String(probePortOf(service)));
      expect(c.readinessProbe.httpGet.path).toBe("/readyz");
      expect(c.livenessProbe.httpGet.path).toBe("/healthz");
      expect(c.livenessProbe.httpGet.port).toBe(c.readinessProbe.httpGet.port);
    });

    it("has a writable /tmp (emptyDir) for scratch files", () => {
      const mount = c.volumeMounts.find((m: Doc) => m.mountPath === "/tmp");
      expect(pod.volumes.find((v: Doc) => v.name === mount?.name)?.emptyDir).toBeDefined();
    });

    it("reads the shared ConfigMap and only Secret keys that exist", () => {
      expect(c.envFrom).toContainEqual({ configMapRef: { name: "reimagine-config" } });
      for (const e of Object.values(env)) {
        const ref = e.valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect(ref.name).toBe("reimagine-secrets");
        expect(Object.keys(secret.stringData)).toContain(ref.key);
        expect(ref.key).toBe(e.name);
      }
    });

    it("gets a configuration the config schema accepts", () => {
      const values: Record<string, string> = { ...configMap.data };
      for (const e of Object.values(env)) {
        values[e.name] = e.valueFrom?.secretKeyRef
          ? secret.stringData[e.valueFrom.secretKeyRef.key]
          : e.value;
      }
      const parsed = ConfigSchema.safeParse(values);
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(parsed.data?.NATS_REPLICAS).toBe(3);
    });
  });

  it("runs the projector as a single active replica (Recreate), never autoscaled", () => {
    const projector = named("Deployment", "projector");
    expect(projector.spec.replicas).toBe(1);
    expect(projector.spec.strategy.type).toBe("Recreate");
    const targets = ofKind("HorizontalPodAutoscaler").map((h) => h.spec.scaleTargetRef.name);
    expect(targets).not.toContain("projector");
  });

  it("autoscales the two handlers and the notifier on CPU; the HPA owns their replica count", () => {
    const hpas = ofKind("HorizontalPodAutoscaler");
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(
      ["caption-handler", "generation-handler", "notifier"].sort(),
    );
    for (const h of hpas) {
      expect(h.apiVersion).toBe("autoscaling/v2");
      expect(h.spec.scaleTargetRef.kind).toBe("Deployment");
      expect(h.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(h.spec.maxReplicas).toBeGreaterThan(h.spec.minReplicas);
      expect(h.spec.metrics[0].resource.name).toBe("cpu");
      expect(named("Deployment", h.spec.scaleTargetRef.name).spec.replicas).toBeUndefined();
    }
  });

  it("exposes the command API through a Service on its named port, and never the admin API", () => {
    const svc = named("Service", "command-api");
    const api = named("Deployment", "command-api");
    expect(svc.spec.selector).toEqual(api.spec.selector.matchLabels);
    expect(svc.spec.ports.map((p: Doc) => p.targetPort)).toEqual(["http"]);
    const container = api.spec.template.spec.containers[0];
    const env = Object.fromEntries((container.env as Doc[]).map((e) => [e.name, e.value]));
    // The admin listener is on loopback and its port is not a containerPort any Service could name.
    expect(env.ADMIN_HOST).toBe("127.0.0.1");
    expect(container.ports.map((p: Doc) => p.containerPort)).not.toContain(Number(env.ADMIN_PORT));
    expect(container.ports.map((p: Doc) => p.containerPort)).toEqual([3000]);
  });

  it("uses only configuration names from the config schema", () => {
    const names = [
      ...Object.keys(configMap.data),
      ...Object.keys(secret.stringData),
      ...deployments.flatMap((d) => (d.spec.template.spec.containers[0].env as Doc[]).map((e) => e.name)),
    ];
    expect(names.filter((n) => !SCHEMA_KEYS.has(n))).toEqual([]);
  });

  it("commits no secret: every Secret value is empty or a marked placeholder", () => {
    for (const [key, value] of Object.entries(secret.stringData as Record<string, string>)) {
      expect(value === "" || value.includes("CHANGE-ME"), key).toBe(true);
    }
    expect(secret.data).toBeUndefined();
  });
});

describe("NATS cluster", () => {
  const conf = readFileSync(at("infra/nats/nats.conf"), "utf8");
  const sts = named("StatefulSet", "nats");
  const container = sts.spec.template.spec.containers[0];

  it("is a 3-node StatefulSet whose routes name every pod through the headless Service", () => {
    expect(sts.spec.replicas).toBe(3);
    const headless = named("Service", sts.spec.serviceName);
    expect(headless.spec.clusterIP).toBe("None");
    const routes = [...conf.matchAll(/nats:\/\/([a-z0-9-]+)\.([a-z0-9-]+):6222/g)].map(
      (m) => `${m[1]}.${m[2]}`,
    );
    expect(routes).toEqual([0, 1, 2].map((i) => `${sts.metadata.name}-${i}.${sts.spec.serviceName}`));
    expect(conf).toMatch(/jetstream\s*{[^}]*store_dir/);
  });

  it("gets every environment variable nats.conf refers to", () => {
    const referenced = [...conf.matchAll(/^\s*\w+:\s*\$([A-Z_]+)/gm)].map((m) => m[1]);
    expect(referenced.length).toBeGreaterThan(0);
    const provided = (container.env as Doc[]).map((e) => e.name);
    for (const v of referenced) expect(provided).toContain(v);
  });

  it("mounts nats.conf from the generated ConfigMap where the command reads it", () => {
    const gen = (readYamlDocuments(at("infra/nats/kustomization.yaml"))[0] as Doc).configMapGenerator[0];
    expect(gen.files).toEqual(["nats.conf"]);
    const volume = sts.spec.template.spec.volumes.find((v: Doc) => v.configMap?.name === gen.name);
    const mount = container.volumeMounts.find((m: Doc) => m.name === volume.name);
    expect(container.command.join(" ")).toContain(`--config ${mount.mountPath}/nats.conf`);
    const pidFile = /^pid_file:\s*(\S+)/m.exec(conf)?.[1];
    expect(container.lifecycle.preStop.exec.command.join(" ")).toContain(`ldm=${pidFile}`);
  });

  it("sets NATS_REPLICAS=3 for the services in the cluster, and NATS_URL lists every node", () => {
    expect(configMap.data.NATS_REPLICAS).toBe("3");
    const headless = named("Service", sts.spec.serviceName);
    const client = headless.spec.ports.find((p: Doc) => p.name === "client").port;
    const nodes = Array.from({ length: sts.spec.replicas }, (_, i) => i);
    expect(configMap.data.NATS_URL.split(",")).toEqual(
      nodes.map((i) => `nats://${sts.metadata.name}-${i}.${sts.spec.serviceName}:${client}`),
    );
  });

  it("is the configuration the chaos suite's cluster runs", () => {
    const harness = readFileSync(at("chaos/harness/nats-cluster.ts"), "utf8");
    expect(harness).toContain('"../../infra/nats/nats.conf"');
  });
});

describe("docker-compose.yml", () => {
  const services = compose.services as Record<string, Doc>;

  it("has no top-level name (docker-compose 1.29 rejects it) and the expected services", () => {
    expect(compose.name).toBeUndefined();
    expect(Object.keys(services).sort()).toEqual(
      [...SERVICES, "nats", "postgres", "minio", "minio-init", "mailpit", "jaeger"].sort(),
    );
  });

  it("builds every reimagine service from a Dockerfile target that exists", () => {
    const targets = new Set(stages.map((s) => s.name));
    for (const s of SERVICES) {
      expect(services[s]!.build.target).toBe(s);
      expect(targets.has(services[s]!.build.target), s).toBe(true);
    }
    for (const s of Object.values(services)) {
      if (s.build) expect(targets.has(s.build.target)).toBe(true);
    }
  });

  it("waits only on conditions its dependencies can meet", () => {
    const dockerfileHealthy = (name: string) =>
      services[name]?.build && effective(stages, services[name]!.build.target, "HEALTHCHECK") !== undefined;
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {}) as [string, Doc][]) {
        expect(services[dep], `${name} -> ${dep}`).toBeDefined();
        if (condition === "service_healthy") {
          expect(
            services[dep]!.healthcheck !== undefined || dockerfileHealthy(dep),
            `${name} -> ${dep}`,
          ).toBe(true);
        } else if (condition === "service_completed_successfully") {
          expect(services[dep]!.restart, dep).toBe("no");
        } else {
          expect(condition).toBe("service_started");
        }
      }
    }
  });

  it.each(SERVICES.map((s) => [s]))("%s uses only configuration names from the config schema", (s) => {
    const names = Object.keys(services[s]!.environment);
    expect(names.filter((n) => !SCHEMA_KEYS.has(n))).toEqual([]);
  });

  it.each(SERVICES.map((s) => [s]))("%s gets a configuration the schema accepts (defaults only)", (s) => {
    const env = Object.fromEntries(
      Object.entries(services[s]!.environment as Record<string, string>).map(([k, v]) => [k, interpolate(v)]),
    );
    const parsed = ConfigSchema.safeParse(env);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data?.NATS_URL).toBe("nats://nats:4222");
    expect(parsed.data?.OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://jaeger:4318");
  });

  it("passes HF_TOKEN through from the host and wires the backends", () => {
    for (const s of ["caption-handler", "generation-handler"]) {
      const token = services[s]!.environment.HF_TOKEN;
      expect(interpolate(token, { HF_TOKEN: "hf_from_host" })).toBe("hf_from_host");
      expect(interpolate(token)).toBe("");
    }
    expect(services.notifier!.environment.SMTP_URL).toBe("smtp://mailpit:1025");
    const api = services["command-api"]!;
    expect(interpolate(api.environment.DATABASE_URL)).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    expect(api.ports.map((p: string) => interpolate(p))).toContain("127.0.0.1:3000:3000");
    // The admin API on its own port, on the host's loopback even when PUBLISH_ADDRESS opens the rest.
    const published = api.ports.map((p: string) => interpolate(p, { PUBLISH_ADDRESS: "0.0.0.0" }));
    expect(published).toContain(`127.0.0.1:${api.environment.ADMIN_PORT}:${api.environment.ADMIN_PORT}`);
    expect(published.filter((p: string) => p.endsWith(`:${api.environment.ADMIN_PORT}`))).toHaveLength(1);
  });

  it("signs blob URLs for a host name that resolves in the containers and in a browser", () => {
    const endpoint = new URL(interpolate(services["command-api"]!.environment.S3_ENDPOINT));
    expect(services.minio!.networks.default.aliases).toContain(endpoint.hostname);
    expect(endpoint.hostname.endsWith(".localhost")).toBe(true);
    const published = services.minio!.ports.map((p: string) => interpolate(p).split(":").slice(-2).join(":"));
    expect(published).toContain(`${endpoint.port}:${endpoint.port}`);
  });

  it("gives the services longer than SHUTDOWN_GRACE_MS to stop, a writable /tmp and a read-only root", () => {
    for (const s of SERVICES) {
      const svc = services[s]!;
      const grace = Number(interpolate(svc.environment.SHUTDOWN_GRACE_MS)) / 1000;
      expect(Number(/^(\d+)s$/.exec(svc.stop_grace_period)?.[1])).toBeGreaterThan(grace);
      expect(svc.read_only).toBe(true);
      expect(svc.tmpfs).toContain("/tmp");
      expect(svc.init).toBe(true);
    }
  });

  it("runs NATS with JetStream on a named volume, monitoring published", () => {
    const nats = services.nats!;
    expect(nats.command).toEqual(expect.arrayContaining(["--jetstream", "--store_dir", "/data"]));
    expect(nats.volumes).toContain("nats-data:/data");
    expect(Object.keys(compose.volumes)).toEqual(
      expect.arrayContaining(["nats-data", "postgres-data", "minio-data"]),
    );
    expect(nats.ports.map((p: string) => interpolate(p))).toContain("127.0.0.1:8222:8222");
  });
});

describe("Dockerfile", () => {
  const targets = new Map(stages.filter((s) => s.name).map((s) => [s.name!, s]));

  it("installs with the lockfile from every workspace's package.json, copied before the sources", () => {
    const rootPkg = JSON.parse(readFileSync(at("package.json"), "utf8"));
    const copies = lineage(stages, "manifests")
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === "COPY")
      .map((i) => i.args);
    expect(copies[0]).toBe("package.json package-lock.json ./");
    const lock = JSON.parse(readFileSync(at("package-lock.json"), "utf8"));
    const workspaces = Object.keys(lock.packages).filter((p) => p !== "" && !p.includes("node_modules"));
    expect(workspaces.length).toBeGreaterThan(5);
    for (const ws of workspaces) expect(copies, ws).toContain(`${ws}/package.json ${ws}/`);
    expect(rootPkg.workspaces.length).toBeGreaterThan(0);
    const install = (name: string) => targets.get(name)!.instructions.find((i) => i.keyword === "RUN")?.args;
    expect(install("deps")).toMatch(/npm ci$/);
    // The per-image installs read every workspace manifest, so they start from the same stage.
    for (const image of [...SERVICES, "all-in-one"])
      expect(targets.get(`${image}-deps`)?.base).toBe("manifests");
  });

  it("runs Node 22 LTS in the images (the repository itself still runs on Node 20.19+)", () => {
    expect(readFileSync(at("Dockerfile"), "utf8")).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    expect(JSON.parse(readFileSync(at("package.json"), "utf8")).engines.node).toBe(">=20.19");
  });

  it("compiles the bundles in the build stage, after the typecheck; no image runs TypeScript", () => {
    expect(targets.get("build")!.instructions.find((i) => i.keyword === "RUN")?.args).toBe(
      "npm run typecheck && npm run build",
    );
    const rootPkg = JSON.parse(readFileSync(at("package.json"), "utf8"));
    expect(rootPkg.dependencies?.tsx).toBeUndefined();
  });

  it("gives the runtime base nothing but production mode and a non-root user", () => {
    const runtime = targets.get("runtime")!;
    expect(runtime.instructions.filter((i) => i.keyword === "COPY")).toEqual([]);
    expect(environment(stages, "runtime").NODE_ENV).toBe("production");
    expect(effective(stages, "runtime", "USER")).toMatch(/^[1-9]\d*:[1-9]\d*$/);
  });

  describe.each([...SERVICES, "all-in-one" as const].map((s) => [s]))("target %s", (image) => {
    const workspace = image === "all-in-one" ? "tools/all-in-one" : `services/${image}`;
    const copies = () =>
      targets
        .get(image)!
        .instructions.filter((i) => i.keyword === "COPY")
        .map((i) => i.args);

    it("holds its own production dependencies and its bundle, nothing else of the repository", () => {
      expect(targets.get(image)?.base).toBe("runtime");
      const withCli = image === "command-api" || image === "all-in-one" ? " tools/cli" : "";
      expect(targets.get(`${image}-deps`)!.instructions.find((i) => i.keyword === "RUN")?.args).toMatch(
        new RegExp(`node scripts/service-manifest\\.mjs --install /deps ${workspace}${withCli}$`),
      );
      expect(copies()).toContain(`--from=${image}-deps /deps/node_modules node_modules`);
      expect(copies()).toContain(`--from=build /app/${workspace}/dist dist`);
      const fromBuild = copies().filter((c) => c.startsWith("--from=build "));
      for (const c of fromBuild) expect(c).toMatch(/^--from=build \/app\/\S+\/(dist|bin) \S+$/);
    });

    it("has a start script that runs the options and environment scripts/build.mjs gives the target", () => {
      const pkg = JSON.parse(readFileSync(at(`${workspace}/package.json`), "utf8"));
      const env = Object.entries(NODE_ENV_VARS).map(([name, value]) => `${name}=${value} `);
      expect(pkg.scripts.start).toBe(`${env.join("")}node ${nodeOptionsOf(image).join(" ")} dist/main.js`);
    });

    it("runs what its start script runs, as a non-root user", () => {
      const pkg = JSON.parse(readFileSync(at(`${workspace}/package.json`), "utf8"));
      // e.g. "MALLOC_ARENA_MAX=2 node --max-semi-space-size=2 dist/main.js": the variables are the image's ENV
      const [, assignments, command] = /^((?:[A-Z_]+=\S+ )*)(node .*)$/.exec(pkg.scripts.start) ?? [];
      expect(command).toBeDefined();
      expect(JSON.parse(effective(stages, image, "CMD")!)).toEqual(command!.split(" "));
      for (const assignment of assignments!.split(" ").filter(Boolean)) {
        const [name, value] = assignment.split("=");
        expect(environment(stages, image)[name!]).toBe(value);
      }
      expect(effective(stages, image, "USER")).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    });
  });

  describe.each(SERVICES.map((s) => [s]))("target %s", (service) => {
    it("exposes and health-checks /healthz on its probe port", () => {
      const port = probePortOf(service);
      expect(effective(stages, service, "EXPOSE")).toBe(String(port));
      expect(environment(stages, service)[probePortVar(service)]).toBe(String(port));
      const check = effective(stages, service, "HEALTHCHECK")!;
      expect(check).toContain(`http://127.0.0.1:\${${probePortVar(service)}:-${port}}/healthz`);
      expect(check).not.toContain("curl");
    });
  });

  it("keeps installed and generated files out of the build context", () => {
    const ignored = readFileSync(at(".dockerignore"), "utf8").split("\n");
    for (const entry of ["**/node_modules", "**/.data", ".git", ".ci/out"]) expect(ignored).toContain(entry);
  });
});

describe("infra/minio/init.sh", () => {
  const work = mkdtempSync(join(tmpdir(), "reimagine-minio-init-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // A stand-in for mc that logs its calls, keeps the policy document it is given, and reports
  // the policy as attached once `policy attach` ran (as MinIO would).
  const mc = join(work, "mc");
  writeFileSync(
    mc,
    `#!/bin/sh
echo "$*" >> "${work}/calls"
case "$*" in
  "admin policy create "*) cp "$6" "${work}/policy.json" ;;
  "admin policy attach "*) touch "${work}/attached" ;;
  "admin user info "*) echo "AccessKey: $5"; [ -f "${work}/attached" ] && echo "PolicyName: reimagine-app"; true ;;
esac
`,
  );
  chmodSync(mc, 0o755);
  // The stand-in first, then the system directories (sh, cp, touch, sleep).
  const PATH = `${work}:/usr/local/bin:/usr/bin:/bin`;
  const run = () =>
    spawnSync("sh", [at("infra/minio/init.sh")], {
      encoding: "utf8",
      env: {
        PATH,
        MINIO_ROOT_USER: "root",
        MINIO_ROOT_PASSWORD: "root-password",
        S3_ACCESS_KEY: "app",
        S3_SECRET_KEY: "app-secret",
        S3_BUCKET_ORIGINALS: "originals",
        S3_BUCKET_GENERATED: "generated",
      },
    });
  const calls = () => readFileSync(join(work, "calls"), "utf8").trim().split("\n");

  it("creates both buckets private and a user whose policy reaches only them", () => {
    const first = run();
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(calls()).toEqual(
      expect.arrayContaining([
        "mb --ignore-existing local/originals",
        "mb --ignore-existing local/generated",
        "anonymous set none local/originals",
        "anonymous set none local/generated",
        "admin user add local app app-secret",
        "admin policy attach local reimagine-app --user app",
      ]),
    );
    const policy = JSON.parse(readFileSync(join(work, "policy.json"), "utf8"));
    const resources = policy.Statement.flatMap((s: Doc) => s.Resource).sort();
    expect(resources).toEqual(
      [
        "arn:aws:s3:::generated",
        "arn:aws:s3:::generated/*",
        "arn:aws:s3:::originals",
        "arn:aws:s3:::originals/*",
      ].sort(),
    );
  });

  it("runs again without attaching the policy twice", () => {
    rmSync(join(work, "calls"));
    const second = run();
    expect(second.status).toBe(0);
    expect(calls().filter((c) => c.startsWith("admin policy attach"))).toEqual([]);
  });

  it("names a missing variable instead of running half-configured", () => {
    const r = spawnSync("sh", [at("infra/minio/init.sh")], {
      encoding: "utf8",
      env: { PATH },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("MINIO_ROOT_USER");
  });
});
