import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { AckPolicy, type JsMsg, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import busboy from "busboy";
import { Client as Minio } from "minio";
import nodemailer from "nodemailer";
import pg from "pg";

/**
 * The floor of the end-to-end benchmark: the same I/O as reimagine's five services, hand-written
 * with no framework — the upload received over HTTP, the original put to and read back from S3,
 * both model calls (the caption as a vision chat call with the image inline, the default mode), the generated image put to S3, one JetStream publish per fact, a durable
 * consumer per stage, one row upsert per fact, one SMTP send. No validation, no expected
 * versions, no re-read of the history, no retries, no telemetry, no logging.
 * Run as `node --import tsx floor-pipeline.ts '<FloorSpec as JSON>'`, one process per stage.
 */
export interface FloorSpec {
  stage: FloorStage;
  natsUrl: string;
  /** The floor's own stream, subjects `<prefix>.<fact>.<requestId>` (created by the caller). */
  stream: string;
  prefix: string;
  s3: { endpoint: string; accessKey: string; secretKey: string; originals: string; generated: string };
  hf: { chatCompletion: string; textToImage: string; token: string };
  databaseUrl: string;
  /** Table the floor projector upserts into (created by the caller). */
  table: string;
  smtpUrl: string;
}

export type FloorStage = "api" | "caption" | "generation" | "projector" | "notifier";

type Fact = "submitted" | "captioned" | "generated" | "notified";

async function runStage(spec: FloorSpec): Promise<void> {
  // The client options reimagine uses (see packages/eventstore nats-connection): the same client cost.
  const nc = await connect({ servers: spec.natsUrl, noAsyncTraces: true });
  const js = jetstream(nc);
  const endpoint = new URL(spec.s3.endpoint);
  const s3 = new Minio({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port),
    useSSL: false,
    accessKey: spec.s3.accessKey,
    secretKey: spec.s3.secretKey,
    pathStyle: true,
    region: "us-east-1",
  });
  const publish = (fact: Fact, requestId: string, data: Record<string, unknown>) => {
    const body = { id: randomUUID(), type: fact, requestId, occurredAt: new Date().toISOString(), data };
    return js.publish(`${spec.prefix}.${fact}.${requestId}`, JSON.stringify(body), { msgID: body.id });
  };
  const consume = async (name: string, filter: string, handle: (m: JsMsg) => Promise<void>) => {
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(spec.stream, {
      durable_name: name,
      filter_subject: filter,
      ack_policy: AckPolicy.Explicit,
      max_ack_pending: 64,
    });
    const messages = await (await js.consumers.get(spec.stream, name)).consume({ max_messages: 16 });
    (async () => {
      for await (const m of messages) {
        handle(m).then(
          () => m.ack(),
          (err) => {
            console.error(err);
            m.nak(1000);
          },
        );
      }
    })();
  };
  const eventOf = (m: JsMsg) =>
    m.json<{ requestId: string; type: Fact; occurredAt: string; data: Record<string, string> }>();

  switch (spec.stage) {
    case "api": {
      const server = createServer((req, res) => {
        const requestId = randomUUID();
        let email = "";
        const chunks: Buffer[] = [];
        const form = busboy({ headers: req.headers });
        form.on("field", (name, value) => {
          if (name === "email") email = value;
        });
        form.on("file", (_name, file) => file.on("data", (c: Buffer) => chunks.push(c)));
        form.on("close", async () => {
          const image = Buffer.concat(chunks);
          const key = `${requestId}/original.jpg`;
          await s3.putObject(spec.s3.originals, key, image, image.length, { "Content-Type": "image/jpeg" });
          await publish("submitted", requestId, { email, originalKey: key, bytes: String(image.length) });
          res.writeHead(202, { "content-type": "application/json" });
          res.end(JSON.stringify({ id: requestId, status: "pending" }));
        });
        req.pipe(form);
      });
      await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
      const { port } = server.address() as { port: number };
      console.log(`http://127.0.0.1:${port}`);
      return;
    }
    case "caption":
      await consume("floor_caption", `${spec.prefix}.submitted.*`, async (m) => {
        const { requestId, data } = eventOf(m);
        const chunks: Buffer[] = [];
        for await (const c of await s3.getObject(spec.s3.originals, data.originalKey!))
          chunks.push(c as Buffer);
        // A vision chat call with the image inline, as the caption handler's default mode makes it.
        const image = `data:image/jpeg;base64,${Buffer.concat(chunks).toString("base64")}`;
        const res = await fetch(`${spec.hf.chatCompletion}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${spec.hf.token}`, "content-type": "application/json" },
          body: JSON.stringify({
            model: "fake/chat-model",
            messages: [
              {
                role: "user",
                content: [
                  { type: "text", text: "Describe this picture in one sentence." },
                  { type: "image_url", image_url: { url: image } },
                ],
              },
            ],
            max_tokens: 120,
          }),
        });
        const answer = (await res.json()) as { choices: { message: { content: string } }[] };
        await publish("captioned", requestId, { caption: answer.choices[0]!.message.content });
      });
      break;
    case "generation":
      await consume("floor_generation", `${spec.prefix}.captioned.*`, async (m) => {
        const { requestId, data } = eventOf(m);
        const res = await fetch(spec.hf.textToImage, {
          method: "POST",
          headers: { authorization: `Bearer ${spec.hf.token}`, "content-type": "application/json" },
          body: JSON.stringify({ inputs: data.caption, parameters: {} }),
        });
        const image = Buffer.from(await res.arrayBuffer());
        const key = `${requestId}/generated.png`;
        await s3.putObject(spec.s3.generated, key, image, image.length, { "Content-Type": "image/png" });
        await publish("generated", requestId, { generatedKey: key });
      });
      break;
    case "notifier": {
      const mail = nodemailer.createTransport(spec.smtpUrl);
      await consume("floor_notifier", `${spec.prefix}.generated.*`, async (m) => {
        const { requestId } = eventOf(m);
        const info = await mail.sendMail({
          from: "floor <floor@reimagine.bench>",
          to: "bench@example.com",
          subject: "Your image is ready",
          text: `http://reimagine.bench/api/v1/request/${requestId}/image`,
        });
        await publish("notified", requestId, { messageId: info.messageId });
      });
      break;
    }
    case "projector": {
      const db = new pg.Pool({ connectionString: spec.databaseUrl, max: 4 });
      await consume("floor_projector", `${spec.prefix}.>`, async (m) => {
        const { requestId, type, occurredAt } = eventOf(m);
        await db.query(
          `insert into ${spec.table} (request_id, status, history, position) values ($1, $2, $3, $4)
           on conflict (request_id) do update
           set status = $2, history = ${spec.table}.history || $3, position = $4`,
          [requestId, type, JSON.stringify([{ type, at: occurredAt }]), m.seq],
        );
      });
      break;
    }
  }
  console.log("ready");
}

runStage(JSON.parse(process.argv[2]!) as FloorSpec).catch((err) => {
  console.error(err);
  process.exit(1);
});
