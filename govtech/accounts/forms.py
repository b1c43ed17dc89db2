"""Sign-in, registration, password and user-administration forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional


def strip(value):
    """Trim pasted whitespace."""
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email()], filters=[strip])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Sign in"))


class RegisterForm(FlaskForm):
    """Self-registration of a digital professional."""

    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)], filters=[strip])
    password = PasswordField(_l("Password (12 characters or more)"), validators=[DataRequired(), Length(12, 128)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("Passwords differ."))])
    consent = BooleanField(_l("I agree that GovTech Tokyo keeps my profile to introduce me to municipalities."),
                           validators=[DataRequired(message=_l("Consent is needed to register."))])
    submit = SubmitField(_l("Register"))


class PasswordForm(FlaskForm):
    """Password change."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password (12 characters or more)"),
                                 validators=[DataRequired(), Length(12, 128)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password", message=_l("Passwords differ."))])
    submit = SubmitField(_l("Change password"))


class UserCreateForm(FlaskForm):
    """An admin creates an officer, coordinator or admin account."""

    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)], filters=[strip])
    role = SelectField(_l("Role"), choices=[("officer", _l("Officer")), ("coordinator", _l("Coordinator")),
                                           ("admin", _l("Administrator"))])
    municipality = SelectField(_l("Municipality (officers only)"), validators=[Optional()], choices=[])
    password = PasswordField(_l("Initial password (12 characters or more)"),
                             validators=[DataRequired(), Length(12, 128)])
    submit = SubmitField(_l("Create account"))


class ConfirmForm(FlaskForm):
    """A bare CSRF-protected form for one-click actions (logout, disable, language)."""

    submit = SubmitField(_l("Confirm"))


class DeleteAccountForm(FlaskForm):
    """A professional deletes their own account (password re-entered)."""

    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    confirm = BooleanField(_l("I understand that my profile, skills and introductions will be deleted."),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Delete my account"))
