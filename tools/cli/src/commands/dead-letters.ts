import { listDeadLetters, requeueDeadLetter } from "@reimagine/eventstore";
import type { CliContext } from "../cli-context";
import { CliError } from "../cli-error";

/** `reimagine dead-letters [--json]`: events that exhausted delivery, with the reason. */
export async function deadLettersCommand(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const letters = await listDeadLetters(await ctx.store());
  if (options.json) {
    ctx.out(JSON.stringify(letters, null, 2));
    return;
  }
  if (letters.length === 0) {
    ctx.out("no dead letters");
    return;
  }
  for (const l of letters) {
    ctx.out(
      `${String(l.id).padEnd(6)} ${l.failedAt}  ${l.consumer.padEnd(20)} ${l.eventType.padEnd(18)} ${l.requestId}  after ${l.attempts} attempt(s): ${l.reason}`,
    );
  }
  ctx.out(`${letters.length} dead letter(s); requeue one with: reimagine dead-letters requeue <id>`);
}

/** `reimagine dead-letters requeue <id>`: hand a dead letter back to its handler. */
export async function requeueCommand(ctx: CliContext, id: string): Promise<void> {
  const seq = Number(id);
  if (!Number.isSafeInteger(seq) || seq <= 0) throw new CliError(`not a dead-letter id: ${id}`, 2);
  const letter = await requeueDeadLetter(await ctx.store(), seq);
  ctx.out(`requeued ${letter.eventType} of ${letter.requestId} to ${letter.consumer}`);
}
