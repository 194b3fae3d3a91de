app_name = "compendium"

urlpatterns = []
