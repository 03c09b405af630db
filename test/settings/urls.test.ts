// Static URL resolution and view facts: path/re_path/url/include, routers, admin, as_view,
// wrappers, external URLconfs, lazily loaded view modules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from './helpers.js';
import type { ViewFacts } from '../../src/urls/views.js';

const SETTINGS = (extra = '') => `
  INSTALLED_APPS = ['django.contrib.admin', 'django.contrib.auth', 'rest_framework', 'shop']
  MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware']
  ROOT_URLCONF = 'proj.urls'
  ${extra}
`;

function describe(v: ViewFacts): string {
  const t = v.route.view;
  const what = t.kind === 'function' || t.kind === 'class' || t.kind === 'external' ? t.qualified : t.kind === 'admin' ? `admin:${t.siteClass}` : `?${t.text}`;
  return `${v.route.path} ${what}${v.login ? ` login=${v.login}` : ''}${v.passwordReset ? ' reset' : ''}${v.stateChanging ? ' changes' : ''}${v.drf ? ' drf' : ''}`;
}

test('ROOT_URLCONF: path/re_path/url, include by string, module, list and tuple, routers, admin, as_view, wrappers', async () => {
  const { model, surface } = await load({
    'proj/__init__.py': '',
    'proj/settings.py': SETTINGS(),
    'proj/urls.py': `
      from django.contrib import admin
      from django.contrib.auth import views as auth_views
      from django.urls import include, path, re_path
      from django.conf.urls import url
      from django.conf import settings
      from django.contrib.auth.decorators import login_required
      from rest_framework.authtoken.views import obtain_auth_token
      from rest_framework_simplejwt.views import TokenObtainPairView
      from shop import urls as shop_urls
      from shop import views

      extra = [path('health/', views.health)]

      urlpatterns = [
          path('admin/', admin.site.urls),
          path('accounts/login/', auth_views.LoginView.as_view(template_name='login.html'), name='login'),
          re_path(r'^api/token/$', obtain_auth_token),
          path('api/jwt/', TokenObtainPairView.as_view()),
          path('shop/', include(shop_urls)),
          path('api/', include('shop.api_urls')),
          path('inline/', include([path('ping/', views.ping), path('x/', include((extra, 'x')))])),
          url(r'^old/(?P<pk>\\d+)/$', login_required(views.OldView.as_view())),
          path('accounts/', include('django.contrib.auth.urls')),
      ]
      urlpatterns += [path('more/', views.more)]
      if settings.DEBUG:
          urlpatterns += [path('__debug__/', views.debug_only)]
    `,
    'shop/__init__.py': '',
    'shop/urls.py': `
      from django.urls import path
      from . import views
      urlpatterns = [
          path('buy/', views.buy),
      ]
      urlpatterns.append(path('cart/', views.CartView.as_view()))
    `,
    'shop/api_urls.py': `
      from rest_framework.routers import DefaultRouter
      from .views import OrderViewSet, ReadOnlyThings
      router = DefaultRouter()
      router.register(r'orders', OrderViewSet, basename='order')
      router.register('things', ReadOnlyThings)
      urlpatterns = router.urls
    `,
    // No trigger word: loaded only because the URLconf names it.
    'shop/views.py': `
      from django.http import JsonResponse
      from django.views import View
      from django.views.decorators.http import require_POST
      from rest_framework import viewsets

      def health(request):
          return JsonResponse({})

      def ping(request):
          return JsonResponse({})

      def more(request):
          return JsonResponse({})

      def debug_only(request):
          return JsonResponse({})

      @require_POST
      def buy(request):
          return JsonResponse({})

      class CartView(View):
          def post(self, request):
              return JsonResponse({'items': add_to_cart(request)})

      class OldView(View):
          def get(self, request, pk):
              return JsonResponse({})

      class OrderViewSet(viewsets.ModelViewSet):
          pass

      class ReadOnlyThings(viewsets.ReadOnlyModelViewSet):
          pass
    `,
  });
  const views = surface()[0].views;
  const got = views.map(describe);
  assert.deepEqual(got, [
    '/admin/ admin:django.contrib.admin.sites.AdminSite login=password',
    '/accounts/login/ django.contrib.auth.views.LoginView login=password',
    '/api/token/ rest_framework.authtoken.views.obtain_auth_token login=token drf',
    '/api/jwt/ rest_framework_simplejwt.views.TokenObtainPairView login=token drf',
    '/shop/buy/ shop.views.buy changes',
    '/shop/cart/ shop.views.CartView changes',
    '/api/orders/ shop.views.OrderViewSet changes drf',
    '/api/things/ shop.views.ReadOnlyThings drf',
    '/inline/ping/ shop.views.ping',
    '/inline/x/health/ shop.views.health',
    '/old/(?P<pk>\\d+)/ shop.views.OldView',
    '/accounts/login/ django.contrib.auth.views.LoginView login=password',
    '/accounts/logout/ django.contrib.auth.views.LogoutView',
    '/accounts/password_change/ django.contrib.auth.views.PasswordChangeView',
    '/accounts/password_reset/ django.contrib.auth.views.PasswordResetView reset',
    '/accounts/reset/<uidb64>/<token>/ django.contrib.auth.views.PasswordResetConfirmView reset',
    '/more/ shop.views.more',
  ]);
  // Sites: project views point at their definition, external ones at the route.
  const buy = views.find((v) => v.route.path === '/shop/buy/')!;
  assert.deepEqual([buy.defSite.file, buy.defSite.line], ['shop/views.py', 19]);
  assert.deepEqual([buy.route.site.file, buy.route.site.line], ['shop/urls.py', 4]);
  assert.deepEqual(
    buy.route.includes.map((s) => `${s.file}:${s.line}`),
    ['proj/urls.py:19'],
  );
  const orders = views.find((v) => v.route.path === '/api/orders/')!;
  assert.deepEqual([orders.route.site.file, orders.route.site.line], ['shop/api_urls.py', 4]);
  const old = views.find((v) => v.route.path.startsWith('/old/'))!;
  assert.deepEqual(
    old.decos.map((d) => d.q),
    ['django.contrib.auth.decorators.login_required'],
  );
  const login = views.find((v) => v.route.path === '/accounts/login/')!;
  assert.deepEqual([login.defSite.file, login.defSite.line], ['proj/urls.py', 16]);
  assert.ok(model.python.modules.has('shop/views.py'), 'view module loaded lazily');
});

