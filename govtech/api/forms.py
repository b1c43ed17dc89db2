"""Forms of the token page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class TokenForm(FlaskForm):
    """Name a new token (what it is for, e.g. the script that uses it)."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("What the token is for, e.g. “nightly export script”."))
    submit = SubmitField(_l("Create token"))


class RevokeForm(FlaskForm):
    """One click, CSRF-protected."""

    submit = SubmitField(_l("Revoke"))
