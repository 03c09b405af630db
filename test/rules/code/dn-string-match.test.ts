import { ruleTester } from '../../helpers/rule-tester.js';

const DN_VIEW = (body: string) => `
  import re
  from django.http import JsonResponse, HttpResponseForbidden
  def admin_api(request):
      dn = request.META.get('SSL_CLIENT_S_DN', '')
      ${body}
      return JsonResponse({'ok': True})
`;

ruleTester.run('dn-string-match', {
  valid: [
    {
      name: 'parsed attributes compared',
      files: {
        'app/views.py': `
          from cryptography import x509
          from cryptography.x509.oid import NameOID
          from django.http import JsonResponse, HttpResponseForbidden
          def v(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              cns = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
              if cns != ['admin']:
                  return HttpResponseForbidden()
              return JsonResponse({'ok': True})
        `,
      },
    },
    { name: 'exact comparison of the whole DN', files: { 'app/views.py': DN_VIEW("if dn != 'CN=admin,O=Corp': return HttpResponseForbidden()") } },
    {
      name: 'substring test on something that is not a DN',
      files: {
        'app/views.py': `
          from django.http import JsonResponse
          def v(request):
              if 'json' in request.META.get('HTTP_ACCEPT', ''):
                  return JsonResponse({})
              return JsonResponse({'ok': True})
        `,
      },
    },
  ],
  invalid: [
    { name: 'substring membership', files: { 'app/views.py': DN_VIEW("if 'CN=admin' not in dn: return HttpResponseForbidden()") }, errors: [{ ruleId: 'dn-string-match', line: 5 }] },
    { name: 'startswith', files: { 'app/views.py': DN_VIEW("if not dn.startswith('CN=admin'): return HttpResponseForbidden()") }, errors: [{ ruleId: 'dn-string-match', line: 5 }] },
    { name: 'regex extraction of the CN', files: { 'app/views.py': DN_VIEW("m = re.search(r'CN=([^,/]+)', dn)\n      if not m or m.group(1) != 'admin': return HttpResponseForbidden()") }, errors: [{ ruleId: 'dn-string-match', line: 5 }] },
    {
      name: 'a compiled pattern, whatever its name, matched against the DN (local and imported)',
      files: {
        'app/views.py': DN_VIEW(
          "ou = re.compile(r'OU=(\\w+)').search(dn)\n      if not ou or ou.group(1) != 'ops': return HttpResponseForbidden()\n      from .shapes import ROLE\n      if not ROLE.match(dn): return HttpResponseForbidden()",
        ),
        'app/shapes.py': `
          from re import compile
          ROLE = compile(r'.*OU=admins')
        `,
      },
      errors: [
        { ruleId: 'dn-string-match', line: 5 },
        { ruleId: 'dn-string-match', line: 8 },
      ],
    },
    {
      name: 'split on commas to find the CN',
      files: { 'app/views.py': DN_VIEW("parts = dict(p.split('=', 1) for p in dn.split(','))\n      if parts.get('CN') != 'admin': return HttpResponseForbidden()") },
      errors: [{ ruleId: 'dn-string-match', line: 5 }],
    },
    {
      name: 'str() of a parsed subject searched',
      files: {
        'app/views.py': `
          from cryptography import x509
          from django.http import JsonResponse, HttpResponseForbidden
          def v(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              if 'OU=admins' not in cert.subject.rfc4514_string():
                  return HttpResponseForbidden()
              return JsonResponse({'ok': True})
        `,
      },
      errors: [{ ruleId: 'dn-string-match', line: 5 }],
    },
  ],
});
