/**
 * The public HTTP paths, defined once: the command API mounts them (Hono syntax, `:id`), the
 * notifier and the CLI build links from them, the OpenAPI document shows them as `{id}`.
 */
export const ROUTES = {
  register: "/api/v1/register",
  request: "/api/v1/request/:id",
  requestImage: "/api/v1/request/:id/image",
  requestOriginal: "/api/v1/request/:id/original",
  requestEvents: "/api/v1/request/:id/events",
  requestCancel: "/api/v1/request/:id/cancel",
  /** The request's web page: the email's "Follow your request" link. */
  requestPage: "/r/:id",
} as const;

/** A route with its `:id` filled in (encoded), e.g. the status path of a request. */
export function routeOf(route: string, id: string): string {
  return route.replace(":id", encodeURIComponent(id));
}

/** A route in OpenAPI's path syntax: `:id` → `{id}`. */
export function openApiPath(route: string): string {
  return route.replace(/:(\w+)/g, "{$1}");
}
