"""WTForms for the staff pages, rendered with the GOV.UK Frontend macros, and the survey
schedule's date and time fields (the GOV.UK date input pattern, in the service's time zone)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

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

from ..common import times


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


_ATTENDANCE_MESSAGE = "Enter how many people attended, as a whole number"
_ATTENDANCE = [Optional(), NumberRange(min=0, max=100000, message=_ATTENDANCE_MESSAGE)]


class WholeNumberField(IntegerField):
    """An integer field whose "not a number" message is written for people, not developers."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_ATTENDANCE_MESSAGE) from None


class EvidenceForm(FlaskForm):
    """A manual evidence entry. Some kinds need one more figure: a workshop or a meeting its
    attendance, a document link its address. Each figure sits under its kind's radio (GOV.UK
    conditional reveal); without JavaScript every field shows, its hint naming the kind that
    needs it, and only the chosen kind's field is read or checked."""

    kind = RadioField("What kind of evidence is it?", widget=GovRadioInput(),
                      choices=[SelectChoice(k, KINDS[k].label) for k in MANUAL_KINDS],
                      validators=[InputRequired("Choose the kind of evidence")])
    summary = TextAreaField("Summary", widget=GovTextArea(),
                            validators=[DataRequired("Enter a summary of the evidence"),
                                        Length(max=2000, message="Summary must be 2000 characters or fewer")])
    attendance = WholeNumberField("How many people attended the workshop?", widget=GovTextInput(),
                                  validators=_ATTENDANCE)
    meeting_attendance = WholeNumberField("How many people attended the meeting?", widget=GovTextInput(),
                                          validators=_ATTENDANCE)
    url = StringField("Document web address", widget=GovTextInput(),
                      validators=[Optional(), URL(message="Enter the document's web address, starting with https://")])
    supersedes = HiddenField()
    submit = SubmitField("Add evidence", widget=GovSubmitInput())

    #: The kind each figure belongs to, and the payload key it fills.
    FIGURES = {"attendance": ("workshop", "attendance"), "meeting_attendance": ("meeting", "attendance"),
               "url": ("document", "url")}

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        for name, (kind, _) in self.FIGURES.items():
            if self.kind.data != kind:
                getattr(self, name).errors = []
        self._errors = None
        return not self.errors

    def payload(self) -> dict:
        """The chosen kind's figures, as the evidence entry's payload."""
        out: dict = {}
        for name, (kind, key) in self.FIGURES.items():
            value = getattr(self, name).data
            if self.kind.data == kind and value is not None and value != "":
                out[key] = value.strip() if isinstance(value, str) else value
        return out

    def field_for(self, payload_key: str) -> str:
        """The form field that shows a payload key's error for the chosen kind."""
        for name, (kind, key) in self.FIGURES.items():
            if key == payload_key and kind == self.kind.data:
                return name
        return "summary"

    def prefill(self, entry) -> None:
        """Start a correction from the entry it corrects."""
        self.kind.data = entry.kind
        self.summary.data = entry.summary
        for name, (kind, key) in self.FIGURES.items():
            if entry.kind == kind and key in (entry.payload or {}):
                getattr(self, name).data = entry.payload[key]


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


# -- the survey schedule: GOV.UK date input plus a time, in the service's time zone ------------------

PARTS = ("day", "month", "year")


@dataclass
class Moment:
    """One date-and-time field of the schedule form, read from ``<name>-day`` ... ``<name>-time``."""

    name: str
    what: str  # "opening" or "closing", for messages
    values: dict[str, str] = field(default_factory=dict)
    value: datetime | None = None
    error: str | None = None
    #: The inputs in error ("day", "month", "year", "time"), to mark them and link to the first.
    bad: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        return f"{self.name}-{self.bad[0] if self.bad else 'day'}"

    def fail(self, message: str, *bad: str) -> "Moment":
        self.error, self.bad = message, bad
        return self


def read_moment(form, name: str, what: str) -> Moment:
    """A date and time the commissioner typed, as naive UTC; all four fields empty means none."""
    moment = Moment(name, what, {p: (form.get(f"{name}-{p}") or "").strip() for p in (*PARTS, "time")})
    given = {p: v for p, v in moment.values.items() if v}
    if not given:
        return moment
    missing = [p for p in PARTS if p not in given]
    if len(missing) == 3:
        return moment.fail(f"Enter the {what} date", *PARTS)
    if missing:
        return moment.fail(f"The {what} date must include a {' and '.join(missing)}", *missing)
    if not all(moment.values[p].isdigit() for p in PARTS):
        return moment.fail(f"The {what} date must be a real date", *[p for p in PARTS if not moment.values[p].isdigit()])
    if len(moment.values["year"]) != 4:
        return moment.fail("The year must include 4 numbers", "year")
    try:
        day = date(int(moment.values["year"]), int(moment.values["month"]), int(moment.values["day"]))
    except ValueError:
        return moment.fail(f"The {what} date must be a real date", *PARTS)
    if not moment.values["time"]:
        return moment.fail(f"Enter the {what} time, for example 9am or 14:30", "time")
    at = times.parse_clock(moment.values["time"])
    if at is None:
        return moment.fail(f"Enter the {what} time like 9am, 9:30am or 14:30", "time")
    try:
        moment.value = times.from_local(day, at)
    except times.NoSuchTime as exc:
        return moment.fail(str(exc), "time")
    return moment


def moment_values(value: datetime | None) -> dict[str, str]:
    """A stored time as the fields show it, in the service's zone."""
    if value is None:
        return {}
    local = times.to_local(value)
    return {"day": str(local.day), "month": str(local.month), "year": str(local.year),
            "time": f"{local.hour}:{local.minute:02d}"}
