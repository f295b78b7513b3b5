from django.urls import path

from healthaction.web import first_run, public, review, views

urlpatterns = [
    path("", views.home, name="home"),
    path("setup/", first_run.first_run, name="first-run"),
    path("plans/import/", review.import_document, name="plan-import"),
    path("plans/switch/", views.switch_plan, name="plan-switch"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/actions/<int:number>/", views.action_detail, name="action-detail"),
    path("plans/<int:plan_id>/compare/", views.compare, name="plan-compare"),
    path("plans/<int:plan_id>/tasks/", views.tasks, name="plan-tasks"),
    path("plans/<int:plan_id>/lower/", views.lower_areas, name="plan-lower-areas"),
    path("areas/<str:code>/", views.area_plans, name="area-plans"),
    path("plans/<int:plan_id>/ranking/", views.ranking, name="plan-ranking"),
    path("plans/<int:plan_id>/evaluate/", views.evaluate_now, name="plan-evaluate"),
    path("plans/<int:plan_id>/review/", review.review, name="plan-review"),
    path("plans/<int:plan_id>/review/plan/", review.edit_plan, name="plan-edit-meta"),
    path("plans/<int:plan_id>/review/actions/<int:action_id>/", review.edit_action, name="plan-edit-action"),
    path("plans/<int:plan_id>/review/indicators/new/", review.edit_indicator, name="plan-add-indicator"),
    path(
        "plans/<int:plan_id>/review/indicators/<int:indicator_id>/", review.edit_indicator, name="plan-edit-indicator"
    ),
    path(
        "plans/<int:plan_id>/review/indicators/<int:indicator_id>/delete/",
        review.delete_indicator,
        name="plan-delete-indicator",
    ),
    path(
        "plans/<int:plan_id>/review/indicators/<int:indicator_id>/targets/new/",
        review.edit_target,
        name="plan-add-target",
    ),
    path(
        "plans/<int:plan_id>/review/indicators/<int:indicator_id>/targets/<int:target_id>/",
        review.edit_target,
        name="plan-edit-target",
    ),
    path(
        "plans/<int:plan_id>/review/indicators/<int:indicator_id>/targets/<int:target_id>/delete/",
        review.delete_target,
        name="plan-delete-target",
    ),
    path("plans/<int:plan_id>/review/tasks/new/", review.edit_task, name="plan-add-task"),
    path("plans/<int:plan_id>/review/tasks/<int:task_id>/", review.edit_task, name="plan-edit-task"),
    path("plans/<int:plan_id>/review/tasks/<int:task_id>/delete/", review.delete_task, name="plan-delete-task"),
    path("plans/<int:plan_id>/review/departments/merge/", review.merge_departments, name="plan-merge-departments"),
    path("plans/<int:plan_id>/review/workbook/", review.workbook, name="plan-review-workbook"),
    path("plans/<int:plan_id>/review/warnings/<int:warning_id>/", review.resolve_warning, name="plan-resolve-warning"),
    path("plans/<int:plan_id>/publish/", review.publish, name="plan-publish"),
    path("indicators/<int:indicator_id>/", views.indicator_detail, name="indicator-detail"),
    path("jobs/<int:job_id>/", views.job_status, name="job"),
    path("jobs/<int:job_id>/file/", views.job_file, name="job-file"),
    path("public/", public.public_home, name="public-home"),
    path("public/plans/<int:plan_id>/", public.public_plan, name="public-plan"),
    path("public/indicators/<int:indicator_id>/", public.public_indicator, name="public-indicator"),
]
