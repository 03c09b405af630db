from django.urls import path

from accounts import views

urlpatterns = [
    path('login/', views.cert_login),
    path('login/form/', views.cert_login_form),
    path('login/json/', views.cert_login_json),
    path('api/whoami/', views.whoami),
]
