"""The task views: a task is worked through its step's form on the dossier (web), so the same
rules, messages and history apply whichever way a user arrives."""

from django.shortcuts import redirect
from django.urls import reverse
from django.views import View


class TaskStepView(View):
    """viewflow's execute view for a StepTask: open the step's form for the task's dossier."""

    def dispatch(self, request, *args, **kwargs):
        activation = request.activation
        dossier_pk = activation.process.artifact_object_id
        step = activation.flow_task.step
        return redirect(reverse("dossiers:step", args=[dossier_pk, step]))
