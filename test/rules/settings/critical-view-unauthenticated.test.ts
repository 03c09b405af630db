import { ruleTester } from '../../helpers/rule-tester.js';

const settings = (extra = '') => `
  INSTALLED_APPS = ['django.contrib.auth', 'rest_framework', 'payments']
  MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware', 'django.contrib.auth.middleware.AuthenticationMiddleware']
  ROOT_URLCONF = 'proj.urls'
  ${extra}
`;
const CERT_AUTH = `
  from rest_framework.authentication import BaseAuthentication
  from rest_framework.exceptions import AuthenticationFailed
  from .models import CertBinding
  class CertificateAuthentication(BaseAuthentication):
      def authenticate(self, request):
          fp = request.META.get('SSL_CLIENT_FINGERPRINT')
          if not fp:
              return None
          b = CertBinding.objects.filter(fingerprint=fp, revoked=False).select_related('user').first()
          if b is None:
              raise AuthenticationFailed('unknown certificate')
          return (b.user, None)
`;
const URLS = `
  from django.urls import path
  from rest_framework.routers import DefaultRouter
  from payments import views
  router = DefaultRouter()
  router.register('transfers', views.TransferViewSet)
  urlpatterns = [
      path('api/refund/', views.RefundView.as_view()),
      path('api/hook/', views.hook),
  ] + router.urls
`;

const REFUSING_AUTH = `
  from rest_framework import exceptions
  from rest_framework.authentication import BaseAuthentication
  from .models import Terminal
  class TerminalAuthentication(BaseAuthentication):
      # Terminals are not users: the terminal goes on the request, DRF sees AnonymousUser.
      def authenticate(self, request):
          if request.META.get('SSL_CLIENT_VERIFY') != 'SUCCESS':
              raise exceptions.AuthenticationFailed('client certificate required')
          t = Terminal.objects.filter(serial=request.META.get('SSL_CLIENT_M_SERIAL'), retired=False).first()
          if t is None:
              raise exceptions.AuthenticationFailed('terminal not enrolled')
          request.terminal = t
          return None
`;
const LENIENT_AUTH = `
  from rest_framework import exceptions
  from rest_framework.authentication import BaseAuthentication
  from .models import Terminal
  class TerminalAuthentication(BaseAuthentication):
      def authenticate(self, request):
          serial = request.META.get('SSL_CLIENT_M_SERIAL')
          if not serial:
              return None
          t = Terminal.objects.filter(serial=serial, retired=False).first()
          if t is None:
              raise exceptions.AuthenticationFailed('terminal not enrolled')
          request.terminal = t
          return None
`;
const TERMINAL_VIEWS = `
  from rest_framework.permissions import AllowAny
  from rest_framework.response import Response
  from rest_framework.views import APIView
  from .terminals import TerminalAuthentication

  class RefundView(APIView):
      permission_classes = [AllowAny]
      authentication_classes = [TerminalAuthentication]
      def post(self, request):
          request.terminal.refunds.create(amount=request.data['amount'])
          return Response({'ok': True})
`;

const GATE_MW = (check: string) => `
  from django.http import HttpResponseForbidden
  class ClientCertGate:
      def __init__(self, get_response):
          self.get_response = get_response
      def __call__(self, request):
          return self.get_response(request)
      def process_view(self, request, view_func, view_args, view_kwargs):
          if not getattr(view_func, 'needs_client_cert', False):
              return None
          verify = request.META.get('SSL_CLIENT_VERIFY', '')
${check}
          return None
`;
const GATE_DECO = `
  def client_cert_required(view):
      view.needs_client_cert = True
      return view
`;
const GATED_VIEWS = `
  from django.http import JsonResponse
  from django.views.decorators.csrf import csrf_exempt
  from .gates import client_cert_required
  from .models import Payment

  @csrf_exempt
  @client_cert_required
  def hook(request):
      Payment.objects.filter(pk=request.POST['id']).delete()
      return JsonResponse({})
`;
const GATE_SETTINGS = settings().replace("'django.contrib.auth.middleware.AuthenticationMiddleware']", "'django.contrib.auth.middleware.AuthenticationMiddleware', 'payments.gates.ClientCertGate']");
const GATE_URLS = "from django.urls import path\nfrom payments import views\nurlpatterns = [path('api/hook/', views.hook)]\n";

