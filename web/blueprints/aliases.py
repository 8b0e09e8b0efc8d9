"""Admin: place aliases learnt from department corrections (confirm a candidate, add one by hand, remove one).

A candidate is a department correction whose document the gazetteer did not
route to the chosen department; the admin picks or edits the place text as
the document writes it and confirms.  The analyzer of this process gets the
new aliases at once (``Container.refresh_places``); workers within a minute.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from healthpulse.web.context import container, current_principal, require_role
from healthpulse.web.form_translations import LocalisedForm
from healthpulse.web.services import corrections as corr_svc
from healthpulse.web.services.tickets import NotFound
from healthpulse.web.templating import department_names
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

bp = Blueprint("aliases", __name__, url_prefix="/admin/aliases")


@bp.before_request
@require_role("admin")
def _admins_only() -> None:
    return None


class AliasForm(LocalisedForm):
    place = StringField(validators=[DataRequired(), Length(max=200)])
    department = SelectField(validators=[DataRequired()])
    document_id = HiddenField(validators=[Optional(), Length(max=128)])


class EmptyForm(LocalisedForm):
    pass


def _form(**data: Any) -> AliasForm:
    form = AliasForm(**data)
    form.department.choices = [(dep_id, f"{dep_id} — {name}") for dep_id, name in department_names().items()]
    return form


@bp.route("/", methods=["GET"])
def index() -> Any:
    page = corr_svc.alias_page(container())
    forms = [_form(formdata=None, place=(c["suggestions"] or [""])[0], department=c["department"],
                   document_id=c["document_id"]) for c in page["candidates"]]
    return render_template("admin/aliases.html", candidates=list(zip(page["candidates"], forms, strict=True)),
                           aliases=page["aliases"], new_form=_form(formdata=None), empty_form=EmptyForm())


@bp.route("/", methods=["POST"])
def confirm() -> Any:
    form = _form()
    if not form.validate_on_submit():
        flash(_("Please fill in the form correctly."), "error")
    else:
        principal = current_principal()
        assert principal is not None
        try:
            corr_svc.confirm_alias(container(), principal, form.department.data, form.place.data,
                                   form.document_id.data or None)
        except corr_svc.AliasInvalid as err:
            flash(str(err), "error")
        else:
            flash(_("Place alias saved: new documents naming it are routed to this department."), "ok")
    return redirect(url_for("aliases.index")), 303


@bp.route("/<int:alias_id>/delete", methods=["POST"])
def delete(alias_id: int) -> Any:
    if not EmptyForm().validate_on_submit():
        abort(400)
    principal = current_principal()
    assert principal is not None
    try:
        corr_svc.remove_alias(container(), principal, alias_id)
    except NotFound:
        abort(404)
    flash(_("Place alias removed."), "ok")
    return redirect(url_for("aliases.index")), 303
