import { foldRequest, OFFLINE_PROVIDER, type RequestState } from "@reimagine/contracts";
import { assertRequestId } from "@reimagine/eventstore";
import { UnknownRequestError } from "@reimagine/operations";
import { maskedEmailOf } from "@reimagine/vault";
import type { CliContext } from "../cli-context";
import { oneLine } from "../cli-error";
import { readModelRoute, withDatabase } from "./with-database";

/**
 * `reimagine status <id>`: the read model's view of a request (what the API serves), or, like the
 * API, the fold of its events when the read model has not caught up, cannot be reached, or is the
 * embedded one a running server holds.
 */
export async function statusCommand(ctx: CliContext, id: string, options: { json?: boolean }): Promise<void> {
  assertRequestId(id);
  // The log first: a wrong stream is said before anything touches the read model.
  const store = await ctx.store();
  const { state: projected, why } = await readProjected(ctx, id);
  let state: RequestState | null = projected;
  let source = "read model";
  if (!state) {
    const history = await store.readRequest(id);
    if (history.events.length === 0) throw new UnknownRequestError(id);
    state = foldRequest(
      id,
      history.events.map((s) => s.event),
    );
    source = `event log (${why})`;
  }
  const view = {
    id,
    status: state.status,
    email: await maskedEmailOf(await ctx.vault(), state),
    caption: state.caption,
    captionModel: state.captionModel,
    captionProvider: state.captionProvider,
    generatedImageKey: state.generatedImageKey,
    generationModel: state.generationModel,
    generationProvider: state.generationProvider,
    imagesExpiredAt: state.imagesExpiredAt,
    erasedAt: state.erasedAt,
    error: state.error,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    history: state.history,
  };
  if (options.json) {
    ctx.out(JSON.stringify(view, null, 2));
    return;
  }
  ctx.out(`${id}: ${state.status}  (from the ${source})`);
  ctx.out(`  email      ${view.email}`);
  ctx.out(`  caption    ${state.caption ?? "-"}${madeBy(state.captionModel, state.captionProvider)}`);
  ctx.out(
    `  image      ${state.generatedImageKey ?? "-"}${madeBy(state.generationModel, state.generationProvider)}`,
  );
  if (state.imagesExpiredAt)
    ctx.out(`  expired    ${state.imagesExpiredAt} (images removed by the retention sweep)`);
  if (state.erasedAt) ctx.out(`  erased     ${state.erasedAt} (the person's data)`);
  if (state.error)
    ctx.out(
      `  error      ${state.error.stage} after ${state.error.attempts} attempt(s): ${state.error.message}`,
    );
  ctx.out(`  created    ${state.createdAt ?? "-"}   updated ${state.updatedAt ?? "-"}`);
  for (const h of state.history) ctx.out(`  ${h.at}  ${h.type}`);
}

/** "  [model via provider]", "  [offline]" for the demo mode, or nothing before there is a result. */
function madeBy(model: string | null, provider: string | null): string {
  if (!provider) return "";
  if (provider === OFFLINE_PROVIDER) return `  [${OFFLINE_PROVIDER}]`;
  return `  [${model ?? "unknown model"} via ${provider}]`;
}

/** The read model's state of a request, or null and why the log must answer instead. */
async function readProjected(
  ctx: CliContext,
  id: string,
): Promise<{ state: RequestState | null; why: string }> {
  const route = await readModelRoute(ctx);
  if (route.via === "server") {
    return { state: null, why: `the read model is open in the running server, process ${route.owner.pid}` };
  }
  try {
    const state = await withDatabase(ctx, async (db) => {
      const { PostgresRequestStateReader } = await import("@reimagine/readmodel");
      return new PostgresRequestStateReader(db).get(id);
    });
    return { state, why: "not yet projected" };
  } catch (err) {
    const { DatabaseLockedError, DatabaseUnavailableError } = await import("@reimagine/readmodel");
    if (!(err instanceof DatabaseUnavailableError || err instanceof DatabaseLockedError)) throw err;
    return { state: null, why: `read model unavailable: ${oneLine(err)}` };
  }
}
