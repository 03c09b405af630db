// The authentication surface of a project, computed once per scan and shared by the
// settings-layer rules: for each settings profile, the URL map from its ROOT_URLCONF, the facts of
// every routed view and the protections the settings turn on.

import type { ProjectModel } from '../model/project.js';
import type { SettingsProfile } from '../settings/model.js';
import { resolveUrls } from './resolve.js';
import type { UrlModel } from './model.js';
import { analyseView, type ViewFacts } from './views.js';
import { protections, type Protections } from './protections.js';

export interface SurfaceProfile {
  profile: SettingsProfile | null;
  urls: UrlModel;
  /** One entry per route (a view routed twice appears twice, with the same key). */
  views: ViewFacts[];
  prot: Protections;
}

const cache = new WeakMap<ProjectModel, SurfaceProfile[]>();

function isDjangoProject(model: ProjectModel): boolean {
  if (model.settings.profiles?.length) return true;
  return model.analysed.some((m) => /(^|\/)(manage|wsgi|asgi)\.py$/.test(m.path) && m.src.includes('DJANGO_SETTINGS_MODULE'));
}

export function authSurface(model: ProjectModel): SurfaceProfile[] {
  const have = cache.get(model);
  if (have) return have;
  const out: SurfaceProfile[] = [];
  if (isDjangoProject(model)) {
    const profiles: (SettingsProfile | null)[] = model.settings.profiles?.length ? model.settings.profiles : [null];
    const byConf = new Map<string, UrlModel>();
    for (const p of profiles) {
      const rc = p?.get('ROOT_URLCONF');
      const conf = rc && typeof rc.value === 'string' ? rc.value : null;
      const key = conf ?? '*';
      let urls = byConf.get(key);
      if (!urls) {
        urls = resolveUrls(model.python, conf ? [conf] : [], true);
        byConf.set(key, urls);
      }
      const views: ViewFacts[] = [];
      for (const r of urls.routes) {
        const v = analyseView(model.python, r);
        if (v) views.push(v);
      }
      out.push({ profile: p, urls, views, prot: protections(model, p) });
    }
  }
  cache.set(model, out);
  return out;
}
