"""Talent forms: the professional's profile with its skill grid, roles with requirements, workflow actions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import FloatField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from govtech.talent.models import REGIONS, WEIGHTS, WORK_STYLES
from govtech.talent.vocab import LEVELS, REGION_LABELS, WEIGHT_LABELS, WORK_STYLE_LABELS

REQUIREMENT_ROWS = 8


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered inside a fieldset with a legend)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _work_style_choices():
    return [(code, WORK_STYLE_LABELS[code]) for code in WORK_STYLES]


class ProfileForm(FlaskForm):
    """The professional's profile; skill radio fields `skill_<id>` are added per request (profile_form)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Contact email"), validators=[DataRequired(), Email(), Length(max=254)])
    days_per_week = FloatField(_l("Days per week you can give"), validators=[InputRequired(), NumberRange(0, 5)],
                               render_kw={"step": "0.5", "min": "0", "max": "5"})
    available_from = DateField(_l("Available from"), validators=[Optional()])
    work_style = RadioField(_l("Work style"), choices=_work_style_choices(), default="remote",
                            validators=[InputRequired()])
    regions = MultiCheckboxField(_l("Areas where you can be on site"),
                                 choices=[(r, REGION_LABELS[r]) for r in REGIONS])
    public_sector_years = IntegerField(_l("Years of public-sector experience"), default=0,
                                       validators=[InputRequired(), NumberRange(0, 60)],
                                       render_kw={"min": "0", "max": "60"})
    bio = TextAreaField(_l("About you (Japanese or English)"), validators=[Length(max=4000)],
                        render_kw={"rows": 6})
    consent_to_introduce = BooleanField(_l("GovTech Tokyo may introduce me to municipalities' roles"))
    submit = SubmitField(_l("Save profile"))


def skill_field_name(skill_id: int) -> str:
    """The form field of one skill in the grid."""
    return f"skill_{skill_id}"


def profile_form(skills, **kwargs) -> ProfileForm:
    """A ProfileForm with one radio group (level 0–4) per skill of the skill map."""
    attrs = {skill_field_name(s.id): RadioField(s.code, choices=[(str(v), str(v)) for v, _l1, _h in LEVELS],
                                                default="0", validators=[Optional()])
             for s in skills}
    cls = type("SkillProfileForm", (ProfileForm,), attrs)
    return cls(**kwargs)


class RequirementForm(Form):
    """One required skill of a role (an empty skill means the row is unused)."""

    skill = SelectField(_l("Skill"), choices=[], validators=[Optional()], validate_choice=False)
    min_level = SelectField(_l("Minimum level"), choices=[(str(v), str(lbl)) for v, lbl, _h in LEVELS[1:]],
                            default="2")
    weight = SelectField(_l("Weight"), choices=[(w, WEIGHT_LABELS[w]) for w in WEIGHTS], default="important")


class RoleForm(FlaskForm):
    """An officer's role: what, how much time, how, and the skills it needs."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=6000)],
                                render_kw={"rows": 6})
    days_per_week = FloatField(_l("Days per week"), default=1, validators=[InputRequired(), NumberRange(0.5, 5)],
                               render_kw={"step": "0.5", "min": "0.5", "max": "5"})
    start_date = DateField(_l("Start date"), validators=[Optional()])
    work_style = SelectField(_l("Work style"), choices=_work_style_choices(), default="hybrid")
    positions = IntegerField(_l("Positions"), default=1, validators=[InputRequired(), NumberRange(1, 20)],
                             render_kw={"min": "1", "max": "20"})
    template = HiddenField(validators=[Optional(), Length(max=40)])  # a role template's code (Role.template)
    version = HiddenField()
    requirements = FieldList(FormField(RequirementForm), min_entries=REQUIREMENT_ROWS,
                             max_entries=REQUIREMENT_ROWS + 12)
    submit = SubmitField(_l("Save role"))


class ActionForm(FlaskForm):
    """A workflow step on a match: which step, and the version the person saw (optimistic check)."""

    action = HiddenField(validators=[DataRequired()])
    version = HiddenField(validators=[DataRequired()])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Confirm"))


class ImportForm(FlaskForm):
    """Bulk intake of professionals or roles from a CSV file."""

    kind = SelectField(_l("File contains"), choices=[("professionals", _l("Professionals")),
                                                    ("roles", _l("Roles"))])
    file = FileField(_l("CSV file (UTF-8 or Shift_JIS)"),
                     validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))])
    submit = SubmitField(_l("Import"))
