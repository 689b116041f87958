"""WTForms for the staff pages, rendered with the GOV.UK Frontend macros."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovPasswordInput, GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput,
)
from wtforms import (
    HiddenField, IntegerField, PasswordField, RadioField, SelectMultipleField, StringField, SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from commissioning_steps.evaluation import RATINGS
from commissioning_steps.evidence import KINDS, MANUAL_KINDS


class SignInForm(FlaskForm):
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[DataRequired("Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CommissionForm(FlaskForm):
    title = StringField("Title", widget=GovTextInput(),
                        validators=[DataRequired("Enter a title for the commission"),
                                    Length(max=200, message="Title must be 200 characters or fewer")])
    summary = TextAreaField("Summary", widget=GovTextArea(),
                            validators=[Length(max=5000, message="Summary must be 5000 characters or fewer")])
    area = StringField("Area", widget=GovTextInput(),
                       validators=[Length(max=200, message="Area must be 200 characters or fewer")])
    partners = TextAreaField("Partner organisations", widget=GovTextArea())
    population_groups = TextAreaField("Population groups and target shares", widget=GovTextArea())
    retention_days = IntegerField("How long to keep residents' own words", widget=GovTextInput(),
                                  default=730,
                                  validators=[Optional(), NumberRange(min=30, max=3650, message=(
                                      "Keep residents' words for 30 to 3650 days, as a whole number"))])
    submit = SubmitField("Save commission", widget=GovSubmitInput())


class EvidenceForm(FlaskForm):
    kind = RadioField("What kind of evidence is it?", widget=GovRadioInput(),
                      choices=[SelectChoice(k, KINDS[k].label) for k in MANUAL_KINDS],
                      validators=[InputRequired("Choose the kind of evidence")])
    summary = TextAreaField("Summary", widget=GovTextArea(),
                            validators=[DataRequired("Enter a summary of the evidence"),
                                        Length(max=2000, message="Summary must be 2000 characters or fewer")])
    attendance = IntegerField("How many people attended?", widget=GovTextInput(),
                              validators=[Optional(), NumberRange(min=0, max=100000,
                                          message="Enter how many people attended, as a whole number")])
    url = StringField("Document web address", widget=GovTextInput(),
                      validators=[Optional(), URL(message="Enter the document's web address, starting with https://")])
    supersedes = HiddenField()
    submit = SubmitField("Add evidence", widget=GovSubmitInput())


class CompleteStepForm(FlaskForm):
    override_reason = TextAreaField("Reason for completing this step without evidence", widget=GovTextArea(),
                                    validators=[Length(max=2000, message="Reason must be 2000 characters or fewer")])
    submit = SubmitField("Complete this step", widget=GovSubmitInput())


class MemberForm(FlaskForm):
    email = StringField("Email address of their staff account", widget=GovTextInput(),
                        validators=[DataRequired("Enter the email address of a staff account")])
    role = RadioField("Role on this commission", widget=GovRadioInput(),
                      choices=[SelectChoice("commissioner", "Commissioner: can change the commission"),
                               SelectChoice("evaluator", "Evaluator: reads everything, records assessments")],
                      validators=[InputRequired("Choose a role")])
    submit = SubmitField("Add to team", widget=GovSubmitInput())


class TokenForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(),
                       validators=[DataRequired("Enter a name for the token, like the script that will use it"),
                                   Length(max=80, message="Name must be 80 characters or fewer")])
    expires_in_days = IntegerField("Expires after (days)", widget=GovTextInput(), default=30,
                                   validators=[InputRequired("Enter how many days the token should work for"),
                                               NumberRange(min=1, max=90, message="Enter a whole number of days from 1 to 90")])
    submit = SubmitField("Create token", widget=GovSubmitInput())


class AssessmentForm(FlaskForm):
    """An evaluator's rating of a completed step (``evaluation.rate_step`` checks the rest:
    the commentary is required unless the step is fully evidenced)."""

    rating = RadioField("How well does the record answer the practice question?", widget=GovRadioInput(),
                        choices=[SelectChoice(k, v) for k, v in RATINGS.items()],
                        validators=[InputRequired("Choose how well the record answers the practice question")])
    commentary = TextAreaField("Commentary", widget=GovTextArea(),
                               validators=[Length(max=2000, message="Commentary must be 2000 characters or fewer")])
    submit = SubmitField("Record rating", widget=GovSubmitInput())


class WebhookForm(FlaskForm):
    """A new webhook subscription. Every field is checked by the service, in one go, so the page
    shows every problem at once (an address it refuses along with no event chosen)."""

    url = StringField("Receiver's web address", widget=GovTextInput())
    description = StringField("Description (optional)", widget=GovTextInput())
    events = SelectMultipleField("Which events should it receive?", widget=GovCheckboxesInput(), choices=[],
                                 validate_choice=False)
    submit = SubmitField("Add webhook", widget=GovSubmitInput())


def apply_domain_errors(form: FlaskForm, fields: dict[str, str], aliases: dict[str, str] | None = None) -> list[str]:
    """Attach domain field errors to the form's fields; return the ones no field can show."""
    aliases = aliases or {}
    unplaced = []
    for name, message in fields.items():
        field = getattr(form, aliases.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            unplaced.append(message)
    return unplaced
