import { ruleTester } from '../../helpers/rule-tester.js';

const SETTINGS = "INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.sessions']\nMIDDLEWARE = []\nROOT_URLCONF = 'proj.urls'\n";

ruleTester.run('session-fixation', {
  valid: [
    {
      name: 'login() rotates the key',
      files: {
        'proj/settings.py': SETTINGS,
        'accounts/views.py': `
          from django.contrib.auth import login
          def cert_login(request):
              user = lookup(request)
              login(request, user)
              request.session['user_id'] = user.pk
        `,
      },
    },
    {
      name: 'cycle_key() before writing the custom key',
      files: {
        'proj/settings.py': SETTINGS,
        'accounts/views.py': `
          def cert_login(request):
              user = lookup(request)
              request.session.cycle_key()
              request.session['_auth_user_id'] = str(user.pk)
        `,
      },
    },
    {
      name: 'aliased login and flush()',
      files: {
        'proj/settings.py': SETTINGS,
        'accounts/views.py': `
          from django.contrib.auth import login as auth_login
          def a(request):
              auth_login(request, get_user(request))
              request.session['logged_in'] = True
          def b(request):
              request.session.flush()
              request.session['uid'] = 7
        `,
      },
    },
    {
      name: 'class-based view: login() in another method of the class',
      files: {
        'proj/settings.py': SETTINGS,
        'accounts/views.py': `
          from django.contrib.auth import login
          from django.views import View
          class CertLogin(View):
              def post(self, request):
                  user = self.find(request)
                  self.start(request, user)
                  request.session['user_id'] = user.pk
              def start(self, request, user):
                  login(request, user)
        `,
      },
    },
    {
      name: 'logging out and unrelated keys',
      files: {
        'proj/settings.py': SETTINGS,
        'accounts/views.py': `
          def logout_view(request):
              request.session['user_id'] = None
              request.session['logged_in'] = False
          def prefs(request):
              request.session['theme'] = 'dark'
              request.session['cart'] = [1, 2]
              request.session['_auth_user_id_seen'] = 1
        `,
      },
    },
    {
      name: 'a view whose name ends in login is not a login() call',
      files: {
        'proj/settings.py': SETTINGS,
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('l/', views.custom_login)]\n",
        'accounts/views.py': `
          def custom_login(request):
              request.session.cycle_key()
              request.session['user_id'] = 1
        `,
      },
    },
  ],
  invalid: [
    {
      name: "writing Django's _auth_user_id by hand",
      files: {
        'accounts/views.py': `
          from django.http import HttpResponse
          def cert_login(request):
              user = lookup(request)
              request.session['_auth_user_id'] = str(user.pk)
              request.session['_auth_user_backend'] = 'django.contrib.auth.backends.ModelBackend'
              return HttpResponse('ok')
        `,
        'proj/settings.py': SETTINGS,
      },
      errors: [
        { ruleId: 'session-fixation', line: 4, messageId: 'authKey' },
        { ruleId: 'session-fixation', line: 5, messageId: 'authKey' },
      ],
    },
    {
      name: 'custom user_id key in a view without trigger words, loaded through the URLconf; def custom_login is not login()',
      files: {
        'accounts/views.py': `
          from django.contrib.auth import authenticate
          from django.shortcuts import redirect
          def custom_login(request):
              user = authenticate(request, username=request.POST['u'], password=request.POST['p'])
              if user is not None:
                  request.session['user_id'] = user.pk
              return redirect('/')
        `,
        'proj/settings.py': SETTINGS,
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('login/', views.custom_login)]\n",
      },
      errors: [{ ruleId: 'session-fixation', line: 6, messageId: 'customKey' }],
    },
    {
      name: 'self.request.session in a class-based view, and a helper module',
      files: {
        'accounts/views.py': `
          from django.views import View
          class CertLogin(View):
              def get(self, request):
                  self.request.session['authenticated_user'] = request.user.username
        `,
        'accounts/session.py': `
          def remember(request, user):
              session = request.session
              request.session['uid'] = user.id
        `,
        'proj/settings.py': SETTINGS,
      },
      errors: [
        { ruleId: 'session-fixation', line: 4 },
        { ruleId: 'session-fixation', file: 'accounts/session.py', line: 3 },
      ],
    },
  ],
});