test('custom views: password logins by their code, DRF state changes by actions and mixins, decorators via method_decorator', async () => {
  const { surface } = await load({
    'proj/settings.py': SETTINGS(),
    'proj/urls.py': `
      from django.urls import path
      from django.views.decorators.csrf import csrf_exempt
      from accounts import views
      urlpatterns = [
          path('login/', views.login_view),
          path('cert-login/', views.cert_login),
          path('api/login/', views.ApiLogin.as_view()),
          path('api/items/', views.ItemViewSet.as_view({'get': 'list'})),
          path('hook/', csrf_exempt(views.hook)),
          path('form/', views.Form.as_view()),
          path('api/fn/', views.fn_api),
      ]
    `,
    'accounts/__init__.py': '',
    'accounts/views.py': `
      from django.contrib.auth import authenticate, login
      from django.contrib.auth.mixins import LoginRequiredMixin
      from django.utils.decorators import method_decorator
      from django.views.decorators.csrf import csrf_exempt
      from django.views.generic.edit import FormView
      from rest_framework.views import APIView
      from rest_framework import viewsets
      from rest_framework.decorators import action, api_view

      def login_view(request):
          user = authenticate(request, username=request.POST['u'], password=request.POST['p'])
          if user:
              login(request, user)

      def cert_login(request):
          user = authenticate(request)
          login(request, user)

      class ApiLogin(APIView):
          def post(self, request):
              user = authenticate(username=request.data['u'], password=request.data['p'])
              token, _ = Token.objects.get_or_create(user=user)

      class ItemViewSet(viewsets.GenericViewSet):
          @action(detail=True, methods=['post'])
          def archive(self, request, pk=None):
              pass

      def hook(request):
          if request.method == 'POST':
              Event.objects.create(body=request.body)

      @method_decorator(csrf_exempt, name='dispatch')
      class Form(LoginRequiredMixin, FormView):
          pass

      @api_view(['GET', 'DELETE'])
      def fn_api(request):
          pass
    `,
  });
  const got = surface()[0].views.map((v) => `${describe(v)} [${v.decos.map((d) => `${d.q.split('.').pop()}${d.method ? ':' + d.method : ''}`).join(',')}]`);
  assert.deepEqual(got, [
    '/login/ accounts.views.login_view login=password []',
    '/cert-login/ accounts.views.cert_login []',
    '/api/login/ accounts.views.ApiLogin login=token changes drf []',
    '/api/items/ accounts.views.ItemViewSet changes drf [action:archive]',
    '/hook/ accounts.views.hook changes [csrf_exempt]',
    '/form/ accounts.views.Form changes [csrf_exempt:dispatch]',
    '/api/fn/ accounts.views.fn_api changes drf [api_view]',
  ]);
});

