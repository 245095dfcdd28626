import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, type Logger, loadConfig, silentLogger } from "@reimagine/platform";
import { closedPort, type SmtpSink, type SmtpSinkOptions, startSmtpSink } from "@reimagine/testing";
import { simpleParser } from "mailparser";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MailSendError } from "./mail-errors";
import { createMailTransport, type MailTransport, type OutgoingMail } from "./mail-transport";
import { notificationMessageId } from "./message-id";
import { renderNotificationEmail } from "./render-email";
import { classifySmtpError } from "./smtp-errors";

const MAIL_FROM = "reimagine <no-reply@mail.reimagine.test>";
const requestId = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
const baseUrl = "https://reimagine.example.com";

function notification(overrides: Partial<OutgoingMail> = {}, id = requestId): OutgoingMail {
  const email = renderNotificationEmail({
    requestId: id,
    caption: "a fox <script>alert(1)</script> in the snow",
    imageUrl: `${baseUrl}/api/v1/request/${id}/image`,
    pageUrl: `${baseUrl}/r/${id}`,
  });
  return {
    from: MAIL_FROM,
    to: "nina@example.com",
    ...email,
    messageId: notificationMessageId(id, MAIL_FROM),
    headers: { "X-Reimagine-Request-Id": id },
    ...overrides,
  };
}