const ENROL_VIEW = (lookup: string) => `
  from rest_framework.permissions import AllowAny
  from rest_framework.response import Response
  from rest_framework.views import APIView
  from .models import EnrolmentKey, Terminal

  class RefundView(APIView):
      permission_classes = [AllowAny]
      def post(self, request):
          grant = ${lookup}
          Terminal.objects.create(owner=grant.owner, serial=request.data['serial'])
          return Response(status=201)
`;

ruleTester.run('critical-view-unauthenticated', {
  valid: [
    {
      name: 'an enrolment endpoint that looks up the key the client sends (the secret is the credential)',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': URLS,
        'payments/auth.py': CERT_AUTH,
        'payments/views.py': ENROL_VIEW("EnrolmentKey.objects.get(key=request.data['enrolment_key'], used=False)"),
      },
    },
    {
      name: 'token provisioning (NetBox): the serializer authenticates the username and password in the body and raises AuthenticationFailed',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom payments import views\nurlpatterns = [path('api/tokens/provision/', views.TokenProvisionView.as_view())]\n",
        'payments/auth.py': CERT_AUTH,
        'payments/serializers.py': `
          from django.contrib.auth import authenticate
          from rest_framework import serializers
          from rest_framework.exceptions import AuthenticationFailed
          from .models import Token
          class TokenProvisionSerializer(serializers.ModelSerializer):
              username = serializers.CharField(write_only=True)
              password = serializers.CharField(write_only=True)
              class Meta:
                  model = Token
                  fields = ('username', 'password', 'key')
              def validate(self, data):
                  username = data.pop('username')
                  password = data.pop('password')
                  user = authenticate(request=self.context.get('request'), username=username, password=password)
                  if user is None:
                      raise AuthenticationFailed('Invalid username/password')
                  data['user'] = user
                  return data
        `,
        'payments/views.py': `
          from rest_framework.response import Response
          from rest_framework.views import APIView
          from . import serializers

          class TokenProvisionView(APIView):
              permission_classes = []
              def post(self, request):
                  serializer = serializers.TokenProvisionSerializer(data=request.data, context={'request': request})
                  serializer.is_valid(raise_exception=True)
                  serializer.save()
                  return Response(serializer.data, status=201)
        `,
      },
    },
    {
      name: 'a token exchange: the body goes to a serializer whose validate_<field> verifies a signed JWT and raises, and nothing is written unless is_valid()',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom payments import views\nurlpatterns = [path('api/exchange/<int:issuer>/', views.ExchangeView.as_view())]\n",
        'payments/auth.py': CERT_AUTH,
        'payments/serializers.py': `
          import jwt
          from rest_framework import serializers
          from .models import ApiKey, Issuer
          class ExchangeSerializer(serializers.Serializer):
              assertion = serializers.CharField()
              def validate_assertion(self, value):
                  issuer = self.context['issuer']
                  try:
                      return jwt.decode(value, issuer.public_key, algorithms=['RS256'], audience='payments')
                  except jwt.InvalidTokenError as exc:
                      raise serializers.ValidationError('assertion does not verify') from exc
              def create(self, validated):
                  return ApiKey.objects.create(subject=validated['assertion']['sub'])
        `,
        'payments/views.py': `
          from django.shortcuts import get_object_or_404
          from rest_framework.permissions import AllowAny
          from rest_framework.response import Response
          from rest_framework.views import APIView
          from .models import Issuer
          from .serializers import ExchangeSerializer

          class ExchangeView(APIView):
              authentication_classes = []
              permission_classes = [AllowAny]
              def post(self, request, issuer):
                  ser = ExchangeSerializer(data=request.data, context={'issuer': get_object_or_404(Issuer, pk=issuer)})
                  if ser.is_valid():
                      key = ser.save()
                      return Response({'key': key.secret})
                  return Response(ser.errors, status=400)
        `,
      },
    },
    {
      name: 'an AllowAny POST handler that only answers (one return of a response, no other call) changes nothing',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom payments import views\nurlpatterns = [path('api/refund/<int:pk>/', views.RefundView.as_view())]\n",
        'payments/auth.py': CERT_AUTH,
        'payments/views.py': `
          from rest_framework.permissions import AllowAny
          from rest_framework.response import Response
          from rest_framework.views import APIView

          class RefundView(APIView):
              permission_classes = [AllowAny]
              def post(self, request, *args, **kwargs):
                  """Echoes what was asked, for the client's retry logic."""
                  return Response({'id': kwargs['pk'], 'status': 'queued'})
        `,
      },
    },
    {
      name: 'a decorator marks the view and a MIDDLEWARE-listed process_view refuses marked views without a verified certificate',
      files: {
        'proj/settings.py': GATE_SETTINGS,
        'proj/urls.py': GATE_URLS,
        'payments/auth.py': CERT_AUTH,
        'payments/gates.py':
          GATE_MW("          if verify != 'SUCCESS':\n              return HttpResponseForbidden('client certificate required')").replace('from django.http import HttpResponseForbidden', 'from django.http import HttpResponseForbidden') +
          GATE_DECO,
        'payments/views.py': GATED_VIEWS,
      },
    },
    {
      name: 'AllowAny with an authentication class that refuses requests without a certificate (returns None only once the terminal is on the request)',
      files: { 'proj/settings.py': settings(), 'proj/urls.py': URLS, 'payments/auth.py': CERT_AUTH, 'payments/terminals.py': REFUSING_AUTH, 'payments/views.py': TERMINAL_VIEWS },
    },
    {
      name: 'a refusing authentication class as the REST_FRAMEWORK default covers AllowAny views without their own list',
      files: {
        'proj/settings.py': settings("REST_FRAMEWORK = {'DEFAULT_AUTHENTICATION_CLASSES': ['payments.terminals.TerminalAuthentication']}"),
        'proj/urls.py': URLS,
        'payments/auth.py': CERT_AUTH,
        'payments/terminals.py': REFUSING_AUTH,
        'payments/views.py': TERMINAL_VIEWS.replace('      authentication_classes = [TerminalAuthentication]\n', ''),
      },
    },
    {
      name: 'IsAuthenticated with the certificate authentication; signature-checked webhook; read-only AllowAny',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': URLS,
        'payments/auth.py': CERT_AUTH,
        'payments/views.py': `
          import hmac, hashlib
          from django.conf import settings
          from django.http import HttpResponse, HttpResponseForbidden
          from django.views.decorators.csrf import csrf_exempt
          from rest_framework import viewsets
          from rest_framework.permissions import AllowAny, IsAuthenticated
          from rest_framework.views import APIView
          from .auth import CertificateAuthentication

          class TransferViewSet(viewsets.ModelViewSet):
              authentication_classes = [CertificateAuthentication]
              permission_classes = [IsAuthenticated]

          class RefundView(APIView):
              permission_classes = [AllowAny]
              def get(self, request):
                  return HttpResponse('status page')

          @csrf_exempt
          def hook(request):
              sig = hmac.new(settings.HOOK_KEY, request.body, hashlib.sha256).hexdigest()
              if not hmac.compare_digest(sig, request.headers.get('X-Signature', '')):
                  return HttpResponseForbidden()
              if request.method == 'POST':
                  Event.objects.create(body=request.body)
              return HttpResponse('ok')
        `,
      },
    },
    {
      name: 'not a certificate-authenticated app: AllowAny is a product decision there',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom payments import views\nurlpatterns = [path('api/refund/', views.RefundView.as_view())]\n",
        'payments/views.py': `
          from rest_framework.generics import CreateAPIView
          from rest_framework.permissions import AllowAny
          class RefundView(CreateAPIView):
              permission_classes = [AllowAny]
        `,
      },
    },
    {
      name: 'Django 5.1 LoginRequiredMiddleware protects csrf_exempt views; login_required; LoginRequiredMixin',
      files: {
        'proj/settings.py': settings("MIDDLEWARE += ['django.contrib.auth.middleware.LoginRequiredMiddleware']"),
        'proj/urls.py': "from django.urls import path\nfrom payments import views\nurlpatterns = [path('a/', views.a)]\n",
        'payments/auth.py': CERT_AUTH,
        'payments/views.py': `
          from django.views.decorators.csrf import csrf_exempt
          from django.views.decorators.http import require_POST
          @csrf_exempt
          @require_POST
          def a(request):
              Payment.objects.create(amount=request.POST['amount'])
        `,
      },
    },
    {
      name: 'login_required in the URLconf and auth mixins on a class',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': `
          from django.urls import path
          from django.contrib.auth.decorators import login_required
          from django.views.decorators.csrf import csrf_exempt
          from payments import views
          urlpatterns = [path('a/', csrf_exempt(login_required(views.a))), path('b/', csrf_exempt(views.B.as_view()))]
        `,
        'payments/auth.py': CERT_AUTH,
        'payments/views.py': `
          from django.contrib.auth.mixins import LoginRequiredMixin
          from django.views import View
          def a(request):
              if request.method == 'POST':
                  Payment.objects.create(amount=1)
          class B(LoginRequiredMixin, View):
              def post(self, request):
                  Payment.objects.create(amount=2)
        `,
      },
    },
    {
      name: 'a project middleware that refuses requests without a client certificate',
      files: {
        'proj/settings.py': settings("MIDDLEWARE += ['payments.middleware.RequireClientCert']"),
        'proj/urls.py': "from django.urls import path\nfrom payments import views\nurlpatterns = [path('api/refund/', views.RefundView.as_view())]\n",
        'payments/middleware.py': `
          from django.http import HttpResponseForbidden
          class RequireClientCert:
              def __init__(self, get_response):
                  self.get_response = get_response
              def __call__(self, request):
                  verified = request.META.get('SSL_CLIENT_VERIFY')
                  if verified != 'SUCCESS':
                      return HttpResponseForbidden('client certificate required')
                  return self.get_response(request)
        `,
        'payments/views.py': `
          from rest_framework.generics import CreateAPIView
          from rest_framework.permissions import AllowAny
          class RefundView(CreateAPIView):
              permission_classes = [AllowAny]
        `,
      },
    },
    {
      name: 'authentication_classes = [] but IsAuthenticated (nobody gets in), and login/token endpoints',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom payments import views\nurlpatterns = [path('a/', views.Locked.as_view()), path('login/', views.Login.as_view())]\n",
        'payments/auth.py': CERT_AUTH,
        'payments/views.py': `
          from rest_framework.views import APIView
          from rest_framework.permissions import AllowAny, IsAuthenticated
          from rest_framework.authtoken.views import ObtainAuthToken
          class Locked(APIView):
              authentication_classes = []
              permission_classes = [IsAuthenticated]
              def post(self, request):
                  pass
          class Login(ObtainAuthToken):
              permission_classes = [AllowAny]
        `,
      },
    },
    {
      name: 'a function-local `import AllowAny as P` binds P in that function only: the module-level P (IsAuthenticated) guards the view',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': URLS,
        'payments/auth.py': CERT_AUTH,
        'payments/views.py': `
          from django.http import HttpResponse
          from rest_framework.permissions import IsAuthenticated as P
          from rest_framework.views import APIView
          from rest_framework import viewsets
          from .auth import CertificateAuthentication

          def public_permissions():
              from rest_framework.permissions import AllowAny as P
              return [P]

          class TransferViewSet(viewsets.ModelViewSet):
              authentication_classes = [CertificateAuthentication]
              permission_classes = [P]

          class RefundView(APIView):
              authentication_classes = [CertificateAuthentication]
              permission_classes = [P]
              def post(self, request):
                  return HttpResponse('refunded')

          def hook(request):
              return HttpResponse('ok')
        `,
      },
    },
  ],
  invalid: [
    {
      name: 'the other way round: module-level `AllowAny as P`, a function importing IsAuthenticated as P does not guard the view',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom payments import views\nurlpatterns = [path('api/refund/', views.RefundView.as_view())]\n",
        'payments/auth.py': CERT_AUTH,
        'payments/views.py': `
          from rest_framework.permissions import AllowAny as P
          from rest_framework.views import APIView
          def strict_permissions():
              from rest_framework.permissions import IsAuthenticated as P
              return [P]
          class RefundView(APIView):
              permission_classes = [P]
              def post(self, request):
                  Refund.objects.create(amount=request.data['amount'])
        `,
      },
      errors: [{ ruleId: 'critical-view-unauthenticated', file: 'payments/views.py', line: 6, messageId: 'allowAny' }],
    },
    {
      name: 'a lookup by an identifier anyone can name (pk) is no secret: still anonymous',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': URLS,
        'payments/auth.py': CERT_AUTH,
        'payments/views.py': ENROL_VIEW("EnrolmentKey.objects.get(pk=request.data['id'])"),
      },
      errors: [{ ruleId: 'critical-view-unauthenticated', file: 'payments/views.py', line: 6, messageId: 'allowAny' }],
    },
    {
      name: 'a serializer that only checks the shape of the body (no credential verified) leaves the view anonymous',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom payments import views\nurlpatterns = [path('api/exchange/', views.ExchangeView.as_view())]\n",
        'payments/auth.py': CERT_AUTH,
        'payments/serializers.py': `
          from rest_framework import serializers
          from .models import ApiKey
          class ExchangeSerializer(serializers.Serializer):
              subject = serializers.CharField()
              def validate_subject(self, value):
                  if len(value) > 64:
                      raise serializers.ValidationError('too long')
                  return value
              def create(self, validated):
                  return ApiKey.objects.create(subject=validated['subject'])
        `,
        'payments/views.py': `
          from rest_framework.permissions import AllowAny
          from rest_framework.response import Response
          from rest_framework.views import APIView
          from .serializers import ExchangeSerializer

          class ExchangeView(APIView):
              permission_classes = [AllowAny]
              def post(self, request):
                  ser = ExchangeSerializer(data=request.data)
                  ser.is_valid(raise_exception=True)
                  return Response({'key': ser.save().secret})
        `,
      },
      errors: [{ ruleId: 'critical-view-unauthenticated', file: 'payments/views.py', line: 6, messageId: 'allowAny' }],
    },
    {
      name: 'the same marker read by a middleware that only logs: the view stays anonymous',
      files: {
        'proj/settings.py': GATE_SETTINGS,
        'proj/urls.py': GATE_URLS,
        'payments/auth.py': CERT_AUTH,
        'payments/gates.py': GATE_MW("          if verify != 'SUCCESS':\n              print('unverified client')") + GATE_DECO,
        'payments/views.py': GATED_VIEWS,
      },
      errors: [{ ruleId: 'critical-view-unauthenticated', file: 'payments/views.py', line: 8, messageId: 'csrfExemptNoAuth' }],
    },
    {
      name: 'a settings module holding only REST_FRAMEWORK (the rest lives in a base the tree does not show): the surface is still built',
      files: {
        'proj/settings.py': "REST_FRAMEWORK = {'DEFAULT_AUTHENTICATION_CLASSES': ['payments.auth.CertificateAuthentication'], 'DEFAULT_PERMISSION_CLASSES': ['rest_framework.permissions.IsAuthenticated']}\n",
        'proj/urls.py': "from django.urls import path\nfrom payments import views\nurlpatterns = [path('api/refund/', views.RefundView.as_view())]\n",
        'payments/auth.py': CERT_AUTH,
        'payments/views.py': `
          from rest_framework.permissions import AllowAny
          from rest_framework.response import Response
          from rest_framework.views import APIView

          class RefundView(APIView):
              permission_classes = [AllowAny]
              def post(self, request):
                  Refund.objects.create(amount=request.data['amount'])
                  return Response(status=201)
        `,
      },
      errors: [{ ruleId: 'critical-view-unauthenticated', file: 'payments/views.py', line: 5, messageId: 'allowAny' }],
    },
    {
      name: 'AllowAny with an authentication class that returns None when no certificate is sent: anonymous callers get through',
      files: { 'proj/settings.py': settings(), 'proj/urls.py': URLS, 'payments/auth.py': CERT_AUTH, 'payments/terminals.py': LENIENT_AUTH, 'payments/views.py': TERMINAL_VIEWS },
      errors: [{ ruleId: 'critical-view-unauthenticated', file: 'payments/views.py', line: 6, messageId: 'allowAny' }],
    },
    {
      name: 'AllowAny viewset, AllowAny APIView with post, csrf_exempt function: each definition',
      files: {
        'payments/views.py': `
          from django.http import JsonResponse
          from django.views.decorators.csrf import csrf_exempt
          from rest_framework import viewsets
          from rest_framework.permissions import AllowAny
          from rest_framework.views import APIView

          class TransferViewSet(viewsets.ModelViewSet):
              permission_classes = [AllowAny]

          class RefundView(APIView):
              permission_classes = (AllowAny,)
              def post(self, request):
                  return JsonResponse({'id': Refund.objects.create(amount=request.POST['amount']).pk})

          @csrf_exempt
          # a payment webhook without a signature check
          def hook(request):
              if request.method == 'POST':
                  Payment.objects.create(amount=request.POST['amount'])
              return JsonResponse({})
        `,
        'proj/settings.py': settings(),
        'proj/urls.py': URLS,
        'payments/auth.py': CERT_AUTH,
      },
      errors: [
        { ruleId: 'critical-view-unauthenticated', line: 7, messageId: 'allowAny' },
        { ruleId: 'critical-view-unauthenticated', line: 10, messageId: 'allowAny' },
        { ruleId: 'critical-view-unauthenticated', line: 17, messageId: 'csrfExemptNoAuth' },
      ],
    },
    {
      name: 'authentication_classes = [] with the default (AllowAny) permissions; @api_view with empty decorators',
      files: {
        'payments/views.py': `
          from rest_framework.views import APIView
          from rest_framework.decorators import api_view, authentication_classes, permission_classes
          class Open(APIView):
              authentication_classes = []
              def delete(self, request, pk):
                  Payment.objects.filter(pk=pk).delete()
          @api_view(['POST'])
          @authentication_classes([])
          @permission_classes([])
          # nothing at all
          def pay(request):
              Payment.objects.create(amount=1)
        `,
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom payments import views\nurlpatterns = [path('a/', views.Open.as_view()), path('b/', views.pay)]\n",
        'payments/auth.py': CERT_AUTH,
      },
      errors: [
        { ruleId: 'critical-view-unauthenticated', line: 3, messageId: 'noAuthentication' },
        { ruleId: 'critical-view-unauthenticated', line: 11, messageId: 'allowAny' },
      ],
    },
    {
      name: 'a middleware that only compares a session-bound fingerprint does not refuse anonymous requests',
      files: {
        'payments/views.py': `
          from rest_framework.generics import CreateAPIView
          from rest_framework.permissions import AllowAny
          class RefundView(CreateAPIView):
              permission_classes = [AllowAny]
        `,
        'proj/settings.py': settings("MIDDLEWARE += ['payments.middleware.SessionCertBinding']"),
        'proj/urls.py': "from django.urls import path\nfrom payments import views\nurlpatterns = [path('api/refund/', views.RefundView.as_view())]\n",
        'payments/middleware.py': `
          from django.http import HttpResponseForbidden
          class SessionCertBinding:
              def __init__(self, get_response):
                  self.get_response = get_response
              def __call__(self, request):
                  bound = request.session.get('cert_fingerprint')
                  if bound is not None and bound != request.META.get('SSL_CLIENT_FINGERPRINT'):
                      return HttpResponseForbidden()
                  return self.get_response(request)
        `,
      },
      errors: [{ ruleId: 'critical-view-unauthenticated', line: 3, messageId: 'allowAny' }],
    },
    {
      name: 'an unrouted csrf_exempt class view (method_decorator) is still found',
      files: {
        'payments/views.py': `
          from django.utils.decorators import method_decorator
          from django.views.decorators.csrf import csrf_exempt
          from django.views.generic.edit import DeleteView
          @method_decorator(csrf_exempt, name='dispatch')
          # deletes anything for anyone
          class DropView(DeleteView):
              model = Payment
        `,
        'proj/settings.py': settings(),
        'proj/urls.py': 'urlpatterns = []\n',
        'payments/auth.py': CERT_AUTH,
      },
      errors: [{ ruleId: 'critical-view-unauthenticated', line: 6, messageId: 'csrfExemptNoAuth' }],
    },
  ],
});
