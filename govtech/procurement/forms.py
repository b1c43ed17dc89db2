"""Procurement forms: requests, CSV import, tenders, participation answers, specification, bids, allocation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from govtech.procurement.labels import AWARD_METHOD_LABELS, RULE_LABELS

YEN = [Optional(), NumberRange(min=0, max=10**12)]


def _choices(labels: dict) -> list[tuple[str, object]]:
    return list(labels.items())


class FiniteDecimalField(DecimalField):
    """A DecimalField that refuses NaN, sNaN and infinities (NumberRange would raise on "sNaN": a 500)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


class RequestForm(FlaskForm):
    """An officer's procurement request."""

    title = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), validators=[DataRequired()], choices=[])
    description = TextAreaField(_l("What you need (description or specification)"), validators=[Length(max=5000)])
    requirements = TextAreaField(_l("Must-have requirements (one per line)"), validators=[Length(max=5000)])
    quantity = IntegerField(_l("Quantity"), validators=[InputRequired(), NumberRange(min=1, max=10_000_000)])
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=20)])
    budget_jpy = IntegerField(_l("Budget (yen, tax included)"), validators=[InputRequired(), NumberRange(1, 10**12)])
    fiscal_year = IntegerField(_l("Fiscal year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    desired_start = DateField(_l("Desired start date"), validators=[Optional()])
    external_id = StringField(_l("Your reference (optional)"), validators=[Optional(), Length(max=64)])
    version = HiddenField(validators=[Optional(), Regexp(r"^\d{1,18}$")])  # the route reads it with int()
    save = SubmitField(_l("Save as draft"))
    save_submit = SubmitField(_l("Save and submit to GovTech Tokyo"))


class ImportForm(FlaskForm):
    """Upload of a requests.csv file."""

    file = FileField(_l("CSV file"), validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))])
    state = RadioField(_l("Import the requests as"), default="draft",
                       choices=[("draft", _l("Drafts (I will check and submit them)")),
                                ("submitted", _l("Submitted to GovTech Tokyo"))])
    submit = SubmitField(_l("Import"))


class ReasonForm(FlaskForm):
    """A reason for returning, declining, failing or cancelling."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Confirm"))


class TenderForm(FlaskForm):
    """A joint tender's settings, and the requests it bundles."""

    title = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description for municipalities"), validators=[Length(max=5000)])
    category = SelectField(_l("Category"), validators=[DataRequired()], choices=[])
    fiscal_year = IntegerField(_l("Fiscal year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=20)])
    survey_deadline = DateField(_l("Deadline for joining (手挙げ)"), validators=[InputRequired()])
    award_method = RadioField(_l("Award method"), default="lowest_price", choices=_choices(AWARD_METHOD_LABELS))
    price_weight = IntegerField(_l("Price weight (%)"), default=70, validators=[Optional(), NumberRange(0, 100)])
    quality_weight = IntegerField(_l("Quality weight (%)"), default=30, validators=[Optional(), NumberRange(0, 100)])
    allocation_rule = SelectField(_l("Cost split"), default="quantity", choices=_choices(RULE_LABELS))
    mix_equal = IntegerField(_l("Equal part (%)"), default=20, validators=[Optional(), NumberRange(0, 100)])
    mix_quantity = IntegerField(_l("By quantity (%)"), default=80, validators=[Optional(), NumberRange(0, 100)])
    mix_population = IntegerField(_l("By population (%)"), default=0, validators=[Optional(), NumberRange(0, 100)])
    requests = SelectMultipleField(_l("Requests in this tender"), coerce=int, choices=[], validate_choice=False)
    submit = SubmitField(_l("Open the tender for participation"))


class JoinForm(FlaskForm):
    """A municipality's answer: its quantity and budget ceiling."""

    quantity = IntegerField(_l("Quantity for your municipality"),
                            validators=[InputRequired(), NumberRange(min=1, max=10_000_000)])
    budget_ceiling_jpy = IntegerField(_l("Budget ceiling (yen, tax included)"), validators=YEN)
    submit = SubmitField(_l("Join this joint tender"))


class SpecForm(FlaskForm):
    """The joint specification, bid deadline and contract period."""

    specification = TextAreaField(_l("Joint specification"), validators=[Length(max=20000)])
    bid_deadline = DateField(_l("Bid deadline"), validators=[Optional()])
    contract_start = DateField(_l("Contract start"), validators=[Optional()])
    contract_end = DateField(_l("Contract end"), validators=[Optional()])
    submit = SubmitField(_l("Save the specification"))


class BidForm(FlaskForm):
    """One vendor's bid as received."""

    vendor_name = StringField(_l("Vendor"), validators=[DataRequired(), Length(max=200)])
    unit_price_jpy = IntegerField(_l("Unit price (yen)"), validators=[Optional(), NumberRange(1, 10**12)])
    total_jpy = IntegerField(_l("Or total price (yen)"), validators=[Optional(), NumberRange(1, 10**12)])
    technical_score = FiniteDecimalField(_l("Technical score (0–100)"), places=1,
                                         validators=[Optional(), NumberRange(0, 100)])
    valid = BooleanField(_l("The bid is valid"), default=True)
    invalid_reason = StringField(_l("If not valid, why"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Record the bid"))


class AllocationForm(FlaskForm):
    """The cost-split rule after award."""

    allocation_rule = SelectField(_l("Cost split"), choices=_choices(RULE_LABELS))
    mix_equal = IntegerField(_l("Equal part (%)"), validators=[Optional(), NumberRange(0, 100)])
    mix_quantity = IntegerField(_l("By quantity (%)"), validators=[Optional(), NumberRange(0, 100)])
    mix_population = IntegerField(_l("By population (%)"), validators=[Optional(), NumberRange(0, 100)])
    submit = SubmitField(_l("Allocate the costs"))


class DeadlineForm(FlaskForm):
    """A new participation deadline when reopening."""

    deadline = DateField(_l("New deadline"), validators=[InputRequired()])
    submit = SubmitField(_l("Reopen participation"))


class CategoryCurveForm(FlaskForm):
    """A category's volume-discount exponent (empty: fitted on past awards or the default)."""

    discount_exponent = FiniteDecimalField(_l("Discount exponent b"), places=3,
                                           validators=[Optional(), NumberRange(0, 0.9)])
    submit = SubmitField(_l("Save"))
