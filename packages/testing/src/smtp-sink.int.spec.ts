import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { type SmtpSink, type SmtpSinkOptions, startSmtpSink } from "./smtp-sink";

// The sink is checked with a bare SMTP dialogue, so the exact reply codes it gives are what is
// asserted, independent of any client library.
interface Reply {
  code: number;
  text: string;
}

interface Dialogue {
  greeting: Reply;
  command(line: string): Promise<Reply>;
  /** Sends a whole message after DATA (dot-stuffing is not needed for these bodies). */
  data(lines: string[]): Promise<Reply>;
  starttls(): Promise<Reply>;
  close(): void;
}

async function dial(port: number, implicitTls = false): Promise<Dialogue> {
  let socket: Socket = implicitTls
    ? connectTls({ host: "127.0.0.1", port, rejectUnauthorized: false })
    : connectTcp({ host: "127.0.0.1", port });
  let buffer = "";
  const waiting: Array<(reply: Reply) => void> = [];
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    // a reply ends with a line "NNN text"; continuation lines are "NNN-text"
    for (let match = /^(\d{3}) (.*)\r\n/m.exec(buffer); match; match = /^(\d{3}) (.*)\r\n/m.exec(buffer)) {
      const end = match.index + match[0].length;
      const text = buffer.slice(0, end);
      buffer = buffer.slice(end);
      waiting.shift()?.({ code: Number(match[1]), text });
    }
  };
  const next = () => new Promise<Reply>((resolve) => waiting.push(resolve));
  socket.on("data", onData);
  const greeting = await next();
  const command = (line: string) => {
    const reply = next();
    socket.write(`${line}\r\n`);
    return reply;
  };
  return {
    greeting,
    command,
    async data(lines) {
      const ready = await command("DATA");
      if (ready.code !== 354) return ready;
      return command(`${lines.join("\r\n")}\r\n.`);
    },
    async starttls() {
      const reply = await command("STARTTLS");
      if (reply.code !== 220) return reply;
      socket.off("data", onData);
      const secured = connectTls({ socket, rejectUnauthorized: false });
      await new Promise<void>((resolve, reject) => {
        secured.once("secureConnect", resolve);
        secured.once("error", reject);
      });
      secured.on("data", onData);
      socket = secured;
      return reply;
    },
    close() {
      socket.destroy();
    },
  };
}

const plain = (user: string, pass: string) => Buffer.from(`\0${user}\0${pass}`).toString("base64");

