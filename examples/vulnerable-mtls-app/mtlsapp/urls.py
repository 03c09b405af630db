from django.contrib import admin
from django.urls import path

from accounts import views as account_views
from payments import views as payment_views

urlpatterns = [
    path('admin/', admin.site.urls),
    path('api/profile', account_views.ProfileView.as_view()),
    path('api/login', account_views.certificate_login),
    path('api/admin-report', account_views.admin_report),
    path('api/transfer', payment_views.transfer),
]
