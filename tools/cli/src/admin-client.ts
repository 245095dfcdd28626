import type { CliContext } from "./cli-context";
import { CliError } from "./cli-error";

/** The running server's admin API, as the CLI calls it when the server holds the read model. */
export interface AdminClient {
  readonly base: string;
  /** The response of a successful call; a problem answer or no answer is a one-line CliError. */
  call(method: "GET" | "POST", path: string): Promise<Response>;
}

/** An admin client for the server the CLI's configuration points at (ADMIN_HOST:ADMIN_PORT, ADMIN_TOKEN). */
export function adminClient(ctx: CliContext, token: string): AdminClient {
  const { ADMIN_HOST, ADMIN_PORT } = ctx.config;
  const host = ADMIN_HOST === "0.0.0.0" || ADMIN_HOST === "::" ? "127.0.0.1" : ADMIN_HOST;
  const base = `http://${host.includes(":") ? `[${host}]` : host}:${ADMIN_PORT}/admin/v1`;
  return {
    base,
    async call(method, path) {
      const url = `${base}${path}`;
      const res = await fetch(url, { method, headers: { authorization: `Bearer ${token}` } }).catch(
        (err: Error) => {
          throw new CliError(
            `cannot reach the server's admin API at ${url}: ${(err.cause as Error)?.message ?? err.message}`,
          );
        },
      );
      if (res.ok) return res;
      const problem = (await res.json().catch(() => ({}))) as { title?: string; detail?: string };
      throw new CliError(
        `the server's admin API answered ${res.status}: ${problem.detail ?? problem.title ?? res.statusText}`,
      );
    },
  };
}
