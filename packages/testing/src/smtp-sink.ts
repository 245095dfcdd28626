import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerAuthentication,
  type SMTPServerAuthenticationResponse,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from "smtp-server";

/** An SMTP reply the sink gives instead of accepting. */
export interface SmtpReply {
  code: number;
  message: string;
}

/** Fail the next `count` attempts at one stage of the transaction (451 at RCPT TO by default). */
export interface SmtpFailureScript {
  count: number;
  code?: number;
  message?: string;
  stage?: "mail" | "rcpt" | "data";
}

export interface SmtpSinkOptions {
  /** Called for each RCPT TO; a reply refuses that recipient (e.g. 550). */
  rejectRecipients?: (address: string) => SmtpReply | null;
  failNext?: SmtpFailureScript;
  /** Implicit TLS from the first byte (smtps://). */
  secure?: boolean;
  /** Offer STARTTLS; AUTH is then refused until the client upgraded. */
  starttls?: boolean;
  /** Require AUTH PLAIN/LOGIN with exactly these credentials (535 otherwise). */
  auth?: { user: string; pass: string };
}

/** One accepted message: the envelope, the raw source and its mailparser parse. */
export interface SinkMessage {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
  /** True when the session was TLS (implicit or after STARTTLS). */
  secure: boolean;
  /** The authenticated user, null without AUTH. */
  user: string | null;
}

export interface SmtpSink {
  /** A URL for SMTP_URL: credentials included, and certificate checks off for the test certificate. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly messages: SinkMessage[];
  /** MAIL FROM commands seen (each one starts a delivery attempt). */
  readonly attempts: number;
  /** Resolves once `count` messages were accepted; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<SinkMessage[]>;
  /** Scripts failures for the attempts that follow, replacing any still pending. */
  failNext(script: SmtpFailureScript): void;
  /** Forgets messages, attempts and pending failures. */
  reset(): void;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";

/**
 * A real SMTP server on a random local port for integration tests (smtp-server + mailparser).
 * TLS uses smtp-server's bundled test certificate: self-signed and public, never for production.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const waiters = new Set<() => void>();
  let attempts = 0;
  let failures: Required<SmtpFailureScript> | null = null;
  const tls = Boolean(options.secure || options.starttls);

  const scriptFailure = (script: SmtpFailureScript) => {
    failures = {
      count: script.count,
      code: script.code ?? 451,
      message: script.message ?? "4.7.1 Try again later",
      stage: script.stage ?? "rcpt",
    };
  };
  if (options.failNext) scriptFailure(options.failNext);

  // a scripted failure consumes one of its attempts at the stage it was set for
  const scriptedFailure = (stage: SmtpFailureScript["stage"]): Error | null => {
    if (!failures || failures.stage !== stage || failures.count <= 0) return null;
    failures.count -= 1;
    return replyError({ code: failures.code, message: failures.message });
  };

  const server = new SMTPServer({
    secure: Boolean(options.secure),
    logger: false, // also silences the warning about the bundled certificate
    disabledCommands: [...(options.starttls ? [] : ["STARTTLS"]), ...(options.auth ? [] : ["AUTH"])],
    authOptional: !options.auth,
    authMethods: ["PLAIN", "LOGIN"],
    // over TLS, behave like a real submission server: no credentials in the clear
    allowInsecureAuth: !tls,
    size: 10 * 1024 * 1024,
    closeTimeout: 1000,

    onAuth(
      auth: SMTPServerAuthentication,
      _session: SMTPServerSession,
      callback: (err: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void,
    ) {
      const expected = options.auth;
      if (expected && auth.username === expected.user && auth.password === expected.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(replyError({ code: 535, message: "5.7.8 Authentication credentials invalid" }));
      }
    },

    onMailFrom(
      _address: SMTPServerAddress,
      _session: SMTPServerSession,
      callback: (err?: Error | null) => void,
    ) {
      attempts += 1;
      callback(scriptedFailure("mail"));
    },

    onRcptTo(
      address: SMTPServerAddress,
      _session: SMTPServerSession,
      callback: (err?: Error | null) => void,
    ) {
      const rejection = options.rejectRecipients?.(address.address);
      if (rejection) return callback(replyError(rejection));
      callback(scriptedFailure("rcpt"));
    },

    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const failure = scriptedFailure("data");
        if (failure) return callback(failure);
        const raw = Buffer.concat(chunks).toString("utf8");
        // parsed before the 250 reply, so a test sees the message as soon as its send resolves
        simpleParser(raw).then(
          (parsed) => {
            messages.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              raw,
              parsed,
              secure: session.secure,
              user: typeof session.user === "string" ? session.user : null,
            });
            for (const wake of waiters) wake();
            callback();
          },
          (err: unknown) => callback(replyError({ code: 554, message: `5.6.0 Unparseable message: ${err}` })),
        );
      });
    },
  });
  // a client that drops its connection makes the server emit "error"; that is no test failure
  server.on("error", () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, HOST, () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  const credentials = options.auth
    ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`
    : "";
  const query = tls ? "?tls.rejectUnauthorized=false" : "";
  const url = `${options.secure ? "smtps" : "smtp"}://${credentials}${HOST}:${port}${query}`;

  return {
    url,
    host: HOST,
    port,
    messages,
    get attempts() {
      return attempts;
    },

    waitFor(count: number, timeoutMs = 5000): Promise<SinkMessage[]> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          cleanup();
          resolve(messages.slice(0, count));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `smtp sink: expected ${count} message(s) within ${timeoutMs} ms, got ${messages.length}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },

    failNext: scriptFailure,

    reset(): void {
      messages.length = 0;
      attempts = 0;
      failures = null;
    },

    stop(): Promise<void> {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function replyError(reply: SmtpReply): Error & { responseCode: number } {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}
