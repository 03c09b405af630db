// The URL map of a Django project, resolved statically from ROOT_URLCONF: every route with the
// view it reaches (project function/class, external view, admin site), the decorators the URLconf
// wraps it in, and where the route is written.

import type { PyNode } from '../python/parser.js';
import type { PyClass, PyFunction, PyModule } from '../python/module.js';

export interface UrlSite {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

export type ViewTarget =
  | { kind: 'function'; fn: PyFunction; qualified: string }
  | { kind: 'class'; cls: PyClass; qualified: string; initkwargs: Map<string, { node: PyNode; mod: PyModule }>; viaRouter?: boolean }
  /** A view outside the scanned tree (`LoginView.as_view()`, `obtain_auth_token`). */
  | { kind: 'external'; qualified: string; isClass: boolean; initkwargs: Map<string, { node: PyNode; mod: PyModule }> }
  /** An admin site's URLs (`admin.site.urls`, a custom `AdminSite` instance). */
  | { kind: 'admin'; expr: string; siteClass: string | null; siteCls: PyClass | null }
  | { kind: 'unknown'; text: string };

export interface UrlWrapper {
  /** Qualified name of the decorator (`django.contrib.auth.decorators.login_required`). */
  qualified: string;
  /** The call written in the URLconf, e.g. `ratelimit(key='ip', rate='5/m')`. */
  node: PyNode;
  mod: PyModule;
}

export interface Route {
  /** URL path as far as it is static: `/admin/`, `/api/users/`; regex routes keep their pattern text. */
  path: string;
  /** The `path()`/`re_path()`/`url()` call (or the router `register()` call). */
  site: UrlSite;
  /** The URLconf module file that holds the route. */
  file: string;
  view: ViewTarget;
  /** Decorators applied in the URLconf, outermost first (includes those on enclosing includes). */
  wrappers: UrlWrapper[];
  /** The `include()` routes this one is reached through, outermost first. */
  includes: UrlSite[];
  name?: string;
  /** Set when the route comes from a URLconf outside the scanned tree (`include('django.contrib.auth.urls')`). */
  externalConf?: string;
}

export interface UrlModel {
  /** URLconf modules the resolution started from. */
  roots: string[];
  routes: Route[];
}
