// spoofable-cert-header: a certificate or identity taken from a request header without provenance.

import { defineRule } from '../../core/rule.js';
import type { PyNode } from '../../python/parser.js';
import { field, walk } from '../../python/ast.js';
import type { RelatedLocation } from '../../core/types.js';
import { at, codeProvenance, deciding, deployProvenance, events, grantRelated, hasIdentityDecision, readDecides } from './support.js';

export default defineRule({
  meta: {
    id: 'spoofable-cert-header',
    layer: 'code',
    name: 'Certificate or identity trusted from a forgeable request header',
    cwe: ['CWE-290', 'CWE-287'],
    severity: 'critical',
    diagram: { check: 'provenance', provenance: true },
    docs: {
      summary: 'A client certificate or identity is read from a request header and used for authentication with no proof that the trusted proxy set it.',
      whyBad:
        "A certificate is public data. Anyone who can reach Django without passing through the proxy — or through a proxy route that does not overwrite the header — can send Alice's certificate (or DN, or `Verify: SUCCESS`) as a header and be served as Alice. Validating the forwarded certificate's chain and fields in Django does not help: the certificate is genuine, only its holder is not.",
      notReported:
        'Values from the WSGI environ set by the server itself (mod_wsgi/mod_ssl `SSL_CLIENT_CERT`, uWSGI `uwsgi_param`) with no header origin; code with a provenance check in its path (HMAC or shared secret compared with `hmac.compare_digest`, a trusted-proxy `REMOTE_ADDR` allow-list); deployments in the scanned tree where every route to the app overwrites that header and the app server is reachable only from the proxy.',
      example: {
        lang: 'python',
        bad: "cert_pem = request.META.get('HTTP_X_SSL_CLIENT_CERT')",
        good: "if not hmac.compare_digest(request.META.get('HTTP_X_MTLS_PROXY_AUTH', ''), settings.MTLS_PROXY_SECRET):\n    return HttpResponseForbidden()\ncert_pem = request.META.get('HTTP_X_SSL_CLIENT_CERT')",
      },
      references: ['https://cwe.mitre.org/data/definitions/290.html', 'https://docs.djangoproject.com/en/stable/howto/auth-remote-user/'],
    },
    fix: 'Prove provenance: have the proxy overwrite the header on every route and add a secret it authenticates (e.g. `proxy_set_header X-Mtls-Proxy-Auth <secret>` or an HMAC over the certificate) that Django checks with `hmac.compare_digest`, and bind the app server to loopback or a unix socket so nothing reaches it but the proxy.',
    messages: {
      header: '{{key}} is a request header: anyone who reaches the app can send a borrowed certificate or identity in it, and nothing on this path proves the proxy set it.',
      copied: 'The request header {{header}} is copied into `{{target}}`, which the authentication code trusts as if the server had set it: anyone who reaches the app can send a borrowed certificate or identity in that header.',
    },
  },
  check(ctx) {
    // A RemoteUser class's own `header` (attribute or property): remote-user-header reports the
    // class at that line, so a read keyed by it in the class's own request hook is not reported twice.
    const remoteUserClasses = ctx.model.code.remoteUserHeaders.map((h) => `${h.cls.module.name}.${h.cls.qualname}.`);
    const isSelfHeader = (n: PyNode, text: (n: PyNode) => string) => n.type === 'attribute' && text(field(n, 'object')!) === 'self' && text(field(n, 'attribute')!) === 'header';
    const readsOwnHeader = (r: { fn: string; module: { text(n: PyNode): string }; node: PyNode }) => {
      if (!remoteUserClasses.some((c) => r.fn.startsWith(c))) return false;
      let found = false;
      walk(r.node, (n) => !(found ||= isSelfHeader(n, (x) => r.module.text(x))));
      return found;
    };
    for (const flow of deciding(ctx.model)) {
      const usesContents = hasIdentityDecision(flow) || events(flow, 'cond').some((c) => c.presence);
      if (!usesContents) continue;
      if (codeProvenance(ctx.model, flow)) continue;
      for (const r of flow.reads) {
        // Django's RemoteUserMiddleware reading a subclass's `header`: remote-user-header reports it.
        if (r.via === 'remote-user') continue;
        if (readsOwnHeader(r)) continue;
        if (!readDecides(ctx.model, flow, r)) continue;
        // `'HTTP_X' in request.META and request.META['HTTP_X']`: one header, reported at its value read.
        if (r.membership && flow.reads.some((x) => x !== r && !x.membership && x.key === r.key && readDecides(ctx.model, flow, x))) continue;
        const src = r.origin === 'copied' && r.copiedFrom ? r.copiedFrom : r.origin === 'header' ? r : null;
        if (!src) continue;
        const dep = deployProvenance(ctx.model, src.key);
        if (dep.proven) continue;
        const related: RelatedLocation[] = [];
        if (src.fn !== `${flow.root.fn.module.name}.${flow.root.qualname}`) related.push({ file: flow.root.file, line: flow.root.line, message: `read on behalf of ${flow.root.kind} ${flow.root.qualname}` });
        related.push(...grantRelated(flow));
        // A copied key: the finding is at the read where it is used; the header read and the copy are related.
        if (r !== src) related.push({ file: src.file, line: src.line, message: `request header ${src.key} read here` });
        if (r !== src && r.copySite) related.push({ file: r.copySite.file, line: r.copySite.line, message: `copied into ${r.key} here` });
        if (src.keySite) related.push({ file: src.keySite.file, line: src.keySite.line, message: `header name ${src.key} configured here` });
        related.push(...dep.related);
        ctx.report({
          messageId: r === src ? 'header' : 'copied',
          data: { key: src.key, header: src.key, target: r.key },
          at: at(r.module, r.node),
          related,
          anchor: r === src ? `${src.key}|${src.text}` : `${r.key}|${r.text}|${src.key}`,
        });
      }
    }
  },
});
