import { ApiError, NOT_FOUND_MESSAGE } from "./errors.js";
import type { RouteHandler } from "./http.js";

/** One endpoint: method, path template with `{name}` parameters, and its handler. */
export interface Route {
  method: string;
  path: string;
  handler: RouteHandler;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

/** Result of matching a request against the route table. */
export interface RouteMatch {
  handler: RouteHandler;
  params: Record<string, string>;
}

/** Maps method and pathname to handlers. Unknown paths get 404, known paths with another method 405. */
export class Router {
  readonly #routes: CompiledRoute[] = [];

  add(routes: readonly Route[]): void {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
        names.push(name);
        return "([^/]+)";
      });
      this.#routes.push({ ...route, pattern: new RegExp(`^${source}/?$`), names });
    }
  }

  /** @throws ApiError 404 or 405 when no route takes the request. */
  match(method: string, pathname: string): RouteMatch {
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const found = route.pattern.exec(pathname);
      if (!found) {
        continue;
      }
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = decodeURIComponent(found[index + 1] ?? "");
      });
      return { handler: route.handler, params };
    }

    if (allowed.length > 0) {
      throw new ApiError(405, `The method ${method} is not allowed on ${pathname}.`, {
        description: `Use one of: ${allowed.join(", ")}.`,
        headers: { Allow: allowed.join(", ") },
      });
    }
    throw new ApiError(404, NOT_FOUND_MESSAGE, { description: `No endpoint at ${method} ${pathname}.` });
  }
}
