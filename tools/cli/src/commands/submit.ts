import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { maskEmail, ROUTES } from "@reimagine/contracts";
import { describeEvent } from "@reimagine/operations";
import type { CliContext } from "../cli-context";
import { CliError } from "../cli-error";

const TERMINAL = new Set([
  "UserNotified",
  "CaptionFailed",
  "GenerationFailed",
  "NotificationFailed",
  "ErasureCompleted",
  "CancelRequested",
]);

/** The API base URL: --api, else PUBLIC_BASE_URL, else the local command API. */
export function apiBase(ctx: CliContext, api?: string): string {
  return (api ?? ctx.config.PUBLIC_BASE_URL ?? `http://localhost:${ctx.config.PORT}`).replace(/\/+$/, "");
}

/**
 * `reimagine submit <file> --email <addr> [--wait]`: submits through the public API (same
 * validation as any client) and, with --wait, follows the request's events live until it ends.
 */
export async function submitCommand(
  ctx: CliContext,
  file: string,
  options: { email: string; wait?: boolean; api?: string; timeout?: string },
): Promise<void> {
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${file}: ${err.code ?? err.message}`, 2);
  });
  const form = new FormData();
  form.set("image", new Blob([bytes]), basename(file));
  form.set("email", options.email);
  const url = `${apiBase(ctx, options.api)}${ROUTES.register}`;
  const res = await fetch(url, { method: "POST", body: form }).catch((err: Error) => {
    throw new CliError(`cannot reach the API at ${url}: ${(err.cause as Error)?.message ?? err.message}`);
  });
  const body = (await res.json().catch(() => ({}))) as { id?: string; detail?: string; title?: string };
  if (res.status !== 202 || !body.id) {
    throw new CliError(`submission refused (${res.status}): ${body.detail ?? body.title ?? res.statusText}`);
  }
  ctx.out(body.id);
  if (!options.wait) return;
  await followRequest(ctx, body.id, maskEmail(options.email), Number(options.timeout ?? 300) * 1000);
}

/** Prints each event of the request as it happens; fails (exit 1) if the request fails. */
async function followRequest(ctx: CliContext, id: string, email: string, timeoutMs: number): Promise<void> {
  const store = await ctx.store();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs).unref();
  let last: string | undefined;
  try {
    for await (const s of store.watchRequest(id, { signal: controller.signal })) {
      const line = describeEvent(s.event, s.position, { email });
      ctx.err(`${line.at}  ${line.type.padEnd(18)} ${line.summary}`);
      last = s.event.type;
      if (TERMINAL.has(last)) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  if (!last || !TERMINAL.has(last))
    throw new CliError(`gave up waiting after ${timeoutMs / 1000} s (last: ${last})`);
  if (last === "CancelRequested") throw new CliError(`request ${id} was cancelled`);
  if (last !== "UserNotified")
    throw new CliError(`request ${id} failed (${last}); see: reimagine events ${id}`);
}
