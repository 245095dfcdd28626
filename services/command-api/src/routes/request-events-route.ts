import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { foldRequest, isFinished, openApiPath, RequestEventMessage, ROUTES } from "@reimagine/contracts";
import { streamSSE } from "hono/streaming";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { methodNotAllowed } from "../http/answer-problems";
import { clientAddress } from "../http/client-address";
import { ProblemError } from "../http/problem-error";
import { publicBaseUrl } from "../http/public-base-url";
import { relayRequestEvents } from "../live/relay-request-events";
import { StreamSlots } from "../live/stream-slots";
import { PUBLIC, problemResponses, RequestIdParams } from "./openapi-schemas";

const PATH = ROUTES.requestEvents;
/** Longest one stream stays open before the client is made to resume (and its consumer renewed). */
const MAX_STREAM_MS = 30 * 60_000;

const RequestEventSchema = z.object(RequestEventMessage.shape).openapi("RequestEvent");

const route = createRoute({
  method: "get",
  path: openApiPath(PATH),
  operationId: "followRequestEvents",
  ...PUBLIC,
  summary: "Follow a request live (server-sent events)",
  description:
    "A `text/event-stream` read from the event log: one event per domain event, in order, with `id` = its " +
    "position in the log, `event` = its type (ImageSubmitted, CaptionProduced, ImageGenerated, UserNotified, " +
    "CaptionFailed, GenerationFailed, NotificationFailed, RetryRequested, CancelRequested, WebhookDelivered, " +
    "WebhookFailed) and `data` = a RequestEvent. The history comes first, then events as they happen. " +
    "Reconnect with `Last-Event-ID` to resume after that event with no gap and no repeat. Comment lines " +
    "(`: keep-alive`) are sent every SSE_HEARTBEAT_MS. Once the request is notified, failed or cancelled, a last " +
    'event `end` (`data: {"status": …}`) is sent and the stream closes; resuming a finished request after its ' +
    "last event answers 204, which tells an EventSource to stop. At most SSE_MAX_STREAMS_PER_CLIENT streams per " +
    "client address (429 beyond).",
  request: {
    params: RequestIdParams,
    headers: z.object({
      "last-event-id": z
        .string()
        .optional()
        .openapi({ description: "The `id` of the last event received: resume after it.", example: "42" }),
    }),
  },
  responses: {
    200: {
      description: "The event stream; each event's `data` is a RequestEvent (JSON)",
      content: { "text/event-stream": { schema: RequestEventSchema } },
    },
    204: { description: "Resumed after the last event of a finished request: nothing more will come" },
    ...problemResponses({
      400: "The id is not a UUID, or Last-Event-ID is not a position",
      404: "No request has this id",
      429: "Too many event streams open from this address",
      503: "The event log is unavailable",
    }),
  },
});

/** Last-Event-ID as a position, or null when absent; anything but a non-negative integer is a 400. */
function lastEventIdOf(header: string | undefined): number | null {
  if (header === undefined || header === "") return null;
  const position = Number(header);
  if (!/^\d{1,15}$/.test(header) || !Number.isSafeInteger(position)) {
    throw new ProblemError(
      "invalid-last-event-id",
      "Last-Event-ID must be the id of an event this stream sent",
    );
  }
  return position;
}

/**
 * GET /api/v1/request/:id/events: the request's events as server-sent events, from the log. The
 * existence check, the Last-Event-ID check and the per-client slot come before the 200, so those
 * answers are problems like any other; after it, the stream belongs to relayRequestEvents.
 */
export function mountRequestEventsRoute(app: OpenAPIHono<AppEnv>, deps: CommandApiDeps): void {
  const { config } = deps;
  const slots = new StreamSlots(config.SSE_MAX_STREAMS_PER_CLIENT);
  app.openAPIRegistry.registerPath(route);
  app.get(PATH, async function requestEvents(c) {
    const id = RequestIdParams.shape.id.safeParse(c.req.param("id"));
    if (!id.success) throw new ProblemError("invalid-request-id", "the request id must be a UUID");
    const requestId = id.data;
    const after = lastEventIdOf(c.req.header("last-event-id"));
    const release = slots.take(clientAddress(c, config.TRUST_PROXY));
    let caughtUpAt: number;
    try {
      const history = await deps.store.readRequest(requestId);
      if (history.events.length === 0)
        throw new ProblemError("unknown-request", `there is no request ${requestId}`);
      const state = foldRequest(
        requestId,
        history.events.map((s) => s.event),
      );
      if (after !== null && after >= history.version && isFinished(state.status)) {
        release();
        return c.body(null, 204);
      }
      caughtUpAt = history.version;
    } catch (err) {
      release();
      throw err;
    }
    const baseUrl = publicBaseUrl(c, config);
    // Proxies such as nginx buffer responses unless told otherwise; an event stream must flow.
    c.header("x-accel-buffering", "no");
    return streamSSE(c, (stream) =>
      relayRequestEvents(stream, {
        store: deps.store,
        requestId,
        after,
        caughtUpAt,
        baseUrl,
        heartbeatMs: config.SSE_HEARTBEAT_MS,
        maxMs: MAX_STREAM_MS,
        shutdown: deps.shutdown,
        logger: c.var.log,
      }).finally(release),
    );
  });
  app.all(PATH, methodNotAllowed(["GET"]));
}
