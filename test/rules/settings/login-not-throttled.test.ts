import { ruleTester } from '../../helpers/rule-tester.js';

const settings = (extra = '', apps: string[] = []) => `
  INSTALLED_APPS = ['django.contrib.admin', 'django.contrib.auth', 'rest_framework', 'rest_framework.authtoken', 'accounts'${apps.map((a) => `, '${a}'`).join('')}]
  MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware', 'django.contrib.auth.middleware.AuthenticationMiddleware']
  ROOT_URLCONF = 'proj.urls'
  ${extra}
`;
const AXES = `
  INSTALLED_APPS += ['axes']
  MIDDLEWARE.append('axes.middleware.AxesMiddleware')
  AUTHENTICATION_BACKENDS = ['axes.backends.AxesStandaloneBackend', 'django.contrib.auth.backends.ModelBackend']
`;
const URLS = `
  from django.contrib import admin
  from django.contrib.auth import views as auth_views
  from django.urls import path
  from rest_framework.authtoken.views import obtain_auth_token
  urlpatterns = [
      path('admin/', admin.site.urls),
      path('login/', auth_views.LoginView.as_view()),
      path('api/token/', obtain_auth_token),
  ]
`;

ruleTester.run('login-not-throttled', {
  valid: [
    {
      name: "mtls-audit's own app (fix --write) throttles password logins",
      files: {
        'proj/settings.py': settings("MIDDLEWARE += ['mtls_audit_django.middleware.ClientCertificateMiddleware']", ['mtls_audit_django']),
        'proj/urls.py': "from django.contrib import admin\nfrom django.urls import path\nurlpatterns = [path('admin/', admin.site.urls)]\n",
      },
    },
    { name: 'django-axes covers admin, LoginView and DRF token logins', files: { 'proj/settings.py': settings(AXES), 'proj/urls.py': URLS } },
    {
      name: 'django-axes (backend only) covers a custom view that calls authenticate()',
      files: {
        'proj/settings.py': settings("INSTALLED_APPS += ['axes']\nAUTHENTICATION_BACKENDS = ['axes.backends.AxesBackend']"),
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('login/', views.login_view)]\n",
        'accounts/views.py': `
          from django.contrib.auth import authenticate, login
          def login_view(request):
              user = authenticate(request, username=request.POST['u'], password=request.POST['p'])
              login(request, user)
        `,
      },
    },
    {
      name: 'django-ratelimit on a function, on a class via method_decorator, and in the URLconf',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': `
          from django.urls import path
          from django_ratelimit.decorators import ratelimit
          from accounts import views
          urlpatterns = [
              path('a/', views.login_a),
              path('b/', views.LoginB.as_view()),
              path('c/', ratelimit(key='ip', rate='5/m', block=True)(views.login_c)),
          ]
        `,
        'accounts/views.py': `
          from django.contrib.auth import authenticate
          from django.contrib.auth.views import LoginView
          from django.utils.decorators import method_decorator
          from django_ratelimit.decorators import ratelimit

          @ratelimit(key='post:username', rate='5/m')
          def login_a(request):
              return authenticate(request, username='u', password=request.POST['p'])

          @method_decorator(ratelimit(key='ip', rate='10/m', method='POST'), name='post')
          class LoginB(LoginView):
              template_name = 'login.html'

          def login_c(request):
              return authenticate(request, username='u', password=request.POST['p'])
        `,
      },
    },
    {
      name: 'ratelimit block=False with a request.limited check',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('a/', views.login_a)]\n",
        'accounts/views.py': `
          from django.contrib.auth import authenticate
          from django.http import HttpResponse
          from ratelimit.decorators import ratelimit
          @ratelimit(key='ip', rate='5/m', block=False)
          def login_a(request):
              if getattr(request, 'limited', False):
                  return HttpResponse(status=429)
              return authenticate(request, username='u', password=request.POST['p'])
        `,
      },
    },
    {
      name: 'DRF default throttles with rates cover token endpoints',
      files: {
        'proj/settings.py': settings(`
          REST_FRAMEWORK = {
              'DEFAULT_THROTTLE_CLASSES': ['rest_framework.throttling.AnonRateThrottle', 'rest_framework.throttling.UserRateThrottle'],
              'DEFAULT_THROTTLE_RATES': {'anon': '20/min', 'user': '100/min'},
          }
        `),
        'proj/urls.py': `
          from django.urls import path
          from rest_framework.authtoken.views import obtain_auth_token
          from rest_framework_simplejwt.views import TokenObtainPairView
          urlpatterns = [path('api/token/', obtain_auth_token), path('api/jwt/', TokenObtainPairView.as_view())]
        `,
      },
    },
    {
      name: 'ScopedRateThrottle with a scope on a project subclass; throttle_classes via as_view()',
      files: {
        'proj/settings.py': settings("REST_FRAMEWORK = {'DEFAULT_THROTTLE_RATES': {'login': '5/min', 'anon': '1/s'}}"),
        'proj/urls.py': `
          from django.urls import path
          from rest_framework.throttling import AnonRateThrottle
          from rest_framework_simplejwt.views import TokenObtainPairView
          from accounts.views import TokenView
          urlpatterns = [path('api/token/', TokenView.as_view()), path('api/jwt/', TokenObtainPairView.as_view(throttle_classes=[AnonRateThrottle]))]
        `,
        'accounts/views.py': `
          from rest_framework.authtoken.views import ObtainAuthToken
          from rest_framework.throttling import ScopedRateThrottle
          class TokenView(ObtainAuthToken):
              throttle_classes = [ScopedRateThrottle]
              throttle_scope = 'login'
        `,
      },
    },
    {
      name: 'a cache-based attempt counter in the view',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('login/', views.login_view)]\n",
        'accounts/views.py': `
          from django.core.cache import cache
          from django.contrib.auth import authenticate
          from django.http import HttpResponse
          def login_view(request):
              key = 'fail:' + request.META['REMOTE_ADDR']
              if cache.get(key, 0) >= 5:
                  return HttpResponse(status=429)
              user = authenticate(request, username=request.POST['u'], password=request.POST['p'])
              if user is None:
                  cache.add(key, 0, 600)
                  cache.incr(key)
        `,
      },
    },
    {
      name: "django-defender protects the admin login; allauth's own limits its login",
      files: {
        'proj/settings.py': settings("MIDDLEWARE += ['defender.middleware.FailedLoginMiddleware']", ['defender', 'allauth', 'allauth.account']),
        'proj/urls.py': "from django.contrib import admin\nfrom django.urls import path, include\nurlpatterns = [path('admin/', admin.site.urls), path('accounts/', include('allauth.urls'))]\n",
      },
    },
    {
      name: 'a certificate login (no password) is not a password login',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('cert/', views.cert_login)]\n",
        'accounts/views.py': `
          from django.contrib.auth import authenticate, login
          def cert_login(request):
              user = authenticate(request, fingerprint=request.META['SSL_CLIENT_FINGERPRINT'])
              login(request, user)
        `,
      },
    },
    {
      name: 'LoginView.as_view(authentication_form=…) with a form that refuses once is_ratelimited() says so',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': `
          from django.contrib.auth.views import LoginView
          from django.urls import path
          from accounts.forms import GuardedLoginForm
          urlpatterns = [path('login/', LoginView.as_view(authentication_form=GuardedLoginForm))]
        `,
        'accounts/forms.py': `
          from django import forms
          from django.contrib.auth.forms import AuthenticationForm
          from django_ratelimit.core import is_ratelimited

          class GuardedLoginForm(AuthenticationForm):
              def clean(self):
                  if is_ratelimited(self.request, group='login', key='post:username', rate='5/m', increment=True):
                      raise forms.ValidationError('Too many attempts, try again later.')
                  return super().clean()
        `,
      },
    },
    {
      name: 'a LoginView subclass whose authentication_form calls a project helper that raises when over the limit',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom accounts.views import PortalLogin\nurlpatterns = [path('portal/login/', PortalLogin.as_view())]\n",
        'accounts/views.py': `
          from django.contrib.auth.views import LoginView
          from .forms import PortalLoginForm
          class PortalLogin(LoginView):
              authentication_form = PortalLoginForm
        `,
        'accounts/forms.py': `
          from django.contrib.auth.forms import AuthenticationForm
          from .limits import check_login_rate_limit
          class PortalLoginForm(AuthenticationForm):
              def clean(self):
                  check_login_rate_limit(self.request)
                  return super().clean()
        `,
        'accounts/limits.py': `
          from django.core.cache import cache
          from django.core.exceptions import ValidationError
          def check_login_rate_limit(request):
              hits = cache.get_or_set('login:' + request.META['REMOTE_ADDR'], 0, 300)
              if hits > 10:
                  raise ValidationError('slow down')
        `,
      },
    },
    {
      name: 'admin.site.login_form set to a form with a cache-based attempt counter',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.contrib import admin\nfrom django.urls import path\nurlpatterns = [path('admin/', admin.site.urls)]\n",
        'accounts/admin.py': `
          from django.contrib import admin
          from .forms import CountingAdminLoginForm
          admin.site.login_form = CountingAdminLoginForm
        `,
        'accounts/forms.py': `
          from django.contrib.admin.forms import AdminAuthenticationForm
          from django.core.cache import cache
          from django.core.exceptions import ValidationError
          class CountingAdminLoginForm(AdminAuthenticationForm):
              def clean(self):
                  key = 'admin-login:' + self.request.META['REMOTE_ADDR']
                  if cache.get(key, 0) >= 5:
                      raise ValidationError('locked for a while')
                  try:
                      return super().clean()
                  except ValidationError:
                      cache.add(key, 0, 900)
                      cache.incr(key)
                      raise
        `,
      },
    },
    {
      name: 'a custom view that returns 429 when a rate-limit test says so',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('api/login/', views.api_login)]\n",
        'accounts/views.py': `
          from django.contrib.auth import authenticate, login
          from django.http import JsonResponse
          from ratelimit.utils import is_ratelimited
          def api_login(request):
              if is_ratelimited(request, group='api-login', key='ip', rate='10/m', increment=True):
                  return JsonResponse({'error': 'rate limited'}, status=429)
              user = authenticate(request, username=request.POST.get('u'), password=request.POST.get('p'))
              if user is None:
                  return JsonResponse({'error': 'bad credentials'}, status=401)
              login(request, user)
              return JsonResponse({'ok': True})
        `,
      },
    },
    {
      name: 'accepting an invitation: a 128-bit token from the link is looked up first, then the password just chosen is checked',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('invite/<str:token>/', views.accept_invite)]\n",
        'accounts/views.py': `
          from django.contrib.auth import authenticate, login
          from django.shortcuts import get_object_or_404, redirect
          from .models import Invitation
          def accept_invite(request, token):
              invitation = get_object_or_404(Invitation, token=token, used=False)
              user = invitation.user
              if request.method == 'POST':
                  user.set_password(request.POST['new_password'])
                  user.save()
                  user = authenticate(request, username=user.username, password=request.POST['new_password'])
                  login(request, user)
                  return redirect('/')
        `,
      },
    },
    {
      name: 'settings the scanner cannot see may enable axes',
      files: { 'proj/settings.py': `from shared.django_base import *\n${settings()}`, 'proj/urls.py': URLS },
    },
    {
      name: 'django-ratelimit-backend in AUTHENTICATION_BACKENDS counts every authenticate() failure',
      files: {
        'proj/settings.py': settings("AUTHENTICATION_BACKENDS = ['ratelimitbackend.backends.RateLimitModelBackend']"),
        'proj/urls.py': "from django.contrib import admin\nfrom django.urls import path\nurlpatterns = [path('admin/', admin.site.urls)]\n",
      },
    },
    {
      name: "a project backend built on django-ratelimit-backend's RateLimitMixin",
      files: {
        'proj/settings.py': settings("AUTHENTICATION_BACKENDS = ['accounts.backends.LimitedBackend']"),
        'proj/urls.py': "from django.contrib import admin\nfrom django.urls import path\nurlpatterns = [path('admin/', admin.site.urls)]\n",
        'accounts/backends.py': `
          from django.contrib.auth.backends import ModelBackend
          from ratelimitbackend.backends import RateLimitMixin
          class LimitedBackend(RateLimitMixin, ModelBackend):
              minutes = 10
        `,
      },
    },
    {
      name: 'INSTALLED_APPS partly from the environment, with AxesMiddleware listed: axes may be among the others',
      files: {
        'proj/settings.py': `
          import os
          extra = os.environ.get('EXTRA_APPS', '').split(',')
          INSTALLED_APPS = ['django.contrib.admin', 'django.contrib.auth', *extra]
          MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware', 'axes.middleware.AxesMiddleware']
          ROOT_URLCONF = 'proj.urls'
        `,
        'proj/urls.py': "from django.contrib import admin\nfrom django.urls import path\nurlpatterns = [path('admin/', admin.site.urls)]\n",
      },
    },
    {
      name: 'INSTALLED_APPS entirely unknown: a throttling app may be installed',
      files: {
        'proj/settings.py': "from proj.apps_list import build_apps\nINSTALLED_APPS = build_apps()\nMIDDLEWARE = []\nROOT_URLCONF = 'proj.urls'\n",
        'proj/urls.py': "from django.contrib import admin\nfrom django.urls import path\nurlpatterns = [path('admin/', admin.site.urls)]\n",
      },
    },
  ],
  invalid: [
    {
      name: 'admin, LoginView and obtain_auth_token with nothing: each route',
      files: { 'proj/urls.py': URLS, 'proj/settings.py': settings() },
      errors: [
        { ruleId: 'login-not-throttled', line: 6, messageId: 'adminNotThrottled' },
        { ruleId: 'login-not-throttled', line: 7, messageId: 'notThrottled' },
        { ruleId: 'login-not-throttled', line: 8, messageId: 'notThrottled' },
      ],
    },
    {
      name: 'INSTALLED_APPS partly from the environment (paperless-ngx), extended under a condition: the admin login is still judged',
      files: {
        'proj/settings.py': `
          import os
          DEBUG = os.environ.get('DEBUG') == '1'
          env_apps = [a for a in os.environ.get('EXTRA_APPS', '').split(',') if a]
          INSTALLED_APPS = [
              'django.contrib.auth',
              'django.contrib.admin',
              *env_apps,
          ]
          if DEBUG:
              INSTALLED_APPS.append('debug_toolbar')
          MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware', 'django.contrib.auth.middleware.AuthenticationMiddleware']
          ROOT_URLCONF = 'proj.urls'
        `,
        'proj/urls.py': "from django.contrib import admin\nfrom django.urls import path\nurlpatterns = [path('admin/', admin.site.urls)]\n",
      },
      errors: [{ ruleId: 'login-not-throttled', line: 3, file: 'proj/urls.py', messageId: 'adminNotThrottled', messageIncludes: 'not among the `INSTALLED_APPS` the settings name' }],
    },
    {
      name: 'axes disabled with AXES_ENABLED = False',
      files: { 'proj/urls.py': "from django.contrib import admin\nfrom django.urls import path\nurlpatterns = [path('admin/', admin.site.urls)]\n", 'proj/settings.py': settings(`${AXES}\nAXES_ENABLED = False`) },
      errors: [{ ruleId: 'login-not-throttled', line: 3 }],
    },
    {
      name: "a custom view that checks passwords itself is invisible to axes: the view's def",
      files: {
        'accounts/views.py': `
          from django.contrib.auth.models import User
          from django.http import JsonResponse
          def api_login(request):
              user = User.objects.get(username=request.POST['u'])
              if user.check_password(request.POST['p']):
                  return JsonResponse({'ok': True})
        `,
        'proj/settings.py': settings(AXES),
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('api/login/', views.api_login)]\n",
      },
      errors: [{ ruleId: 'login-not-throttled', line: 3 }],
    },
    {
      name: 'authenticate() inline with calls among its arguments (request.POST.get(...)): a password login all the same',
      files: {
        'accounts/views.py': `
          from django.contrib.auth import authenticate, login
          from django.http import HttpResponse
          from django.views.decorators.http import require_POST

          @require_POST
          def sign_in(request):
              user = authenticate(request, username=request.POST.get('email', '').strip(), password=request.POST.get('password'))
              if user is None:
                  return HttpResponse(status=401)
              login(request, user)
              return HttpResponse('ok')
        `,
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('sign-in/', views.sign_in)]\n",
      },
      errors: [{ ruleId: 'login-not-throttled', line: 6 }],
    },
    {
      name: 'an authentication_form that calls is_ratelimited() but never acts on the answer',
      files: {
        'proj/urls.py': `
          from django.contrib.auth.views import LoginView
          from django.urls import path
          from accounts.forms import CountingForm
          urlpatterns = [path('login/', LoginView.as_view(authentication_form=CountingForm))]
        `,
        'proj/settings.py': settings(),
        'accounts/forms.py': `
          import logging
          from django.contrib.auth.forms import AuthenticationForm
          from django_ratelimit.core import is_ratelimited
          class CountingForm(AuthenticationForm):
              def clean(self):
                  if is_ratelimited(self.request, group='login', key='ip', rate='5/m', increment=True):
                      logging.getLogger(__name__).info('many login attempts')
                  return super().clean()
        `,
      },
      errors: [{ ruleId: 'login-not-throttled', line: 4 }],
    },
    {
      name: 'an invitation view that also checks a password the client guesses against the invited account (no lookup by the token first)',
      files: {
        'accounts/views.py': `
          from django.contrib.auth import authenticate, login
          from django.http import HttpResponse
          from .models import Invitation
          def join(request):
              user = authenticate(request, username=request.POST.get('email'), password=request.POST.get('password'))
              if user is None:
                  return HttpResponse(status=401)
              invitation = Invitation.objects.get(token=request.POST['token'])
              invitation.accept(user)
              login(request, user)
              return HttpResponse('joined')
        `,
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('join/', views.join)]\n",
      },
      errors: [{ ruleId: 'login-not-throttled', line: 4 }],
    },
    {
      name: 'a class-based login whose post() passes calls to authenticate()',
      files: {
        'accounts/views.py': `
          from django.contrib.auth import authenticate, login
          from django.http import JsonResponse
          from django.views import View
          from .forms import SignInForm
          class SignIn(View):
              def post(self, request):
                  form = SignInForm(request.POST)
                  form.is_valid()
                  user = authenticate(request, username=form.cleaned_data.get('u'), password=request.POST.get('p'))
                  if user is None:
                      return JsonResponse({'ok': False}, status=401)
                  login(request, user)
                  return JsonResponse({'ok': True})
        `,
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom accounts.views import SignIn\nurlpatterns = [path('sign-in/', SignIn.as_view())]\n",
      },
      errors: [{ ruleId: 'login-not-throttled', line: 5 }],
    },
    {
      name: 'ratelimit with block=False and no request.limited check',
      files: {
        'accounts/views.py': `
          from django.contrib.auth import authenticate
          from django_ratelimit.decorators import ratelimit
          @ratelimit(key='ip', rate='5/m', block=False)
          # the view ignores request.limited
          def login_a(request):
              return authenticate(request, username='u', password=request.POST['p'])
        `,
        'proj/settings.py': settings(),
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('a/', views.login_a)]\n",
      },
      errors: [{ ruleId: 'login-not-throttled', line: 5 }],
    },
    {
      name: 'DRF throttle classes without a rate for the scope, ScopedRateThrottle without a scope, empty throttle_classes',
      files: {
        'proj/urls.py': `
          from django.urls import path
          from rest_framework.authtoken.views import obtain_auth_token
          from accounts.views import TokenView, JwtView
          urlpatterns = [
              path('api/token/', obtain_auth_token),
              path('api/token2/', TokenView.as_view()),
              path('api/jwt/', JwtView.as_view()),
          ]
        `,
        'proj/settings.py': settings("REST_FRAMEWORK = {'DEFAULT_THROTTLE_CLASSES': ['rest_framework.throttling.AnonRateThrottle'], 'DEFAULT_THROTTLE_RATES': {'anon': None}}"),
        'accounts/views.py': `
          from rest_framework.authtoken.views import ObtainAuthToken
          from rest_framework.throttling import ScopedRateThrottle
          from rest_framework_simplejwt.views import TokenObtainPairView
          class TokenView(ObtainAuthToken):
              throttle_classes = [ScopedRateThrottle]
          class JwtView(TokenObtainPairView):
              throttle_classes = []
        `,
      },
      errors: [
        { ruleId: 'login-not-throttled', line: 5 },
        { ruleId: 'login-not-throttled', file: 'accounts/views.py', line: 4 },
        { ruleId: 'login-not-throttled', file: 'accounts/views.py', line: 6 },
      ],
    },
    {
      name: "include('django.contrib.auth.urls') and a LoginView subclass",
      files: {
        'proj/urls.py': `
          from django.urls import path, include
          from accounts.views import StaffLogin
          urlpatterns = [
              path('accounts/', include('django.contrib.auth.urls')),
              path('staff/login/', StaffLogin.as_view()),
          ]
        `,
        'proj/settings.py': settings(),
        'accounts/views.py': `
          from django.contrib.auth.views import LoginView
          class StaffLogin(LoginView):
              template_name = 'staff.html'
        `,
      },
      errors: [
        { ruleId: 'login-not-throttled', line: 4 },
        { ruleId: 'login-not-throttled', file: 'accounts/views.py', line: 2 },
      ],
    },
  ],
});
