import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import {
  dueStage,
  evolveRequest,
  foldRequest,
  isFinished,
  maskEmail,
  ROUTES,
  routeOf,
  STAGES,
} from "@reimagine/contracts";
import { natsUrlOf, type StoredEvent } from "@reimagine/eventstore";
import { describeEvent } from "@reimagine/operations";
import type { CliContext } from "../cli-context";
import { CliError } from "../cli-error";

/** The API base URL: --api, else PUBLIC_BASE_URL, else the local command API. */
function apiBase(ctx: CliContext, api?: string): string {
  return (api ?? ctx.config.PUBLIC_BASE_URL ?? `http://localhost:${ctx.config.PORT}`).replace(/\/+$/, "");
}

/**
 * `reimagine submit <file> --email <addr> [--wait]`: submits through the public API (same
 * validation as any client) and, with --wait, follows the request's events live until it ends,
 * then prints the link to the image.
 */
export async function submitCommand(
  ctx: CliContext,
  file: string,
  options: { email: string; wait?: boolean; api?: string; timeout?: string },
): Promise<void> {
  const timeoutSeconds = Number(options.timeout ?? 300);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new CliError(`--timeout: "${options.timeout}" is not a number of seconds`, 2);
  }
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${file}: ${err.code ?? err.message}`, 2);
  });
  const form = new FormData();
  form.set("image", new Blob([bytes]), basename(file));
  form.set("email", options.email);
  const base = apiBase(ctx, options.api);
  const url = `${base}${ROUTES.register}`;
  const res = await fetch(url, { method: "POST", body: form }).catch((err: Error) => {
    throw new CliError(`cannot reach the API at ${url}: ${(err.cause as Error)?.message ?? err.message}`);
  });
  const body = (await res.json().catch(() => ({}))) as {
    id?: string;
    detail?: string;
    title?: string;
  };
  if (res.status !== 202 || !body.id) {
    throw new CliError(`submission refused (${res.status}): ${body.detail ?? body.title ?? res.statusText}`);
  }
  ctx.out(body.id);
  if (!options.wait) return;
  await followRequest(ctx, body.id, maskEmail(options.email), timeoutSeconds * 1000);
  ctx.out(`${base}${routeOf(ROUTES.requestImage, body.id)}`);
}

/**
 * Prints each event of the request as it happens (a JetStream push, not a poll); fails (exit 1) if
 * the request fails, and when it gives up says what it was waiting for and where it looked.
 */
async function followRequest(ctx: CliContext, id: string, email: string, timeoutMs: number): Promise<void> {
  const store = await ctx.store();
  const where = `stream ${store.layout.stream} (subject ${store.layout.eventsOf(id)}) at ${natsUrlOf(ctx.config)}`;
  // The API appends ImageSubmitted before its 202: if this store does not have it, the CLI and the
  // API are looking at different logs, and waiting would be in vain.
  if ((await store.readRequest(id)).events.length === 0) {
    throw new CliError(
      `the API accepted ${id}, but ${where} has no event of it: give the CLI the API's NATS_URL, NATS_STREAM and NATS_SUBJECT_PREFIX`,
    );
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs).unref();
  let state = foldRequest(id, []);
  let last: StoredEvent | null = null;
  try {
    for await (const s of store.watchRequest(id, { signal: controller.signal })) {
      const line = describeEvent(s.event, s.position, { email });
      ctx.err(`${line.at}  ${line.type.padEnd(18)} ${line.summary}`);
      state = evolveRequest(state, s.event);
      last = s;
      if (isFinished(state.status)) break;
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  if (state.status === "cancelled") throw new CliError(`request ${id} was cancelled`);
  if (state.status === "failed" || state.status === "erased")
    throw new CliError(`request ${id} ${state.status} (${last?.event.type}); see: reimagine events ${id}`);
  if (state.status !== "notified") {
    const stage = dueStage(state);
    const seen = last
      ? `${last.event.type} at position ${last.position} (${last.event.occurredAt})`
      : "nothing";
    throw new CliError(
      `gave up after ${timeoutMs / 1000} s waiting for ${stage ? `the ${stage} of ${id} (${STAGES[stage].produces})` : `${id} to finish`} on ${where}; last event: ${seen}`,
    );
  }
}
