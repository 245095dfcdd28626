import { assertRequestId } from "@reimagine/eventstore";
import { redactHistory, requestTimeline, UnknownRequestError } from "@reimagine/operations";
import type { CliContext } from "../cli-context";

/** `reimagine events <id>`: the ordered history of one request as a timeline, or JSON (redacted once erased). */
export async function eventsCommand(ctx: CliContext, id: string, options: { json?: boolean }): Promise<void> {
  assertRequestId(id);
  const store = await ctx.store();
  if (options.json) {
    const history = await store.readRequest(id);
    if (history.events.length === 0) throw new UnknownRequestError(id);
    ctx.out(
      JSON.stringify(
        redactHistory(history.events).map((s) => ({ position: s.position, ...s.event })),
        null,
        2,
      ),
    );
    return;
  }
  const lines = await requestTimeline(store, await ctx.vault(), id);
  ctx.out(`request ${id}: ${lines.length} event(s), correlation ${lines[0]!.correlationId}`);
  for (const l of lines) {
    ctx.out(
      `#${String(l.position).padEnd(7)} ${l.at}  ${l.stage.padEnd(12)} ${l.type.padEnd(18)} ${l.summary}`,
    );
    ctx.out(`${" ".repeat(9)}event ${l.id}  caused by ${l.causationId}`);
  }
}
