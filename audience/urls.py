from django.urls import path

from audience import views

app_name = "audience"
urlpatterns = [
    path("a/v", views.beacon, name="beacon"),
    path("a/v.gif", views.beacon, name="beacon_image"),
]
