from django.urls import path

from membership import views

app_name = "membership"

urlpatterns = [
    path("", views.index, name="index"),
    path("checkout/", views.checkout, name="checkout"),
    path("donate/", views.donate, name="donate"),
    path("thank-you/", views.success, name="success"),
    path("sign-in/", views.login, name="login"),
    path("sign-in/<str:token>/", views.login_confirm, name="login_confirm"),
    path("account/", views.account, name="account"),
    path("account/billing/", views.portal, name="portal"),
    path("account/newsletter/", views.newsletter, name="newsletter"),
    path("sign-out/", views.logout, name="logout"),
]
