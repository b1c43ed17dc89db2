"""Coordinators' review: explained suggestions per role, the pool-wide plan, learning, supply vs demand."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.accounts.forms import ConfirmForm
from govtech.accounts.permissions import role_required
from govtech.core import jobs
from govtech.core.web import commit, get_locale_code, safe_next_url
from govtech.talent import queries, ranking, training, workflow
from govtech.talent.routes import bp
from govtech.talent.routes.common import attempt, role_or_404

PER_PAGE = 10
NEAR_MISSES = 15  # gated-out professionals shown per role


@bp.route("/roles/<int:role_id>/suggestions")
@role_required("coordinator")
def suggestions(role_id: int):
    """Ranked, explained suggestions for a role; gated-out near misses in a separate collapsed list."""
    role = role_or_404(role_id)
    page = max(request.args.get("page", 1, type=int), 1)
    ranked = ranking.suggest(role, top=PER_PAGE, offset=(page - 1) * PER_PAGE)
    eligible = ranking.count_eligible(role)  # every eligible professional is ranked: it tells if there is more
    # Names, days and bios in one query; the explanations already carry the skill levels.
    people = queries.professionals_by_id([s.professional_id for s in ranked], with_skills=False)
    return render_template("talent/suggestions.html", role=role, ranked=ranked, page=page,
                           has_next=eligible > page * PER_PAGE, people=people,
                           existing={m.professional_id: m for m in queries.pipeline(role.id)},
                           eligible=eligible,
                           model=ranking.active_model(), confirm=ConfirmForm(), offset=(page - 1) * PER_PAGE)


@bp.route("/roles/<int:role_id>/excluded")
@role_required("coordinator")
def excluded(role_id: int):
    """The near misses of a role: gated-out professionals with the best scores and the gate that failed.

    A page of its own, and (?fragment=1) the table the suggestion page loads into its collapsed section when
    it is opened: a coordinator who never opens it does not wait for it."""
    role = role_or_404(role_id)
    gated = ranking.gated_out(role, limit=NEAR_MISSES)
    people = queries.professionals_by_id([g.professional_id for g in gated], with_skills=False)
    template = "talent/_excluded.html" if request.args.get("fragment") == "1" else "talent/excluded.html"
    return render_template(template, role=role, gated=gated, gated_people=people)


@bp.route("/roles/<int:role_id>/consider/<int:professional_id>", methods=["POST"])
@role_required("coordinator")
def consider(role_id: int, professional_id: int):
    """Shortlist a suggested professional, or record that they are not a fit (both teach the model)."""
    role = role_or_404(role_id)
    professional = queries.professional(professional_id)
    if professional is None or not ConfirmForm().validate_on_submit():
        abort(404 if professional is None else 400)
    status = "rejected" if request.form.get("decision") == "reject" else "shortlisted"
    explanation = ranking.explain_pair(role, professional.id)
    model = ranking.active_model()
    attempt(lambda: workflow.consider(role=role, professional=professional, actor=current_user, status=status,
                                      score=explanation["score"] if explanation else None,
                                      explanation=explanation, model_version=model.version if model else None),
            _("Shortlisted.") if status == "shortlisted" else _("Recorded as not a fit."))
    return redirect(safe_next_url(request.form.get("next")) or url_for("talent.suggestions", role_id=role.id))


@bp.route("/plan", methods=["GET", "POST"])
@role_required("coordinator")
def plan():
    """Pool-wide plan over every open role, computed as a background job; applying it shortlists the kept pairs."""
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        if request.form.get("do") == "compute":
            most = min(max(request.form.get("max", 2, type=int), 1), 3)
            job_id = jobs.submit(kind=ranking.PLAN_JOB, user=current_user,
                              payload={"max": most, "locale": get_locale_code()}).id
            commit()  # the id was read before: no refresh query (and no write lock) after the commit
            jobs.start(job_id)
            return redirect(url_for("core.job_status", job_id=job_id))
        chosen = {tuple(map(int, v.split(":"))) for v in request.form.getlist("pair") if v.count(":") == 1
                  and all(x.isdigit() for x in v.split(":"))}
        attempt(lambda: workflow.apply_plan(pairs=chosen, actor=current_user),
                _("The plan was applied: the chosen pairs are shortlisted."))
        return redirect(url_for("talent.plan"))
    computed = queries.computed_plan(request.args.get("job", type=int))
    return render_template("talent/plan.html", plan=computed, pairs=computed["pairs"] if computed else [],
                           roles=computed["roles"] if computed else {}, people=computed["people"] if computed else {},
                           confirm=ConfirmForm(), open_roles=len(queries.open_roles()))


@bp.route("/model", methods=["GET", "POST"])
@role_required("coordinator")
def model():
    """The scoring model in use, its held-out quality, earlier versions, and the retrain button."""
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        attempt(lambda: training.retrain(actor=current_user), _("The model was retrained."))
        return redirect(url_for("talent.model"))
    return render_template("talent/model.html", active=ranking.active_model(), history=training.history(),
                           confirm=ConfirmForm(), min_decisions=training.MIN_DECISIONS)


@bp.route("/supply")
@role_required("coordinator")
def supply():
    """Skills that open roles need vs what the pool holds, scarcest first."""
    return render_template("talent/supply.html", rows=queries.supply_and_demand())

