from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    path("mujun/", views.mujun_page, name="mujun"),
    path("mujun/draft/", views.draft_view, name="draft"),
    path("carbon/", views.carbon_page, name="carbon"),
    path("<int:pk>/publicise/", views.publicise_view, name="publicise"),
    path("<int:pk>/finalise/", views.finalise_view, name="finalise"),
    path("<int:pk>/enterprises/<int:enterprise_pk>/", views.result_page, name="result"),
    path("<int:pk>/object/", views.object_view, name="object"),
    path("objections/<int:pk>/", views.objection_page, name="objection"),
    path("objections/<int:pk>/attachment/", views.objection_attachment, name="objection_attachment"),
    path("mine/", views.mine_page, name="mine"),
    path("exemptions/", views.exemptions_page, name="exemptions"),
    path("method/", views.method_page, name="method"),
    path("enterprise/<int:enterprise_pk>/", views.enterprise_results, name="enterprise_results"),
    path("ladder/", views.ladder_page, name="ladder"),
    path("ladder/add/", views.ladder_add, name="ladder_add"),
    path("ladder/<int:pk>/drop/", views.ladder_drop, name="ladder_drop"),
    path("inefficient/", views.inefficient_page, name="inefficient"),
    path("inefficient/list/", views.inefficient_list_view, name="inefficient_list"),
    path("inefficient/<int:pk>/", views.inefficient_case, name="inefficient_case"),
    path("diagnosis/", views.diagnosis_list, name="diagnoses"),
    path("diagnosis/new/", views.diagnosis_new, name="diagnosis_new"),
    path("diagnosis/<int:pk>/", views.diagnosis_page, name="diagnosis"),
    path("diagnosis/<int:pk>/project/", views.diagnosis_project, name="diagnosis_project"),
    path("diagnosis/<int:pk>/rescore/", views.diagnosis_rescore_view, name="diagnosis_rescore"),
]
