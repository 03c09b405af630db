from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path('api/me/', views.me),
    path('api/export/', views.export_users),
    path('accounts/cert-login/', views.cert_login),
    path('accounts/login/', auth_views.LoginView.as_view()),
]