describe("startSmtpSink", () => {
  let sink: SmtpSink | undefined;
  let client: Dialogue | undefined;
  const start = async (options?: SmtpSinkOptions) => {
    sink = await startSmtpSink(options);
    return sink;
  };

  afterEach(async () => {
    client?.close();
    client = undefined;
    await sink?.stop();
    sink = undefined;
  });

  it("accepts a message and keeps its envelope, raw source and parse", async () => {
    const s = await start();
    expect(s.url).toBe(`smtp://127.0.0.1:${s.port}`);
    client = await dial(s.port);
    expect(client.greeting.code).toBe(220);
    const ehlo = await client.command("EHLO test");
    expect(ehlo.code).toBe(250);
    expect(ehlo.text).not.toMatch(/STARTTLS|AUTH/);
    expect((await client.command("MAIL FROM:<from@example.com>")).code).toBe(250);
    expect((await client.command("RCPT TO:<to@example.com>")).code).toBe(250);
    const queued = await client.data([
      "From: from@example.com",
      "To: to@example.com",
      "Subject: hello",
      "",
      "body",
    ]);
    expect(queued.code).toBe(250);

    const [message] = await s.waitFor(1, 2000);
    expect(message?.envelope).toEqual({ from: "from@example.com", to: ["to@example.com"] });
    expect(message?.parsed.subject).toBe("hello");
    expect(message?.parsed.text?.trim()).toBe("body");
    expect(message?.raw).toContain("Subject: hello");
    expect(message?.secure).toBe(false);
    expect(message?.user).toBeNull();
    expect(s.attempts).toBe(1);
  });

  it("refuses the recipients rejectRecipients names, with its code", async () => {
    const s = await start({
      rejectRecipients: (addr) =>
        addr.startsWith("nobody@") ? { code: 550, message: "5.1.1 No such user" } : null,
    });
    client = await dial(s.port);
    await client.command("EHLO test");
    await client.command("MAIL FROM:<from@example.com>");
    const refused = await client.command("RCPT TO:<nobody@example.com>");
    expect(refused.code).toBe(550);
    expect(refused.text).toContain("No such user");
    expect((await client.command("RCPT TO:<somebody@example.com>")).code).toBe(250);
  });

  it("replies 451 to the first N attempts, then accepts", async () => {
    const s = await start({ failNext: { count: 2 } });
    client = await dial(s.port);
    await client.command("EHLO test");
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) {
      await client.command("MAIL FROM:<from@example.com>");
      codes.push((await client.command("RCPT TO:<to@example.com>")).code);
      if (i < 2) await client.command("RSET");
    }
    expect(codes).toEqual([451, 451, 250]);
    expect(s.attempts).toBe(3);
  });

  it("can fail at DATA, scripted after start, and reset forgets it all", async () => {
    const s = await start();
    s.failNext({ count: 1, code: 452, message: "4.3.1 Insufficient storage", stage: "data" });
    client = await dial(s.port);
    await client.command("EHLO test");
    await client.command("MAIL FROM:<from@example.com>");
    await client.command("RCPT TO:<to@example.com>");
    expect((await client.data(["Subject: one", "", "x"])).code).toBe(452);
    expect(s.messages).toHaveLength(0);

    s.failNext({ count: 5, stage: "mail" });
    s.reset();
    expect(s.attempts).toBe(0);
    expect((await client.command("MAIL FROM:<from@example.com>")).code).toBe(250);
  });

  it("waitFor rejects with what it got when the messages do not come", async () => {
    const s = await start();
    await expect(s.waitFor(1, 50)).rejects.toThrow("expected 1 message(s) within 50 ms, got 0");
  });

  it("with starttls + auth: offers STARTTLS, refuses AUTH in the clear, checks the credentials", async () => {
    const s = await start({ starttls: true, auth: { user: "mailer", pass: "s3cret" } });
    expect(s.url).toBe(`smtp://mailer:s3cret@127.0.0.1:${s.port}?tls.rejectUnauthorized=false`);
    client = await dial(s.port);
    expect((await client.command("EHLO test")).text).toContain("STARTTLS");
    expect((await client.command(`AUTH PLAIN ${plain("mailer", "s3cret")}`)).code).toBe(538);
    expect((await client.command("MAIL FROM:<from@example.com>")).code).toBe(530);

    expect((await client.starttls()).code).toBe(220);
    expect((await client.command("EHLO test")).text).toMatch(/AUTH PLAIN LOGIN/);
    expect((await client.command(`AUTH PLAIN ${plain("mailer", "wrong")}`)).code).toBe(535);
    expect((await client.command(`AUTH PLAIN ${plain("mailer", "s3cret")}`)).code).toBe(235);
    await client.command("MAIL FROM:<from@example.com>");
    await client.command("RCPT TO:<to@example.com>");
    expect((await client.data(["Subject: secret", "", "x"])).code).toBe(250);

    const [message] = await s.waitFor(1);
    expect(message?.secure).toBe(true);
    expect(message?.user).toBe("mailer");
  });

  it("with secure: speaks TLS from the first byte", async () => {
    const s = await start({ secure: true });
    expect(s.url).toBe(`smtps://127.0.0.1:${s.port}?tls.rejectUnauthorized=false`);
    client = await dial(s.port, true);
    expect(client.greeting.code).toBe(220);
    await client.command("EHLO test");
    await client.command("MAIL FROM:<from@example.com>");
    await client.command("RCPT TO:<to@example.com>");
    expect((await client.data(["Subject: tls", "", "x"])).code).toBe(250);
    expect((await s.waitFor(1))[0]?.secure).toBe(true);
  });
});