test('no ROOT_URLCONF: urls.py modules that no other URLconf includes are the roots', async () => {
  const { surface } = await load({
    'manage.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
    'proj/settings.py': "import os\nINSTALLED_APPS = []\nMIDDLEWARE = []\nROOT_URLCONF = os.environ['URLCONF']\n",
    'proj/urls.py': "from django.urls import path, include\nurlpatterns = [path('a/', include('app.urls'))]\n",
    'app/urls.py': "from django.urls import path\nfrom . import views\nurlpatterns = [path('b/', views.b)]\n",
    'app/views.py': 'def b(request):\n    pass\n',
  });
  assert.deepEqual(surface()[0].urls.roots, ['proj/urls.py']);
  assert.deepEqual(
    surface()[0].views.map((v) => v.route.path),
    ['/a/b/'],
  );
});

test('custom admin sites and OTP admin classes are recognised', async () => {
  const { surface } = await load({
    'proj/settings.py': SETTINGS(),
    'proj/urls.py': `
      from django.urls import path
      from django_otp.admin import OTPAdminSite
      from .admin import staff_site
      otp_site = OTPAdminSite(name='otp')
      urlpatterns = [
          path('staff/', staff_site.urls),
          path('otp/', otp_site.urls),
      ]
    `,
    'proj/admin.py': `
      from django.contrib import admin
      class StaffSite(admin.AdminSite):
          site_header = 'Staff'
      staff_site = StaffSite(name='staff')
    `,
  });
  assert.deepEqual(surface()[0].views.map(describe), ['/staff/ admin:proj.admin.StaffSite login=password', '/otp/ admin:django_otp.admin.OTPAdminSite login=password']);
});

test('a URLconf that is not Python-evaluable yields what it can and never throws', async () => {
  const { surface } = await load({
    'proj/settings.py': SETTINGS(),
    'proj/urls.py': `
      from django.urls import path, include
      urlpatterns = [path(p, v) for p, v in ROUTES]
      urlpatterns += [path('ok/', include(get_patterns())), path('self/', include('proj.urls')), path(PREFIX, lambda r: None)]
      urlpatterns += [path('x/', missing.view)]
    `,
  });
  assert.deepEqual(
    surface()[0].views.map((v) => v.route.path),
    [],
  );
});

test('a ROOT_URLCONF with any module name is followed, and the views it routes to are loaded on demand', async () => {
  const { surface } = await load({
    'proj/__init__.py': '',
    'proj/settings.py': SETTINGS().replace("ROOT_URLCONF = 'proj.urls'", "ROOT_URLCONF = 'proj.routing'"),
    'proj/routing.py': `
      from django.urls import path
      from django.contrib.auth.views import LoginView
      from shop.pages import checkout
      urlpatterns = [path('login/', LoginView.as_view()), path('checkout/', checkout)]
    `,
    'shop/__init__.py': '',
    'shop/pages.py': `
      def checkout(request):
          if request.method == 'POST':
              request.user.orders.create()
          return None
    `,
  });
  const views = surface()[0].views.map(describe).sort();
  assert.deepEqual(views, ['/checkout/ shop.pages.checkout changes', '/login/ django.contrib.auth.views.LoginView login=password']);
});

test("a view's definition site runs from its def/class keyword to the definition's end, for decorated and async views too", async () => {
  const { surface } = await load({
    'proj/__init__.py': '',
    'proj/settings.py': SETTINGS(),
    'proj/urls.py': `
      from django.urls import path
      from shop import views
      urlpatterns = [path('a/', views.plain), path('b/', views.decorated), path('c/', views.later), path('d/', views.Klass.as_view())]
    `,
    'shop/__init__.py': '',
    'shop/views.py': `
      from django.views import View
      from django.views.decorators.csrf import csrf_exempt

      def plain(request):
          return None

      @csrf_exempt
      # a comment between the decorator and the def
      def decorated(request):
          return None

      async def later(request):
          return None

      @csrf_exempt
      class Klass(View):
          def post(self, request):
              return None
    `,
  });
  const site = (name: string) => {
    const v = surface()[0].views.find((x) => describe(x).includes(name));
    assert.ok(v, name);
    return [v.defSite.line, v.defSite.column, v.defSite.endLine, v.defSite.endColumn];
  };
  assert.deepEqual(site('plain'), [4, 1, 5, 16]);
  assert.deepEqual(site('decorated'), [9, 1, 10, 16]);
  assert.deepEqual(site('later'), [12, 1, 13, 16]);
  assert.deepEqual(site('Klass'), [16, 1, 18, 20]);
});
