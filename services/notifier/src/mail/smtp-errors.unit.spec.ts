import { describe, expect, it } from "vitest";
import { InvalidMailInputError, InvalidRecipientError, MailSendError } from "./mail-errors";
import { classifySmtpError } from "./smtp-errors";

// shaped like the errors nodemailer 10 really produced against smtp-server (see the int spec)
function smtpError(fields: {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  message?: string;
}): Error {
  return Object.assign(new Error(fields.message ?? fields.response ?? "failed"), fields);
}

const reply = (code: string, responseCode: number, command: string, response: string) =>
  smtpError({ code, responseCode, command, response, message: `failed: ${response}` });

describe("classifySmtpError", () => {
  it.each([
    [421, "ECONNECTION", "CONN", "421 4.3.2 Service shutting down"],
    [450, "EENVELOPE", "RCPT TO", "450 4.2.1 Mailbox busy"],
    [451, "EENVELOPE", "RCPT TO", "451 4.7.1 Greylisted, try again later"],
    [452, "EMESSAGE", "DATA", "452 4.3.1 Insufficient system storage"],
    [454, "EAUTH", "AUTH PLAIN", "454 4.7.0 Temporary authentication failure"],
  ])("%i is transient", (code, nmCode, command, response) => {
    expect(classifySmtpError(reply(nmCode, code, command, response))).toMatchObject({
      transient: true,
      smtpCode: code,
    });
  });

  it.each([
    [550, "EENVELOPE", "RCPT TO", "550 5.1.1 No such user"],
    [553, "EENVELOPE", "MAIL FROM", "553 5.7.1 Sender address rejected"],
    [554, "EMESSAGE", "DATA", "554 5.7.1 Message rejected as spam"],
    [535, "EAUTH", "AUTH PLAIN", "535 5.7.8 Authentication credentials invalid"],
    [538, "EAUTH", "AUTH PLAIN", "538 Error: Must issue a STARTTLS command first"],
    [552, "EMESSAGE", "DATA", "552 5.3.4 Message too big"],
  ])("%i is permanent", (code, nmCode, command, response) => {
    expect(classifySmtpError(reply(nmCode, code, command, response))).toMatchObject({
      transient: false,
      smtpCode: code,
    });
  });

  it("503 (bad sequence of commands) is about the session, so it is retried", () => {
    expect(classifySmtpError(reply("EPROTOCOL", 503, "DATA", "503 Bad sequence")).transient).toBe(true);
  });

  it.each([
    ["connection refused", { code: "ESOCKET", originalCode: "ECONNREFUSED", command: "CONN" }],
    ["connection reset", { code: "ESOCKET", originalCode: "ECONNRESET" }],
    ["connection closed", { code: "ECONNECTION", message: "Connection closed unexpectedly" }],
    ["timeout", { code: "ETIMEDOUT", command: "CONN", message: "Greeting never received" }],
    ["DNS failure", { code: "EDNS", originalCode: "ENOTFOUND", command: "CONN" }],
    ["DNS try again", { code: "EDNS", originalCode: "EAI_AGAIN" }],
    ["a bare Node errno", { code: "ECONNREFUSED" }],
    ["a full disk (outbox)", { code: "ENOSPC" }],
    ["an unknown error", { message: "something odd" }],
  ])("%s is transient, with no SMTP code", (_label, fields) => {
    expect(classifySmtpError(smtpError(fields))).toMatchObject({ transient: true, smtpCode: null });
  });

  it.each([
    ["missing credentials", { code: "ENOAUTH" }],
    ["auth refused without a reply code", { code: "EAUTH", message: "Authentication failed" }],
    ["no recipients", { code: "EENVELOPE", message: "No recipients defined" }],
    ["a certificate that fails verification", { code: "ESOCKET", originalCode: "CERT_HAS_EXPIRED" }],
    ["a self-signed certificate", { code: "ETLS", originalCode: "DEPTH_ZERO_SELF_SIGNED_CERT" }],
    ["a host name mismatch", { code: "ESOCKET", originalCode: "ERR_TLS_CERT_ALTNAME_INVALID" }],
    ["an unwritable outbox", { code: "EACCES" }],
  ])("%s is permanent", (_label, fields) => {
    expect(classifySmtpError(smtpError(fields))).toMatchObject({ transient: false });
  });

  it("our own input errors are permanent", () => {
    expect(classifySmtpError(new InvalidRecipientError("invalid recipient: empty"))).toEqual({
      transient: false,
      smtpCode: null,
      reason: "invalid recipient: empty",
    });
    expect(classifySmtpError(new InvalidMailInputError("bad url")).transient).toBe(false);
  });

  it("a MailSendError keeps the classification it was made with", () => {
    const classified = { transient: false, smtpCode: 550, reason: "SMTP 550 on RCPT TO: no" };
    expect(classifySmtpError(new MailSendError(classified, { cause: new Error("x") }))).toEqual(classified);
  });

  it("gives a one-line reason with the code, the command and the reply, addresses masked", () => {
    const err = reply(
      "EENVELOPE",
      550,
      "RCPT TO",
      "550 5.1.1 <nina.smith@example.com>:\r\n Recipient unknown",
    );
    expect(classifySmtpError(err).reason).toBe(
      "SMTP 550 on RCPT TO: 550 5.1.1 <***@example.com>: Recipient unknown",
    );
    expect(
      classifySmtpError(
        smtpError({
          code: "ESOCKET",
          originalCode: "ECONNREFUSED",
          command: "CONN",
          message: "connect ECONNREFUSED 127.0.0.1:1",
        }),
      ).reason,
    ).toBe("ESOCKET/ECONNREFUSED on CONN: connect ECONNREFUSED 127.0.0.1:1");
  });

  it("bounds the reason so it fits an event", () => {
    const err = reply("EMESSAGE", 554, "DATA", `554 ${"x".repeat(5000)}`);
    expect(classifySmtpError(err).reason.length).toBeLessThanOrEqual(500);
  });

  it("copes with things that are not errors", () => {
    expect(classifySmtpError("boom")).toEqual({
      transient: true,
      smtpCode: null,
      reason: "mail error: boom",
    });
    expect(classifySmtpError(undefined).transient).toBe(true);
  });
});