/** The rejection of `promise`, which must be a MailSendError. */
async function sendError(promise: Promise<unknown>): Promise<MailSendError> {
  const err = await promise.then(
    () => expect.unreachable("the send should have failed"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MailSendError);
  return err as MailSendError;
}

function recordingLogger(): Logger & { info: ReturnType<typeof vi.fn>; warn: ReturnType<typeof vi.fn> } {
  return { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn() } as never;
}

describe("SMTP mail transport (against a real SMTP sink)", () => {
  let sink: SmtpSink | undefined;
  let transport: MailTransport | undefined;

  const start = async (options?: SmtpSinkOptions) => {
    sink = await startSmtpSink(options);
    return sink;
  };
  const smtp = (url: string) => {
    transport = createMailTransport(loadConfig({ SMTP_URL: url }, {}), silentLogger);
    return transport;
  };

  afterEach(async () => {
    transport?.close();
    transport = undefined;
    await sink?.stop();
    sink = undefined;
  });

  it("delivers subject, bodies, From, To and the deterministic Message-ID", async () => {
    const s = await start();
    const t = smtp(s.url);
    expect(t.kind).toBe("smtp");
    const mail = notification();

    const result = await t.send(mail);
    expect(result).toEqual({ messageId: `<${requestId}.notification@mail.reimagine.test>`, accepted: true });

    const [message] = await s.waitFor(1);
    const parsed = message!.parsed;
    expect(message!.envelope).toEqual({ from: "no-reply@mail.reimagine.test", to: ["nina@example.com"] });
    expect(parsed.messageId).toBe(`<${requestId}.notification@mail.reimagine.test>`);
    // nodemailer folds the long header onto a continuation line
    expect(message!.raw).toMatch(
      /^Message-ID:(?:\r\n)? <0190a1b2-[^>]+\.notification@mail\.reimagine\.test>\r$/m,
    );
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.from?.value).toEqual([{ name: "reimagine", address: "no-reply@mail.reimagine.test" }]);
    expect(parsed.to).toMatchObject({ value: [{ address: "nina@example.com" }] });
    expect(parsed.text).toContain(`${baseUrl}/api/v1/request/${requestId}/image`);
    expect(parsed.html).toContain(`href="${baseUrl}/api/v1/request/${requestId}/image"`);
    expect(parsed.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(parsed.html).not.toContain("<script>");
    expect(parsed.headers.get("x-reimagine-request-id")).toBe(requestId);
  });

  it("a recipient refused with 550 is a permanent failure", async () => {
    const s = await start({
      rejectRecipients: (addr) =>
        addr === "gone@example.com" ? { code: 550, message: "5.1.1 No such user" } : null,
    });
    const err = await sendError(smtp(s.url).send(notification({ to: "gone@example.com" })));
    expect(err).toMatchObject({ transient: false, smtpCode: 550, code: "MAIL_SEND_FAILED" });
    expect(err.reason).toBe("SMTP 550 on RCPT TO: 550 5.1.1 No such user");
    expect((err.cause as { code?: string }).code).toBe("EENVELOPE");
    expect(classifySmtpError(err.cause)).toEqual(classifySmtpError(err));
    expect(s.messages).toHaveLength(0);
  });

  it("451 is transient, and the retry goes through", async () => {
    const s = await start({ failNext: { count: 1, code: 451, message: "4.7.1 Greylisted" } });
    const t = smtp(s.url);
    const err = await sendError(t.send(notification()));
    expect(err).toMatchObject({ transient: true, smtpCode: 451 });

    await expect(t.send(notification())).resolves.toMatchObject({ accepted: true });
    expect(s.attempts).toBe(2);
    expect(s.messages).toHaveLength(1);
  });

  it("a closed port (connection refused) is transient, for send and verify", async () => {
    const t = smtp(`smtp://127.0.0.1:${await closedPort()}`);
    const err = await sendError(t.send(notification()));
    expect(err).toMatchObject({ transient: true, smtpCode: null });
    expect(err.reason).toContain("ECONNREFUSED");
    const verifyErr = await sendError(t.verify());
    expect(verifyErr.transient).toBe(true);
  });

  it("an invalid recipient fails permanently before any connection is made", async () => {
    const s = await start();
    const err = await sendError(smtp(s.url).send(notification({ to: "a@b.com\r\nBcc: x@y.com" })));
    expect(err).toMatchObject({ transient: false, smtpCode: null });
    expect(s.attempts).toBe(0);
  });

  describe("STARTTLS + AUTH from SMTP_URL", () => {
    const auth = { user: "mailer", pass: "p@ss:w/rd" };
    const url = (port: number, pass: string, query: string) =>
      `smtp://${auth.user}:${encodeURIComponent(pass)}@127.0.0.1:${port}?${query}`;

    it("upgrades with STARTTLS, logs in, delivers; verify passes; describe hides the password", async () => {
      const s = await start({ starttls: true, auth });
      const t = smtp(url(s.port, auth.pass, "requireTLS=true&tls.rejectUnauthorized=false"));
      await expect(t.verify()).resolves.toBeUndefined();
      expect(t.describe()).toBe(
        `smtp 127.0.0.1:${s.port} (STARTTLS required, auth as mailer, certificate NOT verified)`,
      );
      expect(t.describe()).not.toContain("w/rd");

      await t.send(notification());
      const [message] = await s.waitFor(1);
      // the sink refuses AUTH on a clear-text session, so an accepted login means TLS was on
      expect(message).toMatchObject({ secure: true, user: "mailer" });
    });

    it("a wrong password is a permanent 535", async () => {
      const s = await start({ starttls: true, auth });
      const err = await sendError(
        smtp(url(s.port, "wrong", "tls.rejectUnauthorized=false")).send(notification()),
      );
      expect(err).toMatchObject({ transient: false, smtpCode: 535 });
      expect((err.cause as { code?: string }).code).toBe("EAUTH");
      expect(s.messages).toHaveLength(0);
    });

    it("without TLS the same server refuses the login (538), so the password never travels in clear", async () => {
      const s = await start({ starttls: true, auth });
      const err = await sendError(smtp(url(s.port, auth.pass, "ignoreTLS=true")).send(notification()));
      expect(err).toMatchObject({ transient: false, smtpCode: 538 });
    });

    it("verifies the server certificate unless the URL says otherwise", async () => {
      const s = await start({ starttls: true, auth });
      const err = await sendError(smtp(url(s.port, auth.pass, "requireTLS=true")).send(notification()));
      expect(err.transient).toBe(false);
      expect(err.reason).toMatch(/CERT|certificate/i);
    });
  });

  it("smtps:// speaks implicit TLS", async () => {
    const s = await start({ secure: true });
    expect(s.url.startsWith("smtps://")).toBe(true);
    const t = smtp(s.url);
    expect(t.describe()).toContain("implicit TLS");
    await t.send(notification());
    expect((await s.waitFor(1))[0]?.secure).toBe(true);
  });

  it("refuses an SMTP_URL that is not smtp:// or smtps://", () => {
    expect(() => smtp("http://mail.example.com")).toThrowError(ConfigError);
  });
});

describe("outbox mail transport (no SMTP_URL)", () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "reimagine-mail-"));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const outbox = (logger: Logger = silentLogger) =>
    createMailTransport(loadConfig({ DATA_DIR: dataDir }, {}), logger);

  it("writes the full message as a parseable .eml named after the Message-ID, and logs the path", async () => {
    const logger = recordingLogger();
    const t = outbox(logger);
    expect(t.kind).toBe("outbox");
    expect(t.describe()).toContain(join(dataDir, "outbox"));
    const mail = notification();

    const result = await t.send(mail);
    const path = join(dataDir, "outbox", `${requestId}.notification@mail.reimagine.test.eml`);
    expect(result).toEqual({ messageId: mail.messageId, accepted: true, location: path });
    expect(logger.info).toHaveBeenCalledWith(
      { messageId: mail.messageId, path },
      "email written to the outbox",
    );

    const raw = await readFile(path);
    expect(raw.toString("latin1")).toMatch(/^Message-ID:(?:\r\n)? <[^>]+>\r$/m);
    expect(raw.toString("latin1")).not.toMatch(/[^\r]\n/); // CRLF line ends throughout
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe(mail.messageId);
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.from?.value[0]?.address).toBe("no-reply@mail.reimagine.test");
    expect(parsed.to).toMatchObject({ value: [{ address: "nina@example.com" }] });
    expect(parsed.text).toContain(`${baseUrl}/api/v1/request/${requestId}/image`);
    expect(parsed.html).toContain(`href="${baseUrl}/api/v1/request/${requestId}/image"`);
    expect(parsed.headers.get("x-reimagine-request-id")).toBe(requestId);
  });

  it("is idempotent: the same message again writes nothing and reports the same file", async () => {
    const t = outbox();
    const first = await t.send(notification());
    const before = await readFile(first.location!);
    const mtime = (await stat(first.location!)).mtimeMs;

    const second = await t.send(notification({ subject: "a different rendering" }));
    expect(second).toEqual({ ...first, duplicate: true });
    expect(await readFile(first.location!)).toEqual(before);
    expect((await stat(first.location!)).mtimeMs).toBe(mtime);
    expect(await readdir(join(dataDir, "outbox"))).toEqual([
      `${requestId}.notification@mail.reimagine.test.eml`,
    ]);
  });

  it("of concurrent sends of one message exactly one writes, and no temp file is left", async () => {
    const t = outbox();
    const results = await Promise.all(Array.from({ length: 8 }, () => t.send(notification())));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await readdir(join(dataDir, "outbox"))).toEqual([
      `${requestId}.notification@mail.reimagine.test.eml`,
    ]);
  });

  it("keeps different requests apart", async () => {
    const t = outbox();
    const other = "0190a1b2-c3d4-7e5f-8a9b-ffffffffffff";
    await t.send(notification());
    await t.send(notification({}, other));
    expect((await readdir(join(dataDir, "outbox"))).sort()).toEqual([
      `${requestId}.notification@mail.reimagine.test.eml`,
      `${other}.notification@mail.reimagine.test.eml`,
    ]);
  });

  it("a header value cannot smuggle in another header", async () => {
    const { location } = await outbox().send(
      notification({ headers: { "X-Note": "hi\r\nBcc: evil@example.com" } }),
    );
    const raw = (await readFile(location!)).toString("latin1");
    expect(raw).not.toMatch(/^Bcc:/im);
    expect((await simpleParser(raw)).bcc).toBeUndefined();
  });

  it("verify creates the outbox; an invalid recipient writes nothing", async () => {
    const t = outbox();
    await t.verify();
    expect(await readdir(join(dataDir, "outbox"))).toEqual([]);
    const err = await sendError(t.send(notification({ to: "a@b.com, c@d.com" })));
    expect(err.transient).toBe(false);
    expect(await readdir(join(dataDir, "outbox"))).toEqual([]);
  });
});
