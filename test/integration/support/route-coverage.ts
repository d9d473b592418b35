/**
 * Which routes an in-process HQ registers, and how many marked requests reached each one.
 *
 * Fastify publishes every new instance on the `fastify.initialization` diagnostics channel
 * (documented for tracing tools, docs/Reference/Hooks.md "Diagnostics Channel Hooks") before any
 * route exists; the collector adds an `onRoute` hook there (every route, including those of
 * encapsulated plugins and the HEAD routes Fastify adds for GET routes) and an `onRequest` hook
 * that counts requests carrying ROUTE_MARK_HEADER by the route that matched them. Nothing in
 * hq/ has to know: an endpoint added tomorrow is listed without anyone touching this file.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';

/** Requests with this header are counted (the fuzz test's own; setup traffic is not). */
export const ROUTE_MARK_HEADER = 'x-sila-fuzz';

export interface RouteCoverage {
  /** "METHOD /url-pattern" of every route registered by an HQ started while collecting. */
  readonly routes: ReadonlySet<string>;
  /** Marked requests per "METHOD /url-pattern" that matched them (unmatched ones are not counted). */
  readonly hits: ReadonlyMap<string, number>;
  stop(): void;
}

export function routeKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

export function collectRoutes(): RouteCoverage {
  const routes = new Set<string>();
  const hits = new Map<string, number>();
  const onInit = (message: unknown) => {
    const app = (message as { fastify: FastifyInstance }).fastify;
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat())
        routes.add(routeKey(method, route.url ?? route.path ?? ''));
    });
    app.addHook('onRequest', (request, _reply, done) => {
      const url = request.routeOptions.url;
      if (url !== undefined && request.headers[ROUTE_MARK_HEADER] !== undefined) {
        const key = routeKey(request.method, url);
        hits.set(key, (hits.get(key) ?? 0) + 1);
      }
      done();
    });
  };
  subscribe('fastify.initialization', onInit);
  return { routes, hits, stop: () => unsubscribe('fastify.initialization', onInit) };
}
